package dev.shootdown.model;

import dev.shootdown.lang.CompileError;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Frames mapped by several address spaces, the reverse map ({@code for v in mappings(f)}), content
 * versions ({@code x = read(p)}), {@code copy_page} and {@code no_stale_copy}, step by step.
 */
class SharedFramesTest {

    private int sharers(MachineDriver d, String frame) {
        return d.state[d.layout.sharersBase + d.frame(frame)];
    }

    /** Steps {@code cpu} until its program has ended, none of its steps violating a property. */
    private static void runToEnd(MachineDriver d, int cpu) {
        while (d.canStep(cpu) && d.pc(cpu) < d.program.cpuPrograms().get(cpu).size() - 1) {
            assertThat(d.step(cpu)).isNull();
        }
    }

    private int version(MachineDriver d, String frame) {
        return d.state[d.layout.versionBase + d.frame(frame)];
    }

    @Test
    @DisplayName("a frame declared by pages of two address spaces belongs to both: neither's access is a use after free")
    void declaredShared() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                mm B { page q -> frame f readonly }
                cpu 0 runs A: write(p)
                cpu 1 runs B: read(q)
                check no_use_after_free
                """);
        assertThat(FrameState.owner(d.frameState("f"))).isEqualTo(FrameState.mmOwner(d.mm("A")));
        assertThat(sharers(d, "f")).isEqualTo(1 << d.mm("B"));
        assertThat(d.step(0)).isNull();
        assertThat(d.step(1)).isNull();
        assertThat(FrameState.describe(d.frameState("f"), sharers(d, "f"), d.program.mmNames())).isEqualTo("A, B modified");
    }

    @Test
    @DisplayName("fork by set_pte maps the parent's frame into the child; a frame freed and reused is no longer shared")
    void forkBySetPte() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                mm B { page q -> frame g unmapped }
                cpu 0 runs A: { ptep_set_wrprotect(p); set_pte(q, ptep_get(p)); done = 1 }
                cpu 1 runs B: { wait until done == 1; read(q); free_frame(f); read(q) }
                shared done = 0
                check no_use_after_free
                """);
        assertThat(d.layout.hasSharers()).isTrue();
        d.steps(0, 3);
        assertThat(sharers(d, "f")).isEqualTo(1 << d.mm("B"));
        assertThat(d.step(1)).isNull();
        assertThat(d.step(1)).as("the child reads the shared frame").isNull();
        assertThat(d.step(1)).isNull();
        assertThat(sharers(d, "f")).as("freeing forgets every owner").isZero();
        assertThat(d.step(1)).isEqualTo(Verdict.USE_AFTER_FREE);
    }

    @Test
    @DisplayName("a model with one address space, or without set_pte or shared frames, has no word of further owners")
    void noSharersWord() {
        assertThat(MachineDriver.of("hardware x86 { cpus 1 }\nmm A { page p -> frame f writable }\ncpu 0 runs A: { set_pte(p, ptep_get(p)) }\n").layout.hasSharers()).isFalse();
        assertThat(MachineDriver.of("hardware x86 { cpus 1 }\nmm A { page p -> frame f writable }\nmm B { page q -> frame g }\ncpu 0 runs A: read(p)\n")
                .layout.hasSharers()).isFalse();
    }

    @Test
    @DisplayName("a page table's frame cannot be shared by a page of another address space")
    void tableFrameNotShared() {
        assertThatThrownBy(() -> MachineDriver.compile("""
                hardware x86 { cpus 1 }
                mm A { table t -> frame pt { page p -> frame f } }
                mm B { page q -> frame pt }
                cpu 0 runs A: read(p)
                """)).isInstanceOf(CompileError.class).hasMessageContaining("holds a page table");
    }

    @Test
    @DisplayName("mappings(f) runs the body for exactly the pages whose PTE maps f, each test a step that reads the PTE then")
    void reverseMap() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable; page r -> frame g writable }
                mm B { page q -> frame f readonly; page s -> frame f readonly }
                shared seen = 0, n = 0
                cpu 0 runs A: { for v in mappings(f) { n = n + 1; if v == q { seen = seen + 10 } else { seen = seen + 1 } } }
                cpu 1 runs B: { pte_clear(s) }
                """);
        int steps = 0;
        while (d.pc(0) < d.program.cpuPrograms().get(0).size() - 1 && d.canStep(0)) {
            assertThat(d.step(0)).isNull();
            if (++steps == 3) {
                d.step(1); // s's PTE cleared before its test: the walk does not see it
            }
        }
        assertThat(d.shared("n")).as("p and q map f, r maps g and s no longer maps anything").isEqualTo(2);
        assertThat(d.shared("seen")).isEqualTo(11);
    }

    @Test
    @DisplayName("mappings takes a frame")
    void reverseMapErrors() {
        assertThatThrownBy(() -> MachineDriver.compile("hardware x86 { cpus 1 }\nmm A { page p -> frame f }\ncpu 0 runs A: { for v in mappings(p) { read(v) } }\n"))
                .isInstanceOf(CompileError.class).hasMessageContaining("the argument of 'mappings'");
        assertThatThrownBy(() -> MachineDriver.compile("hardware x86 { cpus 1 }\nmm A { page p -> frame f }\ncpu 0 runs A: { for v in mappings(f, f) { read(v) } }\n"))
                .isInstanceOf(CompileError.class).hasMessageContaining("'mappings' takes a frame");
    }

    @Test
    @DisplayName("versions: a store bumps its frame's, a read gives the frame's, copy_page copies it, a fault gives -1")
    void versions() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1 }
                mm A { page p -> frame f writable; page q -> frame h unmapped }
                frames g
                shared a = 9, b = 9, c = 9, e = 9
                cpu 0 runs A: {
                  a = write(p)
                  b = write(p)
                  n = alloc_frame()
                  copy_page(n, f)
                  set_pte(p, mk_pte(n, true))
                  flush_tlb_page(p)
                  c = read(p)
                  e = read(q)
                }
                """);
        assertThat(d.layout.hasVersions()).isTrue();
        runToEnd(d, 0);
        assertThat(d.shared("a")).isEqualTo(1);
        assertThat(d.shared("b")).isEqualTo(2);
        assertThat(d.shared("c")).as("the copy has the source's version").isEqualTo(2);
        assertThat(version(d, "g")).isEqualTo(2);
        assertThat(d.shared("e")).as("a faulting read without page_fault reaches no frame").isEqualTo(-1);
    }

    @Test
    @DisplayName("a store past the highest version is an assertion violation, not a wrapped number")
    void versionBound() {
        MachineDriver d = MachineDriver.of("hardware x86 { cpus 1 }\nmm A { page p -> frame f writable }\nshared x = 0\ncpu 0 runs A: repeat 9 { x = write(p) }\n");
        Verdict v = null;
        int stores = 0;
        while (v == null && d.canStep(0)) {
            v = d.step(0);
            stores++;
        }
        assertThat(v).isEqualTo(Verdict.ASSERTION);
        assertThat(d.violationNote()).contains("would pass " + Layout.MAX_VERSION);
        assertThat(version(d, "f")).isEqualTo(Layout.MAX_VERSION);
    }

    @Test
    @DisplayName("a model that never uses an access's value has no version words; one that never copies has no lineage")
    void regionsOnlyWhereUsed() {
        Layout plain = MachineDriver.of("hardware x86 { cpus 1 }\nmm A { page p -> frame f writable }\ncpu 0 runs A: { write(p); read(p) }\n").layout;
        assertThat(plain.hasVersions()).isFalse();
        assertThat(plain.hasSources()).isFalse();
        assertThat(plain.missedWords).isZero();
        assertThat(plain.size).isEqualTo(plain.frameBase + 1);
    }

    private static final String COW = """
            hardware x86 { cpus 2 }
            mm A { page p -> frame f readonly }
            mm B { page q -> frame f readonly }
            frames g
            proc page_fault(va, write) {
              old = ptep_get(va)
              if write && old.present && !old.writable {
                n = alloc_frame()
                copy_page(n, old.pfn)
                set_pte(va, mk_pte(n, true))
                flush_tlb_page(va)
              }
            }
            cpu 0 runs CPU0
            cpu 1 runs CPU1
            """;

    @Test
    @DisplayName("no_stale_copy: after a store through q reached the copy, a load through q of the old frame by a stale entry")
    void staleReadAfterCopy() {
        MachineDriver d = MachineDriver.of(COW.replace("CPU0", "B: write(q)").replace("CPU1", "B: { read(q); read(q) }"));
        assertThat(d.program.properties()).as("on by default in a model that copies").contains(Verdict.STALE_COPY);
        assertThat(d.step(1)).isNull();                       // cpu1 caches f for q
        runToEnd(d, 0);                                       // fault, copy to g, PTE q -> g, local flush, the retried store
        assertThat(d.pte("q") >>> 8).isEqualTo(d.frame("g"));
        assertThat(d.step(1)).isEqualTo(Verdict.STALE_COPY);
        assertThat(d.violationNote()).isEqualTo("cpu1's load of q reaches frame f, which misses the last store through q (it reached g, a copy of it)");
    }

    @Test
    @DisplayName("no_stale_copy: a store through a stale writable entry to the old frame after the copy is missed by the copy")
    void lostWriteToOldFrame() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                frames g
                cpu 0 runs A: { n = alloc_frame(); copy_page(n, f); set_pte(p, mk_pte(n, true)); flush_tlb_page(p); read(p) }
                cpu 1 runs A: { write(p); write(p) }
                check no_stale_copy
                """);
        assertThat(d.step(1)).isNull();                       // cpu1's writable entry for f
        d.steps(0, 4);                                        // copy f to g, PTE p -> g
        assertThat(d.step(1)).as("the store reaches f; g is already a copy").isNull();
        assertThat(d.step(0)).isEqualTo(Verdict.STALE_COPY);
        assertThat(d.violationNote()).contains("reaches frame g, which misses the last store through p (it reached f, which it is a copy of)");
    }

    @Test
    @DisplayName("no_stale_copy: stores through another address space's page (fork's parent) are not the child's concern")
    void parentStoresAreNotTheChilds() {
        MachineDriver d = MachineDriver.of(COW.replace("CPU0", "B: write(q)").replace("CPU1", "A: { read(p); read(p) }"));
        assertThat(d.step(1)).isNull();
        runToEnd(d, 0);
        assertThat(d.step(1)).as("the parent reads its own f").isNull();
    }

    @Test
    @DisplayName("a copy made after the store has it; freeing the copy's source keeps the lineage of the rest")
    void copyAfterStoreAndFree() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1 }
                mm A { page p -> frame f writable }
                frames g, h
                cpu 0 runs A: {
                  write(p)
                  n = alloc_frame()
                  copy_page(n, f)
                  m = alloc_frame()
                  copy_page(m, n)
                  free_frame(n)
                  set_pte(p, mk_pte(m, true))
                  flush_tlb_page(p)
                  write(p)
                }
                check no_stale_copy
                """);
        runToEnd(d, 0);
        int source = d.state[d.layout.sourceBase + d.frame("h")];
        assertThat(source).as("h was copied from g, which was copied from f; g is freed").isEqualTo(d.frame("f") + 1);
        int missed = d.state[d.layout.missedWord(d.frame("f"), d.page("p"))];
        assertThat(missed & 1 << d.page("p")).as("f misses the store that reached h").isNotZero();
    }

    @Test
    @DisplayName("the layout bounds the new words exactly: owners by the address spaces, versions, sources by the frames, missed stores by the pages")
    void ranges() {
        Program p = MachineDriver.compile(COW.replace("CPU0", "B: { x = write(q) }").replace("CPU1", "A: read(p)"));
        Layout l = new Layout(p);
        assertThat(l.range(l.sharersBase)).containsExactly(0, 3);
        assertThat(l.range(l.versionBase)).containsExactly(0, Layout.MAX_VERSION);
        assertThat(l.range(l.sourceBase)).containsExactly(0, 2);
        assertThat(l.range(l.missedBase)).containsExactly(0, 3);
        assertThat(l.word(l.missedBase).kind()).isEqualTo(StateWord.Kind.FRAME_MISSED);
    }

    @Test
    @DisplayName("a retried access gives the version of the access that did not fault")
    void retriedAccessGivesItsVersion() {
        MachineDriver d = MachineDriver.of(COW.replace("CPU0", "B: { x = write(q); seen = x }").replace("CPU1", "A: read(p)") + "shared seen = 0\n");
        runToEnd(d, 0);
        assertThat(d.shared("seen")).isEqualTo(1);
    }
}
