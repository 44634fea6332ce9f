package dev.shootdown.model;

import dev.shootdown.lang.CompileError;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tables nested as four-level paging nests them (Intel SDM vol. 3A 4.5; ARM ARM D8.2): PUD table u holds
 * PMD tables m and n; m holds the last-level table t (page p), n holds v (page q). A walk of p reads
 * the entries hooking u, m and t; each is cached by the paging-structure cache of its level (SDM 4.10.3.1:
 * PML4E, PDPTE and PDE caches), a walk starts from the lowest level cached (SDM 4.10.3.2), and
 * invalidations drop them by the hardware's rules (SDM 4.10.4.1; ARM ARM D8.13).
 */
class FourLevelTablesTest {

    private static MachineDriver nested(String knobs, String cpu0) {
        return MachineDriver.of("""
                hardware x86 { cpus 1; evictions; %s }
                mm A {
                  table u -> frame pu {
                    table m -> frame pm { table t -> frame pt { page p -> frame f writable } }
                    table n -> frame pn { table v -> frame pv { page q -> frame g writable } }
                  }
                }
                cpu 0 runs A: %s
                check no_walk_of_freed_table, no_use_after_free
                """.formatted(knobs, cpu0));
    }

    @Test
    @DisplayName("levels: a table of pages is last-level (PMD), one of those a PMD table (PUD), one of those a PUD table (P4D)")
    void levels() {
        MachineDriver d = nested("", "read(p)");
        PageTableTree tree = new PageTableTree(d.program);
        assertThat(tree.level(d.table("t"))).isZero();
        assertThat(tree.level(d.table("m"))).isEqualTo(1);
        assertThat(tree.level(d.table("u"))).isEqualTo(2);
        assertThat(tree.depth()).isEqualTo(3);
        assertThat(tree.chain(d.page("p"))).containsExactly(d.table("u"), d.table("m"), d.table("t"));
        assertThat(d.layout.word(d.layout.pmdBase + d.table("m")).name()).isEqualTo("pud[m]");
        assertThat(d.layout.word(d.layout.pmdBase + d.table("u")).name()).isEqualTo("p4d[u]");
    }

    @Test
    @DisplayName("a walk reads every level and, with paging_cache x86, caches the entry of each (PML4E, PDPTE, PDE caches)")
    void walkCachesEveryLevel() {
        MachineDriver d = nested("paging_cache x86", "read(p)");
        d.step(0);
        assertThat(d.tlb(0, "p")).isNotZero();
        for (String t : List.of("u", "m", "t")) {
            assertThat(d.pwc(0, t)).as(t).isEqualTo(d.pmd(t));
        }
        assertThat(d.pwc(0, "n")).as("only the tables on p's way").isZero();
        assertThat(d.notesText()).contains("P4D of u cached", "PUD of m cached", "PMD of t cached");
    }

    @ParameterizedTest(name = "an unhooked {0} ({1}) stops the walk: the access faults and the PTE is not read")
    @CsvSource({"u, p4d_clear", "m, pud_clear", "t, pmd_clear"})
    void unhookedLevelFaults(String table, String clear) {
        MachineDriver d = nested("paging_cache off", "{ " + clear + "(" + table + "); read(p) }");
        int pte = d.pte("p");
        d.step(0);
        assertThat(d.pmd(table)).isZero();
        assertThat(d.step(0)).isNull();
        assertThat(d.tlb(0, "p")).isZero();
        assertThat(d.pte("p")).as("no A: the walk never reached the PTE").isEqualTo(pte);
        assertThat(d.notesText()).contains("its table " + table + " is not hooked");
    }

    @ParameterizedTest(name = "a freed {0} on the way is walk_of_freed_table")
    @CsvSource({"u, pu", "m, pm", "t, pt"})
    void freedTableAtEachLevel(String table, String frame) {
        MachineDriver d = nested("paging_cache off", "{ free_frame(table_frame(" + table + ")); read(p) }");
        d.step(0);
        assertThat(d.step(0)).isEqualTo(Verdict.WALK_OF_FREED_TABLE);
        assertThat(d.violationNote()).isEqualTo("cpu0's walk of p reads page table " + frame + ", which is free");
    }

