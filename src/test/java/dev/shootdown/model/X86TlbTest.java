package dev.shootdown.model;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The x86 MMU rules of {@link Machine}, one at a time, on one page: the walker fills the TLB and
 * sets A (Intel SDM 3A 4.8), a hit uses the cached entry without looking at the PTE, a store
 * through a clean entry sets D by a locked re-walk that faults if the PTE lost P or R/W, and a
 * fault drops the faulting entry (4.10.4.1). Frame "spare" comes first so that f's pfn is not 0.
 */
class X86TlbTest {

    private static String model(String knobs, String flags, String... programs) {
        StringBuilder src = new StringBuilder("hardware x86 { " + knobs + " }\n")
                .append("frames spare\n")
                .append("mm A { page p -> frame f ").append(flags).append(" }\n");
        for (int c = 0; c < programs.length; c++) {
            src.append("cpu ").append(c).append(" runs A: ").append(programs[c]).append('\n');
        }
        return src.toString();
    }

    @Test
    @DisplayName("a miss walks the PTE, sets A in it and fills the TLB with the walked entry")
    void missFillsTlbAndSetsAccessed() {
        MachineDriver d = MachineDriver.of(model("cpus 1", "writable", "{ read(p) }"));
        int before = d.pte("p");
        assertThat(before).isEqualTo(Pte.make(d.frame("f"), true));
        assertThat(d.tlb(0, "p")).isZero();

        assertThat(d.step(0)).isNull();

        assertThat(d.pte("p")).isEqualTo(before | Pte.ACCESSED);
        assertThat(d.tlb(0, "p")).isEqualTo(before | Pte.ACCESSED);
        assertThat(Pte.dirty(d.pte("p"))).as("a load does not set D").isFalse();
        assertThat(d.modified("f")).as("a load does not modify the frame").isFalse();
    }

    @Test
    @DisplayName("a store that misses sets A and D in the walk")
    void storeMissSetsAccessedAndDirty() {
        MachineDriver d = MachineDriver.of(model("cpus 1", "writable", "{ write(p) }"));
        int before = d.pte("p");

        d.step(0);

        assertThat(d.pte("p")).isEqualTo(before | Pte.ACCESSED | Pte.DIRTY);
        assertThat(d.tlb(0, "p")).isEqualTo(before | Pte.ACCESSED | Pte.DIRTY);
        assertThat(d.modified("f")).isTrue();
    }

    @Test
    @DisplayName("a TLB hit does not re-read the PTE: the stale entry survives pte_clear and reaches the freed frame")
    void hitUsesStaleEntryUntilFlush() {
        MachineDriver d = MachineDriver.of(model("cpus 1", "writable",
                "{ read(p); old = ptep_get_and_clear(p); free_frame(old.pfn); read(p) }"));
        d.step(0); // read: fills
        int entry = d.tlb(0, "p");
        d.step(0); // ptep_get_and_clear
        assertThat(d.pte("p")).isZero();
        assertThat(d.tlb(0, "p")).as("clearing the PTE leaves the TLB alone").isEqualTo(entry);
        d.step(0); // free_frame
        assertThat(FrameState.isFree(d.frameState("f"))).isTrue();

        assertThat(d.step(0)).as("the load through the stale entry reaches the freed frame").isEqualTo(Verdict.USE_AFTER_FREE);
        assertThat(d.pte("p")).as("a hit does not walk, so nothing sets A in the cleared PTE").isZero();
        assertThat(d.tlb(0, "p")).isEqualTo(entry);
    }

    @Test
    @DisplayName("after flush_tlb_page the same load misses, finds the PTE not present and faults without access")
    void flushThenReadOfClearedPteFaults() {
        MachineDriver d = MachineDriver.of(model("cpus 1", "writable",
                "{ read(p); old = ptep_get_and_clear(p); free_frame(old.pfn); flush_tlb_page(p); read(p) }"));
        d.step(0);
        d.step(0);
        d.step(0);
        d.step(0); // flush_tlb_page
        assertThat(d.tlb(0, "p")).isZero();

        assertThat(d.step(0)).as("no access, so no use of the freed frame").isNull();
        assertThat(d.tlb(0, "p")).as("a fault fills nothing").isZero();
        assertThat(d.pte("p")).as("the walker sets no bit in a non-present PTE").isZero();
    }

