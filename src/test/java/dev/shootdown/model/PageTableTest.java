package dev.shootdown.model;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Page tables as frames (seed 004): walks through the table's PMD, unhooked and freed tables, and the
 * paging-structure caches of x86 (emptied by any invalidation, SDM vol. 3A 4.10.4.1) and ARM LPAE
 * (only an invalidation of a page in the table drops its entry). Page p sits in table t, page q in
 * table u; {@code evictions} lets a test drop a TLB entry without touching the caches.
 */
class PageTableTest {

    private static MachineDriver tables(String knobs, String cpu0) {
        return MachineDriver.of("""
                hardware x86 { cpus 1; evictions; %s }
                mm A {
                  table t -> frame pt { page p -> frame f writable }
                  table u -> frame pu { page q -> frame g writable }
                }
                frames spare
                cpu 0 runs A: %s
                check no_walk_of_freed_table, no_use_after_free
                """.formatted(knobs, cpu0));
    }

    @Test
    @DisplayName("a walk goes through the table's PMD in memory: a table re-hooked at another frame is read there")
    void walkFollowsPmd() {
        MachineDriver d = tables("paging_cache off", "{ n = alloc_frame(); pmd_populate(t, n); free_frame(pt); read(p) }");
        assertThat(Pte.pfn(d.pmd("t"))).isEqualTo(d.frame("pt"));
        d.steps(0, 2);
        assertThat(Pte.pfn(d.pmd("t"))).isEqualTo(d.frame("spare"));
        assertThat(FrameState.owner(d.frameState("spare"))).as("pmd_populate gives the kernel's frame to A").isEqualTo(FrameState.mmOwner(0));
        d.step(0);
        assertThat(d.isFree("pt")).isTrue();

        assertThat(d.step(0)).as("the old table frame is free, but the PMD no longer points at it").isNull();
        assertThat(d.tlb(0, "p")).isNotZero();
    }

    @Test
    @DisplayName("after pmd_clear the walk finds no table: the access faults without reading or marking the PTE")
    void unhookedTableFaults() {
        MachineDriver d = tables("paging_cache off", "{ pmd_clear(t); read(p); read(q) }");
        int pte = d.pte("p");
        d.step(0);
        assertThat(d.pmd("t")).isZero();

        assertThat(d.step(0)).isNull();
        assertThat(d.tlb(0, "p")).isZero();
        assertThat(d.pte("p")).as("no A: the walk never reached the PTE").isEqualTo(pte);
        assertThat(d.notesText()).contains("page fault on p", "not hooked");

        d.step(0);
        assertThat(d.tlb(0, "q")).as("the other table is still hooked").isNotZero();
    }

