package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ctrl-C on a real process: a sweep whose second point would run for hours is sent SIGINT once its
 * first point has finished, and must print that point, marked partial, before it exits 130.
 */
class InterruptedSweepTest {
    @Test
    @Timeout(120) // a guard against a hang, not a timing assertion
    void anInterruptedSweepPrintsTheFinishedPointsAndExits130(@TempDir Path dir) throws Exception {
        try (CliProcess p = CliProcess.start(dir, "simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--sweep", "seconds=0.0005,3600,0.0005",
                "--threads", "1", "--json")) {
            p.awaitErr(" 1/3 points");
            int expected = p.interrupt();
            assertThat(p.exitCode()).as(p.err()).isEqualTo(expected);
            assertThat(p.err()).contains("interrupted");
            JsonNode j = new ObjectMapper().readTree(p.out.toFile());
            assertThat(j.get("partial").asBoolean()).isTrue();
            assertThat(j.get("stop_reason").asText()).isEqualTo("interrupted");
            assertThat(j.get("runs")).extracting(r -> r.get("index").asInt()).containsExactly(0);
            assertThat(j.get("runs").get(0).get("result").get("metrics").get("throughput_ops_per_second").asDouble()).isPositive();
            assertThat(j.get("missing")).extracting(r -> r.get("index").asInt()).containsExactly(1, 2);
        }
    }
}