    @ParameterizedTest(name = "a walk starts at the cached entry of {0}: the levels above, unhooked in memory, are not read")
    @CsvSource({"t, p4d_clear(u)", "m, p4d_clear(u)", "t, pud_clear(m)"})
    void walkStartsAtLowestCachedLevel(String cachedLowest, String unhook) {
        MachineDriver d = nested("paging_cache lpae", "{ read(p); " + unhook + "; read(p) }");
        d.step(0);
        if (!cachedLowest.equals("t")) {
            // Keep m's entry and those above it, drop t's: as a walk that stopped at m would have left them.
            d.state[d.layout.cpu(0) + d.layout.pwc + d.table("t")] = 0;
        }
        d.step(0);
        d.evict(0, "p");
        assertThat(d.step(0)).isNull();
        assertThat(d.tlb(0, "p")).as("the walk went through the cached entry of " + cachedLowest).isNotZero();
    }

    @ParameterizedTest(name = "a cached entry of {0} leads to its freed table: walk_of_freed_table, said to come from the cache")
    @CsvSource({"t, pmd_clear, PMD, pt", "m, pud_clear, PUD, pm", "u, p4d_clear, P4D, pu"})
    void cachedEntryReachesFreedTable(String table, String clear, String entry, String frame) {
        MachineDriver d = nested("paging_cache x86", "{ read(p); " + clear + "(" + table + "); free_frame(" + frame + "); read(p) }");
        d.steps(0, 3);
        d.evict(0, "p");
        // Keep only the entry under test, the lowest the walk will find.
        for (String below : List.of("t", "m", "u")) {
            if (below.equals(table)) {
                break;
            }
            d.state[d.layout.cpu(0) + d.layout.pwc + d.table(below)] = 0;
        }
        assertThat(d.step(0)).isEqualTo(Verdict.WALK_OF_FREED_TABLE);
        assertThat(d.violationNote()).contains("reads page table " + frame + ", which is free", "(" + entry + " from its paging-structure cache)");
    }

    @Test
    @DisplayName("x86: INVLPG of any page drops the paging-structure cache entries of every level (SDM 4.10.4.1)")
    void x86InvalidationDropsEveryLevel() {
        MachineDriver d = nested("paging_cache x86", "{ read(p); flush_tlb_page(q) }");
        d.steps(0, 2);
        for (String t : List.of("u", "m", "t")) {
            assertThat(d.pwc(0, t)).as(t).isZero();
        }
        assertThat(d.tlb(0, "p")).isNotZero();
    }

    @Test
    @DisplayName("lpae: TLBI VAE1 of q drops the walk-cache entries on q's way only: u's goes, m's and t's stay (ARM ARM D8.13)")
    void lpaeInvalidationDropsTheAddressesWay() {
        MachineDriver d = nested("paging_cache lpae", "{ read(p); read(q); flush_tlb_page(q) }");
        d.steps(0, 3);
        assertThat(d.pwc(0, "u")).as("shared by p's and q's ways").isZero();
        assertThat(d.pwc(0, "n")).isZero();
        assertThat(d.pwc(0, "v")).isZero();
        assertThat(d.pwc(0, "m")).isEqualTo(d.pmd("m"));
        assertThat(d.pwc(0, "t")).isEqualTo(d.pmd("t"));
    }