    @Test
    @DisplayName("a table declared unhooked faults from the start")
    void declaredUnhookedTableFaults() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1 }
                mm A { table t -> frame pt unhooked { page p -> frame f writable } }
                cpu 0 runs A: { read(p) }
                """);
        assertThat(d.pmd("t")).isZero();
        d.step(0);
        assertThat(d.tlb(0, "p")).isZero();
    }

    @Test
    @DisplayName("walking a table whose frame is free is walk_of_freed_table, naming the table's frame")
    void walkOfFreedTable() {
        MachineDriver d = tables("paging_cache off", "{ free_frame(pt); read(p) }");
        d.step(0);

        assertThat(d.step(0)).isEqualTo(Verdict.WALK_OF_FREED_TABLE);
        assertThat(d.violationNote()).isEqualTo("cpu0's walk of p reads page table pt, which is free");
        assertThat(d.tlb(0, "p")).isZero();
    }

    @Test
    @DisplayName("without no_walk_of_freed_table in the check list the same walk is not reported")
    void walkOfFreedTableOnlyWhenChecked() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1; paging_cache off }
                mm A { table t -> frame pt { page p -> frame f writable } }
                cpu 0 runs A: { free_frame(pt); read(p) }
                """);
        d.step(0);
        assertThat(d.step(0)).isNull();
    }

    @Test
    @DisplayName("paging_cache x86: a walk caches the PMD, and the cached PMD is used after pmd_clear")
    void x86CachesPmdAndUsesItAfterUnhook() {
        MachineDriver d = tables("paging_cache x86", "{ read(p); pmd_clear(t); read(p) }");
        int pmd = d.pmd("t");
        d.step(0);
        assertThat(d.pwc(0, "t")).isEqualTo(pmd);
        assertThat(d.pwc(0, "u")).as("only the walked table's PMD").isZero();

        d.step(0);
        d.evict(0, "p");
        assertThat(d.pmd("t")).isZero();
        assertThat(d.pwc(0, "t")).as("pmd_clear does not touch the cache").isEqualTo(pmd);

        assertThat(d.step(0)).isNull();
        assertThat(d.tlb(0, "p")).as("the walk went through the cached PMD").isNotZero();
    }

    @Test
    @DisplayName("paging_cache x86: a cached PMD of a freed table is walk_of_freed_table, said to come from the cache")
    void x86CachedPmdReachesFreedTable() {
        MachineDriver d = tables("paging_cache x86", "{ read(p); pmd_clear(t); free_frame(pt); read(p) }");
        d.steps(0, 3);
        d.evict(0, "p");

        assertThat(d.step(0)).isEqualTo(Verdict.WALK_OF_FREED_TABLE);
        assertThat(d.violationNote()).contains("reads page table pt, which is free", "(PMD from its paging-structure cache)");
    }

    @Test
    @DisplayName("paging_cache x86: flush_tlb_page of a page in another table drops every cached PMD")
    void x86FlushPageDropsWholeCache() {
        MachineDriver d = tables("paging_cache x86", "{ read(p); read(q); flush_tlb_page(q) }");
        d.steps(0, 2);
        assertThat(d.pwc(0, "t")).isNotZero();
        assertThat(d.pwc(0, "u")).isNotZero();

        d.step(0);
        assertThat(d.pwc(0, "t")).isZero();
        assertThat(d.pwc(0, "u")).isZero();
        assertThat(d.tlb(0, "p")).as("the TLB entry of another page stays").isNotZero();
    }

    @Test
    @DisplayName("paging_cache x86: flush_tlb_all drops every cached PMD and TLB entry")
    void x86FlushAllDropsCache() {
        MachineDriver d = tables("paging_cache x86", "{ read(p); read(q); flush_tlb_all() }");
        d.steps(0, 3);
        assertThat(d.pwc(0, "t")).isZero();
        assertThat(d.pwc(0, "u")).isZero();
        assertThat(d.tlb(0, "p")).isZero();
        assertThat(d.tlb(0, "q")).isZero();
    }

    @Test
    @DisplayName("paging_cache lpae: flush_tlb_page of a page in another table keeps the cached PMD; of a page in the table drops it")
    void lpaeDropsOnlyTheCoveredEntry() {
        MachineDriver d = tables("paging_cache lpae", "{ read(p); read(q); flush_tlb_page(q); flush_tlb_page(p) }");
        int pmdT = d.pmd("t");
        d.steps(0, 2);

        d.step(0); // flush_tlb_page(q): q is in u
        assertThat(d.pwc(0, "t")).as("t's entry survives an invalidation of q").isEqualTo(pmdT);
        assertThat(d.pwc(0, "u")).isZero();

        d.step(0); // flush_tlb_page(p)
        assertThat(d.pwc(0, "t")).isZero();
    }

    @Test
    @DisplayName("paging_cache lpae: the surviving PMD leads a later walk to the freed table")
    void lpaeSurvivingPmdReachesFreedTable() {
        MachineDriver d = tables("paging_cache lpae", "{ read(p); pmd_clear(t); flush_tlb_page(q); free_frame(pt); read(p) }");
        d.steps(0, 4);
        d.evict(0, "p");
        assertThat(d.step(0)).isEqualTo(Verdict.WALK_OF_FREED_TABLE);
    }

    @Test
    @DisplayName("paging_cache off: nothing is cached, so after pmd_clear the next walk faults")
    void offCachesNothing() {
        MachineDriver d = tables("paging_cache off", "{ read(p); pmd_clear(t); read(p) }");
        d.step(0);
        assertThat(d.pwc(0, "t")).isZero();
        d.step(0);
        d.evict(0, "p");
        d.step(0);
        assertThat(d.tlb(0, "p")).isZero();
    }

    @Test
    @DisplayName("a faulting walk caches nothing (SDM 4.10.4.1): the PTE is not present, the PMD is not cached")
    void faultingWalkCachesNothing() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1; paging_cache x86 }
                mm A { table t -> frame pt { page p -> frame f writable unmapped } }
                cpu 0 runs A: { read(p) }
                """);
        d.step(0);
        assertThat(d.tlb(0, "p")).isZero();
        assertThat(d.pwc(0, "t")).isZero();
    }

    @Test
    @DisplayName("a walk that ends in a protection fault (write to a read-only PTE) caches nothing either (SDM 4.10.4.1)")
    void protectionFaultingWalkCachesNothing() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1; paging_cache x86 }
                mm A { table t -> frame pt { page p -> frame f readonly } }
                cpu 0 runs A: { write(p) }
                """);
        d.step(0);
        assertThat(d.tlb(0, "p")).as("the write faulted").isZero();
        assertThat(d.pwc(0, "t")).isZero();
    }

    @Test
    @DisplayName("a speculative walk of the same non-present PTE does keep the PMD it read")
    void speculativeWalkOfNonPresentPteCaches() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1; paging_cache x86; speculative_walks }
                mm A { table t -> frame pt { page p -> frame f writable unmapped } }
                cpu 0 runs A: { read(p) }
                """);
        d.speculate(0, "p");
        assertThat(d.tlb(0, "p")).isZero();
        assertThat(d.pwc(0, "t")).isEqualTo(d.pmd("t"));
    }

    @Test
    @DisplayName("speculative walks: only pages of the CR3's mm without a TLB entry, also once the program has ended")
    void speculationTargets() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 3; speculative_walks }
                mm A {
                  table t -> frame pt { page p -> frame f writable }
                  table u -> frame pu unhooked { page r -> frame h writable }
                  page q -> frame g writable
                  page s -> frame k unmapped
                }
                mm B { page b -> frame m writable }
                cpu 0 runs A: { read(p) }
                cpu 1 runs B: { }
                """);
        assertThat(d.speculable(0)).as("r's table is unhooked, s's PTE is not present").containsExactly("p", "q");
        assertThat(d.speculable(1)).containsExactly("b");
        assertThat(d.speculable(2)).as("no program, no CR3").isEmpty();

        d.step(0);
        assertThat(d.speculable(0)).as("p has a TLB entry now").containsExactly("q");
    }

    @Test
    @DisplayName("a speculative walk fills the TLB and the paging-structure cache and sets A, even with interrupts off")
    void speculativeWalkFills() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1; speculative_walks; paging_cache x86 }
                mm A { table t -> frame pt { page p -> frame f writable } }
                shared x = 0
                cpu 0 runs A: { local_irq_disable(); x = 1; local_irq_enable() }
                """);
        d.step(0);
        assertThat(d.irqOn(0)).isFalse();
        int pte = d.pte("p");

        assertThat(d.speculate(0, "p")).isNull();
        assertThat(d.tlb(0, "p")).isEqualTo(pte | Pte.ACCESSED);
        assertThat(d.pte("p")).isEqualTo(pte | Pte.ACCESSED);
        assertThat(d.pwc(0, "t")).isEqualTo(d.pmd("t"));
        assertThat(d.speculable(0)).isEmpty();
    }

    @Test
    @DisplayName("a speculative walk never evicts: with a full TLB it caches the PMD but fills nothing")
    void speculativeWalkNeverEvicts() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1; speculative_walks; tlb_capacity 1; paging_cache x86 }
                mm A {
                  page p -> frame f writable
                  table u -> frame pu { page q -> frame g writable }
                }
                cpu 0 runs A: { read(p) }
                """);
        d.step(0);
        int entry = d.tlb(0, "p");
        assertThat(d.speculable(0)).containsExactly("q");

        d.speculate(0, "q");
        assertThat(d.tlb(0, "p")).isEqualTo(entry);
        assertThat(d.tlb(0, "q")).isZero();
        assertThat(d.pwc(0, "u")).isNotZero();
    }

    @Test
    @DisplayName("a speculative walk through a freed table is walk_of_freed_table")
    void speculativeWalkOfFreedTable() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 2; speculative_walks; paging_cache off }
                mm A { table t -> frame pt { page p -> frame f writable } }
                cpu 0 runs A: { free_frame(pt) }
                cpu 1 runs A: { }
                check no_walk_of_freed_table
                """);
        d.step(0);
        assertThat(d.speculable(1)).containsExactly("p");
        assertThat(d.speculate(1, "p")).isEqualTo(Verdict.WALK_OF_FREED_TABLE);
        assertThat(d.violationNote()).contains("speculative walk of p reads page table pt");
    }

    private static final String SWITCH = """
            hardware x86 { cpus 1; paging_cache x86 %s }
            mm A { table t -> frame pt { page p -> frame f writable } }
            mm B { page b -> frame m writable }
            cpu 0 runs A: { read(p); switch_mm(B); read(b); switch_mm(A); read(p) }
            """;

    @Test
    @DisplayName("switch_mm without pcid loads CR3 and flushes the TLB and the paging-structure cache")
    void switchMmFlushes() {
        MachineDriver d = MachineDriver.of(SWITCH.formatted(""));
        assertThat(d.cr3(0)).isEqualTo("A");
        d.step(0);
        assertThat(d.pwc(0, "t")).isNotZero();

        d.step(0);
        assertThat(d.cr3(0)).isEqualTo("B");
        assertThat(d.tlb(0, "p")).isZero();
        assertThat(d.pwc(0, "t")).isZero();
        assertThat(d.cpumask("A")).as("switch_mm leaves mm_cpumask alone").containsExactly(0);
        assertThat(d.cpumask("B")).isEmpty();
        assertThat(d.step(0)).isNull();
        assertThat(d.tlb(0, "b")).isNotZero();
    }

    @Test
    @DisplayName("switch_mm with pcid keeps the TLB and the paging-structure cache")
    void switchMmWithPcidKeeps() {
        MachineDriver d = MachineDriver.of(SWITCH.formatted("; pcid"));
        d.step(0);
        int entry = d.tlb(0, "p");
        int cached = d.pwc(0, "t");
        d.step(0);
        assertThat(d.cr3(0)).isEqualTo("B");
        assertThat(d.tlb(0, "p")).isEqualTo(entry);
        assertThat(d.pwc(0, "t")).isEqualTo(cached);
        d.steps(0, 2);
        assertThat(d.tlb(0, "b")).as("B's entry is kept when switching back to A").isNotZero();
    }

    @Test
    @DisplayName("a user access to a page of an mm not in CR3 is an assertion violation")
    void accessOutsideCr3IsAssertion() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1 }
                mm A { page p -> frame f writable }
                mm B { page b -> frame m writable }
                cpu 0 runs A: { read(b) }
                """);
        assertThat(d.step(0)).isEqualTo(Verdict.ASSERTION);
        assertThat(d.violationNote()).isEqualTo("cpu0 accesses b of B while its CR3 holds A");
        assertThat(d.tlb(0, "b")).isZero();
    }

    @Test
    @DisplayName("after switch_mm(B), A's pages are outside CR3")
    void accessAfterSwitchIsAssertion() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1 }
                mm A { page p -> frame f writable }
                mm B { page b -> frame m writable }
                cpu 0 runs A: { switch_mm(B); read(b); read(p) }
                """);
        d.step(0);
        assertThat(d.step(0)).isNull();
        assertThat(d.step(0)).isEqualTo(Verdict.ASSERTION);
    }

    @Test
    @DisplayName("cpumask(A) starts as the CPUs whose cpu line runs A; cpumask_set and cpumask_clear change it")
    void cpumaskStartsFromCpuLines() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 4 }
                mm A { page p -> frame f writable }
                mm B { page b -> frame m writable }
                cpu 0, 1 runs A: { }
                cpu 2 runs B: { cpumask_clear(A, 1); cpumask_set(B, 0); assert cpumask(A) == {0} && cpumask(B) == {0, 2} }
                """);
        assertThat(d.cpumask("A")).containsExactly(0, 1);
        assertThat(d.cpumask("B")).as("cpu3 has no program and is in no mask").containsExactly(2);

        d.step(2);
        assertThat(d.cpumask("A")).containsExactly(0);
        d.step(2);
        assertThat(d.cpumask("B")).containsExactly(0, 2);
        assertThat(d.step(2)).isNull();
    }
}
