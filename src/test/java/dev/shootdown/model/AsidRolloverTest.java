package dev.shootdown.model;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * arm64's ASID allocator as the catalog writes it (catalog/004-arm64-asid-rollover.sd), driven one
 * context switch at a time: ASIDs 1 to 3 for four address spaces, cpu0 running A, C and D, cpu1 B,
 * A and B. A context id is generation + ASID, a generation a multiple of 4.
 */
class AsidRolloverTest {

    private static MachineDriver allocator() throws IOException {
        return MachineDriver.of(Files.readString(Path.of("catalog/004-arm64-asid-rollover.sd"), StandardCharsets.UTF_8));
    }

    /** Steps {@code cpu} through its next {@code run(mm, va)}: the context switch, then the read. */
    private static void run(MachineDriver d, int cpu) {
        for (int i = 0; i < 500; i++) {
            boolean read = d.machine.stepLabel(d.state, cpu).startsWith("read(");
            assertThat(d.step(cpu)).as("cpu%d: %s", cpu, d.notesText()).isNull();
            if (read) {
                return;
            }
        }
        fail("cpu" + cpu + " never reached its read");
    }

    private static int entries(MachineDriver d, int cpu) {
        int n = 0;
        for (String page : new String[] {"pa", "pb", "pc", "pd"}) {
            for (int asid = 0; asid < 4; asid++) {
                n += d.tlb(cpu, page, asid) != 0 ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    @DisplayName("a roll-over bumps the generation, keeps the running ASIDs reserved, and each CPU flushes its TLB at its next switch")
    void rollOver() throws IOException {
        MachineDriver d = allocator();
        run(d, 0);
        run(d, 0);
        run(d, 1);
        assertThat(d.shared("asid_generation")).isEqualTo(4);
        assertThat(d.mmContext("A")).isEqualTo(4 + 1);
        assertThat(d.mmContext("C")).isEqualTo(4 + 2);
        assertThat(d.mmContext("B")).isEqualTo(4 + 3);
        assertThat(d.tlb(0, "pa", 1)).isNotZero();
        assertThat(d.tlb(0, "pc", 2)).isNotZero();

        // D finds no free ASID: generation 2. The ASIDs cpu0 and cpu1 run (C's 2, B's 3) stay taken.
        run(d, 0);
        assertThat(d.shared("asid_generation")).isEqualTo(8);
        assertThat(d.perCpu("reserved_asids", 0)).isEqualTo(4 + 2);
        assertThat(d.perCpu("reserved_asids", 1)).isEqualTo(4 + 3);
        assertThat(d.perCpu("active_asids", 1)).as("zeroed: cpu1's next switch takes the slow path").isZero();
        assertThat(d.mmContext("D")).as("D gets the one ASID nobody runs").isEqualTo(8 + 1);
        assertThat(d.asid(0)).isEqualTo(1);
        assertThat(d.tlb(0, "pa", 1)).as("cpu0 flushed before it loaded ASID 1 for D").isZero();
        assertThat(entries(d, 0)).as("cpu0 holds D's entry only").isEqualTo(1);
        assertThat(d.tlb(0, "pd", 1)).isNotZero();
        assertThat(d.shared("tlb_flush_pending")).as("cpu1's flush is still to come").isEqualTo(d.machine.sets().single(1));
        assertThat(d.asid(1)).as("cpu1 runs on, under B's reserved ASID").isEqualTo(3);
        assertThat(d.tlb(1, "pb", 3)).isNotZero();

        // A's ASID 1 went to D: A needs a new one, and there is none: generation 3. cpu1 has not
        // switched since the last roll-over, so its reserved ASID (B's 3) is kept once more.
        run(d, 1);
        assertThat(d.shared("asid_generation")).isEqualTo(12);
        assertThat(d.perCpu("reserved_asids", 1)).isEqualTo(4 + 3);
        assertThat(d.perCpu("reserved_asids", 0)).isEqualTo(8 + 1);
        assertThat(d.mmContext("A")).isEqualTo(12 + 2);
        assertThat(d.tlb(1, "pb", 3)).as("cpu1 flushed at this switch").isZero();
        assertThat(entries(d, 1)).isEqualTo(1);
        assertThat(d.tlb(1, "pa", 2)).isNotZero();

        // B comes back: its ASID was reserved all along, so it keeps it, in the new generation.
        run(d, 1);
        assertThat(d.mmContext("B")).isEqualTo(12 + 3);
        assertThat(d.asid(1)).isEqualTo(3);
        assertThat(d.perCpu("reserved_asids", 1)).isEqualTo(12 + 3);
        assertThat(d.tlb(1, "pb", 3)).isNotZero();
        assertThat(d.tlb(1, "pa", 2)).as("A's entry stays, tagged with A's ASID").isNotZero();
    }

    @Test
    @DisplayName("without the flush, cpu0 loads D's page through A's entry: ASID 1 is D's now")
    void withoutTheFlush() throws IOException {
        MachineDriver d = MachineDriver.of(Files.readString(Path.of("catalog/004-arm64-asid-rollover-no-flush.sd"), StandardCharsets.UTF_8));
        run(d, 0);
        run(d, 0);
        run(d, 1);
        for (int i = 0; i < 500 && !d.machine.stepLabel(d.state, 0).startsWith("read("); i++) {
            assertThat(d.step(0)).isNull();
        }
        assertThat(d.mmContext("D")).isEqualTo(8 + 1);
        assertThat(d.tlb(0, "pa", 1)).as("no flush: A's entry under ASID 1 is still there").isNotZero();
        assertThat(d.step(0)).isEqualTo(Verdict.USE_AFTER_FREE);
        assertThat(d.violationNote()).contains("reaches frame fa");
    }
}
