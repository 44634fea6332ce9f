package dev.shootdown.model;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code software_dirty} (arm64 without FEAT_HAFDBS, ARM ARM D8.4.6): the hardware never sets D; a
 * write to a page whose PTE or cached entry is clean faults, for the kernel to mark it dirty.
 */
class SoftwareDirtyTest {

    private static MachineDriver arm(String knobs, String flags, String program) {
        return MachineDriver.of("""
                hardware arm64 { cpus 1 %s }
                frames spare
                mm A { page p -> frame f %s }
                cpu 0 runs A: %s
                """.formatted(knobs, flags, program));
    }

    @Test
    @DisplayName("a write that misses on a clean PTE faults: no fill, no D, frame unmodified")
    void writeMissOnCleanPteFaults() {
        MachineDriver d = arm("", "writable", "{ write(p) }");
        int pte = d.pte("p");
        assertThat(d.step(0)).isNull();
        assertThat(d.tlb(0, "p")).isZero();
        assertThat(d.pte("p")).isEqualTo(pte);
        assertThat(d.modified("f")).isFalse();
    }

    @Test
    @DisplayName("a write that hits a clean entry faults and drops it; no re-walk sets D")
    void writeHitOnCleanEntryFaults() {
        MachineDriver d = arm("", "writable", "{ read(p); write(p) }");
        d.step(0);
        assertThat(d.tlb(0, "p")).isNotZero();

        d.step(0);
        assertThat(d.notesText()).contains("software dirty bit");
        assertThat(d.tlb(0, "p")).isZero();
        assertThat(Pte.dirty(d.pte("p"))).isFalse();
        assertThat(d.modified("f")).isFalse();
    }

    @Test
    @DisplayName("once the kernel marks the PTE dirty, the write misses, fills and stores")
    void writeToDirtyPteSucceeds() {
        MachineDriver d = arm("", "writable", "{ read(p); set_pte(p, pte_mkdirty(ptep_get(p))); flush_tlb_page(p); write(p) }");
        d.steps(0, 4);
        assertThat(d.modified("f")).isTrue();
        assertThat(Pte.dirty(d.tlb(0, "p"))).isTrue();
    }

    @Test
    @DisplayName("a write through a stale dirty entry succeeds without looking at the PTE")
    void dirtyEntryHitWrites() {
        MachineDriver d = arm("", "writable dirty", "{ read(p); write(p) }");
        d.steps(0, 2);
        assertThat(d.modified("f")).isTrue();
    }

    @Test
    @DisplayName("'software_dirty off' clears the arm64 preset: the write misses and the walker sets D")
    void softwareDirtyOffClearsPreset() {
        MachineDriver d = arm("; software_dirty off", "writable", "{ write(p) }");
        assertThat(d.program.hardware().softwareDirty()).isFalse();
        assertThat(d.program.hardware().pagingCache()).as("the other preset stays").isEqualTo(Hardware.PagingCache.LPAE);
        d.step(0);
        assertThat(Pte.dirty(d.pte("p"))).isTrue();
        assertThat(d.modified("f")).isTrue();
    }

    @Test
    @DisplayName("software_dirty on x86: the knob alone turns the rule on")
    void softwareDirtyOnX86() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1; software_dirty }
                mm A { page p -> frame f writable }
                cpu 0 runs A: { write(p) }
                """);
        d.step(0);
        assertThat(d.modified("f")).isFalse();
        assertThat(d.tlb(0, "p")).isZero();
    }
}
