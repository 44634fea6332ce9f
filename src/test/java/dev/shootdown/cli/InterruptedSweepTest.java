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
 * first point has finished, and must print that point, marked partial, before it exits 130; a single
 * run of an hour is sent SIGINT while it runs, and must print what it measured until then.
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

    @Test
    @Timeout(120) // a guard against a hang, not a timing assertion
    void anInterruptedRunPrintsWhatItMeasuredSoFarAndExits130(@TempDir Path dir) throws Exception {
        // An hour of 64 CPUs takes hours: interrupted once it has computed for a while, it ends where it got to.
        try (CliProcess p = CliProcess.start(dir, "simulate", "linux-ipi", "--workload", "munmap", "--cpus", "64", "--seconds", "3600", "--json")) {
            p.awaitCpuSeconds(4);
            int expected = p.interrupt();
            assertThat(p.exitCode()).as(p.err()).isEqualTo(expected);
            JsonNode j = new ObjectMapper().readTree(p.out.toFile());
            assertThat(j.get("partial").asBoolean()).isTrue();
            assertThat(j.get("stop_reason").asText()).startsWith("stopped after").endsWith("of 3600.000000 simulated seconds");
            double covered = j.get("simulated_seconds").asDouble();
            assertThat(covered).isPositive().isLessThan(3600);
            // The figures are rates over the time covered: the munmap loop did some work in it.
            assertThat(j.get("metrics").get("throughput_ops_per_second").asDouble()).isPositive();
            assertThat(j.get("metrics").get("shootdown_latency_us").get("p50").asDouble()).isPositive();
        }
    }
}