    @Test
    @DisplayName("a read of a non-present PTE faults: no fill, no A, no access")
    void readOfNonPresentPteFaults() {
        MachineDriver d = MachineDriver.of(model("cpus 1", "writable unmapped", "{ read(p); write(p) }"));
        int frameBefore = d.frameState("f");
        assertThat(Pte.present(d.pte("p"))).isFalse();

        assertThat(d.step(0)).isNull();
        assertThat(d.tlb(0, "p")).isZero();
        assertThat(d.pte("p")).isZero();

        assertThat(d.step(0)).isNull();
        assertThat(d.tlb(0, "p")).isZero();
        assertThat(d.frameState("f")).as("neither access touched the frame").isEqualTo(frameBefore);
    }

    @Test
    @DisplayName("a store through an entry with D clear sets D by a locked re-walk when the PTE is present and writable")
    void storeThroughCleanEntrySetsDirtyByRewalk() {
        MachineDriver d = MachineDriver.of(model("cpus 1", "writable", "{ read(p); write(p) }"));
        d.step(0);
        assertThat(Pte.dirty(d.tlb(0, "p"))).isFalse();

        assertThat(d.step(0)).isNull();

        assertThat(Pte.dirty(d.pte("p"))).as("D set in the PTE").isTrue();
        assertThat(Pte.dirty(d.tlb(0, "p"))).as("D cached in the entry").isTrue();
        assertThat(Pte.pfn(d.tlb(0, "p"))).isEqualTo(d.frame("f"));
        assertThat(d.modified("f")).isTrue();
    }

    @Test
    @DisplayName("the same store faults, dropping the entry and leaving the frame unmodified, when the PTE was cleared meanwhile")
    void storeThroughCleanEntryFaultsWhenPteCleared() {
        MachineDriver d = MachineDriver.of(model("cpus 2", "writable", "{ read(p); write(p) }", "{ pte_clear(p) }"));
        d.step(0); // cpu0 caches a clean entry
        d.step(1); // cpu1 clears the PTE
        assertThat(d.tlb(0, "p")).isNotZero();

        assertThat(d.step(0)).isNull();

        assertThat(d.modified("f")).as("the store did not happen").isFalse();
        assertThat(d.tlb(0, "p")).as("the fault drops the entry").isZero();
        assertThat(d.pte("p")).as("the re-walk sets nothing in a non-present PTE").isZero();
    }

    @Test
    @DisplayName("the re-walk also faults when the PTE was write-protected meanwhile, and does not dirty it")
    void storeThroughCleanEntryFaultsWhenPteWriteProtected() {
        MachineDriver d = MachineDriver.of(model("cpus 2", "writable", "{ read(p); write(p) }", "{ ptep_set_wrprotect(p) }"));
        d.step(0);
        d.step(1);

        d.step(0);

        assertThat(d.modified("f")).isFalse();
        assertThat(d.tlb(0, "p")).isZero();
        assertThat(Pte.dirty(d.pte("p"))).isFalse();
        assertThat(Pte.present(d.pte("p"))).isTrue();
    }

    @Test
    @DisplayName("with blind_set the store succeeds and sets D in the cleared PTE")
    void blindSetWritesThroughAndDirtiesClearedPte() {
        MachineDriver d = MachineDriver.of(model("cpus 2; blind_set", "writable", "{ read(p); write(p) }", "{ pte_clear(p) }"));
        d.step(0);
        d.step(1);

        assertThat(d.step(0)).isNull();

        assertThat(d.modified("f")).as("the store went through").isTrue();
        assertThat(d.pte("p")).as("D set blindly in the otherwise empty PTE").isEqualTo(Pte.DIRTY);
        assertThat(Pte.dirty(d.tlb(0, "p"))).isTrue();
    }

    @Test
    @DisplayName("a store through a read-only entry faults and drops the entry")
    void storeThroughReadOnlyEntryFaults() {
        MachineDriver d = MachineDriver.of(model("cpus 1", "readonly", "{ read(p); write(p) }"));
        d.step(0);
        assertThat(d.tlb(0, "p")).isNotZero();
        assertThat(Pte.writable(d.tlb(0, "p"))).isFalse();

        assertThat(d.step(0)).isNull();

        assertThat(d.tlb(0, "p")).isZero();
        assertThat(d.modified("f")).isFalse();
        assertThat(Pte.dirty(d.pte("p"))).isFalse();
    }

    @Test
    @DisplayName("a store that misses on a read-only PTE faults in the walk: no fill")
    void storeMissOnReadOnlyPteFaults() {
        MachineDriver d = MachineDriver.of(model("cpus 1", "readonly", "{ write(p) }"));
        int pte = d.pte("p");

        d.step(0);

        assertThat(d.tlb(0, "p")).isZero();
        assertThat(d.pte("p")).isEqualTo(pte);
        assertThat(d.modified("f")).isFalse();
    }
}
