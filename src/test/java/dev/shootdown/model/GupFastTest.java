package dev.shootdown.model;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * get_user_pages_fast (mm/gup.c; seed 004): a software walk of the tables in memory in two steps,
 * the PMD read and then the table, PTE and page reference through the PMD it read.
 */
class GupFastTest {

    private static MachineDriver gup(String knobs, String freer) {
        return MachineDriver.of("""
                hardware x86 { cpus 2 %s }
                mm A {
                  table t -> frame pt { page p -> frame f writable }
                  page q -> frame g writable
                }
                cpu 0 runs A: %s
                cpu 1 runs A: { gup_fast(p); gup_fast(q) }
                check no_walk_of_freed_table, no_use_after_free
                """.formatted(knobs, freer));
    }

    @Test
    @DisplayName("gup_fast is two steps: a table unhooked and freed between them is walk_of_freed_table")
    void tableFreedBetweenStepsIsWalkOfFreedTable() {
        MachineDriver d = gup("", "{ pmd_clear(t); free_frame(pt) }");
        d.step(1); // reads the PMD
        assertThat(d.notesText()).contains("gup_fast reads PMD of t");
        assertThat(d.canStep(1)).as("the table read is still to come").isTrue();
        d.steps(0, 2);

        assertThat(d.step(1)).isEqualTo(Verdict.WALK_OF_FREED_TABLE);
        assertThat(d.violationNote()).isEqualTo("gup_fast on cpu1 reads page table pt, which is free");
    }

    @Test
    @DisplayName("a PMD read after the unhook is not present: gup_fast falls back to the slow path, no violation")
    void unhookedBeforePmdReadIsSafe() {
        MachineDriver d = gup("", "{ pmd_clear(t); free_frame(pt) }");
        d.steps(0, 2);
        assertThat(d.step(1)).isNull();
        assertThat(d.step(1)).isNull();
        assertThat(d.notesText()).contains("not present: falls back to the slow path");
    }

    @Test
    @DisplayName("gup_fast reads memory, not the paging-structure cache: a PMD cleared in memory is not followed")
    void readsMemoryNotCache() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1; paging_cache x86 }
                mm A { table t -> frame pt { page p -> frame f writable } }
                cpu 0 runs A: { read(p); pmd_clear(t); free_frame(pt); gup_fast(p) }
                check no_walk_of_freed_table
                """);
        d.steps(0, 3);
        assertThat(d.pwc(0, "t")).as("the cached PMD still points at the freed table").isNotZero();
        assertThat(d.step(0)).isNull();
        assertThat(d.step(0)).isNull();
    }

    @Test
    @DisplayName("a reference to a frame that was freed under a present PTE is use_after_free")
    void referenceToFreedFrameIsUseAfterFree() {
        MachineDriver d = gup("", "{ free_frame(f); free_frame(g) }");
        d.step(1); // PMD
        d.step(0); // f freed, its PTE still present
        assertThat(d.step(1)).isEqualTo(Verdict.USE_AFTER_FREE);
        assertThat(d.violationNote()).isEqualTo("gup_fast takes a reference to frame f, which is free");
    }

    @Test
    @DisplayName("for a page outside any table, the reference is checked too")
    void pageOutsideTable() {
        MachineDriver d = gup("", "{ free_frame(g) }");
        d.step(1);
        d.step(1); // p: a good reference
        d.step(0);
        d.step(1); // q: its first step reads no PMD
        assertThat(d.step(1)).isEqualTo(Verdict.USE_AFTER_FREE);
    }

    @Test
    @DisplayName("a cleared PTE stops the walk before the reference: no violation, even though the frame is free")
    void clearedPteStopsWalk() {
        MachineDriver d = gup("", "{ old = ptep_get_and_clear(p); free_frame(old.pfn) }");
        d.step(1);
        d.steps(0, 2);
        assertThat(d.step(1)).isNull();
        assertThat(d.notesText()).contains("PTE of p not present");
    }

    @Test
    @DisplayName("gup_fast touches neither the TLB nor the PTE's A bit")
    void noTlbFillNoAccessedBit() {
        MachineDriver d = gup("", "{ }");
        int pte = d.pte("p");
        d.steps(1, 2);
        assertThat(d.tlb(1, "p")).isZero();
        assertThat(d.pte("p")).isEqualTo(pte);
    }

    @Test
    @DisplayName("inside atomic both steps are one: nothing can come between them")
    void atomicGupFastIsOneStep() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1 }
                mm A { table t -> frame pt { page p -> frame f writable } }
                shared x = 0
                cpu 0 runs A: { atomic { gup_fast(p) }; x = 1 }
                """);
        d.step(0);
        assertThat(d.notesText()).contains("gup_fast reads PMD of t", "reference taken");
        d.step(0);
        assertThat(d.shared("x")).isEqualTo(1);
    }
}
