package dev.shootdown.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The busy-wait through the command line: it was "safe", exit 0; it is a deadlock with a cycle, exit 1. */
class LivelockCommandTest {
    private static final String SPIN_FOR_ACKS = """
            hardware x86 { cpus 2 }
            mm A { page p -> frame f writable }
            irq flush(from) { flush_tlb_all(); ack(from) }
            proc shootdown() {
              local_irq_disable()
              send_ipi(all_cpus - self, flush)
              while !acked(all_cpus - self) { }
              local_irq_enable()
            }
            cpu 0, 1 runs A: shootdown()
            """;

    @Test
    @DisplayName("check: exit 1, no_deadlock violated at step 2, the timeline ends in the marked cycle")
    void text(@TempDir Path dir) throws IOException {
        Path model = Files.writeString(dir.resolve("spin.sd"), SPIN_FOR_ACKS);
        MainTest.Run r = MainTest.capture(() -> Main.run(new String[] {"check", model.toString()}, false));
        assertThat(r.exit()).isEqualTo(Main.VIOLATION);
        assertThat(r.out()).contains("no_deadlock              VIOLATED (deadlock, step 2)")
                .contains("repeat for ever").contains("!! deadlock: livelock:");
    }

    @Test
    @DisplayName("check --json: verdict deadlock, complete, loop_start and repeats on the cycle's steps")
    void json(@TempDir Path dir) throws IOException {
        Path model = Files.writeString(dir.resolve("spin.sd"), SPIN_FOR_ACKS);
        MainTest.Run r = MainTest.capture(() -> Main.run(new String[] {"check", model.toString(), "--json"}, false));
        assertThat(r.exit()).isEqualTo(Main.VIOLATION);
        assertThat(r.out()).contains("\"verdict\" : \"deadlock\"").contains("\"complete\" : true").contains("\"loop_start\" :")
                .contains("\"repeats\" : true");
    }
}