    @Test
    @DisplayName("a page fault drops the entries of every level on the faulting address's way (SDM 4.10.4.1)")
    void faultDropsEveryLevel() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1; paging_cache x86 }
                mm A { table m -> frame pm { table t -> frame pt { page p -> frame f writable unmapped } } }
                cpu 0 runs A: read(p)
                """);
        d.step(0);
        assertThat(d.pwc(0, "m")).isZero();
        assertThat(d.pwc(0, "t")).isZero();
    }

    @Test
    @DisplayName("pud_populate re-hooks a PMD table at another frame, and the walk reads it there")
    void pudPopulate() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1; paging_cache off }
                mm A { table m -> frame pm { table t -> frame pt { page p -> frame f writable } } }
                frames spare
                cpu 0 runs A: { n = alloc_frame(); pud_populate(m, n); free_frame(pm); x = pud_get(m); read(p); assert x.pfn == n }
                check no_walk_of_freed_table
                """);
        d.steps(0, 4);
        assertThat(Pte.pfn(d.pmd("m"))).isEqualTo(d.frame("spare"));
        assertThat(d.step(0)).isNull();
        assertThat(d.tlb(0, "p")).isNotZero();
        assertThat(d.step(0)).isNull();
    }

    @ParameterizedTest(name = "{0} on a table of another level, reached through a procedure's parameter, is an assertion violation naming the right one")
    @CsvSource(delimiter = '|', value = {"pmd_clear(x)|m|write pud_clear", "pud_clear(x)|t|write pmd_clear", "p4d_clear(x)|m|write pud_clear",
            "y = pmd_get(x)|u|write p4d_get", "pmd_populate(x, pm)|m|write pud_populate", "y = pmdp_get_and_clear(x)|m|write pud_get then pud_clear"})
    void wrongLevel(String call, String table, String hint) {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1 }
                mm A {
                  table u -> frame pu {
                    table m -> frame pm { table t -> frame pt { page p -> frame f writable } }
                  }
                }
                proc op(x) { %s }
                cpu 0 runs A: op(%s)
                """.formatted(call, table));
        assertThat(d.step(0)).isEqualTo(Verdict.ASSERTION);
        assertThat(d.violationNote()).contains("is hooked by a", hint);
    }

    @ParameterizedTest(name = "{0}: a table named in the text at another level is a compile error at the call, naming the right one")
    @CsvSource(delimiter = '|', value = {"pmd_clear(m)|write pud_clear", "pud_clear(t)|write pmd_clear", "p4d_clear(m)|write pud_clear",
            "pmd_populate(m, pm)|write pud_populate", "x = pmdp_get_and_clear(m)|write pud_get then pud_clear"})
    void wrongLevelNamed(String call, String hint) {
        assertThatThrownBy(() -> nested("", "{ " + call + " }"))
                .isInstanceOf(CompileError.class)
                .hasMessageContaining("is hooked by a").hasMessageContaining(hint)
                .satisfies(e -> assertThat(((CompileError) e).position().line()).isEqualTo(8));
    }

    @Test
    @DisplayName("gup_fast walks a level a step: a PMD table freed between reading its PUD and reading it is caught")
    void gupFastStepPerLevel() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 2 }
                mm A { table m -> frame pm { table t -> frame pt { page p -> frame f writable } } }
                cpu 0 runs A: gup_fast(p)
                cpu 1 runs A: { pud_clear(m); free_frame(pm) }
                check no_walk_of_freed_table
                """);
        d.step(0);
        assertThat(d.notesText()).contains("gup_fast reads PUD of m: pm RW");
        d.steps(1, 2);
        assertThat(d.step(0)).isEqualTo(Verdict.WALK_OF_FREED_TABLE);
        assertThat(d.violationNote()).contains("gup_fast on cpu0 reads page table pm, which is free");
    }

    @Test
    @DisplayName("gup_fast through three levels takes four steps and reaches the page; an unhooked level falls back once, at the end")
    void gupFastThroughLevels() {
        MachineDriver d = nested("", "{ gup_fast(p); p4d_clear(u); gup_fast(p) }");
        List<String> reads = List.of("gup_fast reads P4D of u: pu RW", "gup_fast reads PUD of m: pm RW", "gup_fast reads PMD of t: pt RW",
                "gup_fast: p -> frame f, reference taken");
        for (String note : reads) {
            assertThat(d.step(0)).isNull();
            assertThat(d.notesText()).contains(note);
        }
        d.step(0);
        d.step(0);
        assertThat(d.notesText()).contains("gup_fast reads P4D of u: none");
        d.steps(0, 2);
        assertThat(d.notesText()).as("the levels below pass the fallback down").isEmpty();
        d.step(0);
        assertThat(d.notesText()).contains("gup_fast: an entry on the way to t not present: falls back to the slow path");
        assertThat(d.canStep(0)).isFalse();
    }

    @ParameterizedTest(name = "refused: {1}")
    @CsvSource(delimiter = '|', value = {
            "table m -> frame pm { table t -> frame pt { page p -> frame f }; page q -> frame g }|page 'q' is in table 'm', which holds tables",
            "table m -> frame pm { table t -> frame pt { page p -> frame f }; table s -> frame ps { table w -> frame pw { page q -> frame g } } }|table 's' is not at the level of table 't'",
            "table a -> frame fa { table b -> frame fb { table c -> frame fc { table d -> frame fd { page p -> frame f } } } }|tables nest at most 3 deep"})
    void nestingErrors(String tables, String message) {
        assertThatThrownBy(() -> MachineDriver.compile("hardware x86 { cpus 1 }\nmm A { " + tables + " }\ncpu 0 runs A: read(p)\n"))
                .isInstanceOf(CompileError.class).hasMessageContaining(message);
    }
}
