package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bench}: what it reports, not how fast (speed is measured by running it, never asserted). */
class BenchCommandTest {
    @Test
    void reportsTheRunItTimedTheJvmAndRatesThatAgreeWithItsCounts() throws Exception {
        SimulateCommandTest.Out o = SimulateCommandTest.run("bench", "--cpus", "4", "--seconds", "0.001", "--warmup", "0", "--json");
        assertThat(o.code()).isZero();
        JsonNode j = new ObjectMapper().readTree(o.out());
        assertThat(j.get("cpus").asInt()).isEqualTo(4);
        assertThat(j.get("workload").asText()).isEqualTo("munmap");
        assertThat(j.get("jvm").asText()).contains(System.getProperty("java.runtime.version"));
        long events = j.get("events").asLong();
        assertThat(events).isPositive();
        // The munmap loop's steps charge more than one machine event each on average (a handler step: the step, a line, a flush).
        assertThat(j.get("machine_events").asLong()).isGreaterThan(events);
        assertThat(j.get("events_per_cpu_second").asDouble()).isCloseTo(events / j.get("cpu_seconds").asDouble(), org.assertj.core.data.Percentage.withPercentage(1e-6));
        // The same run as simulate makes it: the bench times a real run, not a stand-in.
        JsonNode sim = new ObjectMapper().readTree(SimulateCommandTest.run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "4", "--seconds", "0.001",
                "--json").out());
        assertThat(events).isEqualTo(sim.get("events").asLong());
    }

    /** With --repeat, every run's times are listed and the headline figures are the median run's (by CPU time). */
    @Test
    void repeatListsEveryRunAndReportsTheMedian() throws Exception {
        SimulateCommandTest.Out o = SimulateCommandTest.run("bench", "--cpus", "4", "--seconds", "0.001", "--warmup", "0", "--repeat", "3", "--json");
        assertThat(o.code()).isZero();
        JsonNode j = new ObjectMapper().readTree(o.out());
        JsonNode runs = j.get("runs");
        assertThat(runs).hasSize(3);
        double[] cpu = new double[3];
        for (int i = 0; i < 3; i++) {
            cpu[i] = runs.get(i).get("cpu_seconds").asDouble();
            // Every run simulates the same events, so each rate is the one count over that run's time.
            assertThat(runs.get(i).get("events_per_cpu_second").asDouble())
                    .isCloseTo(j.get("events").asLong() / cpu[i], org.assertj.core.data.Percentage.withPercentage(1e-6));
        }
        java.util.Arrays.sort(cpu);
        assertThat(j.get("cpu_seconds").asDouble()).isEqualTo(cpu[1]);
    }

    @Test
    void aRepeatBelowOneIsRefused() {
        SimulateCommandTest.Out o = SimulateCommandTest.run("bench", "--cpus", "4", "--seconds", "0.001", "--repeat", "0");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("shootdown: --repeat must be between 1 and 10000 (got 0)").doesNotContain("Exception");
    }

    /** Ctrl-C on a real process: the runs that finished are reported, marked partial; the one cut short is not. */
    @Test
    @org.junit.jupiter.api.Timeout(120) // a guard against a hang, not a timing assertion
    void ctrlCReportsTheRunsThatFinishedAndExits130(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // A thousand runs of 64 CPUs x 0.02 s: each takes a fraction of a second of CPU, all of them far longer than the wait.
        try (CliProcess p = CliProcess.start(dir, "bench", "--cpus", "64", "--seconds", "0.02", "--warmup", "0", "--repeat", "1000", "--json")) {
            p.awaitCpuSeconds(4);
            int expected = p.interrupt();
            assertThat(p.exitCode()).as(p.err()).isEqualTo(expected);
            JsonNode j = new ObjectMapper().readTree(p.out.toFile());
            assertThat(j.get("partial").asBoolean()).isTrue();
            int finished = j.get("runs").size();
            assertThat(finished).isPositive().isLessThan(1000);
            assertThat(j.get("stop_reason").asText()).isEqualTo("interrupted after " + finished + " of 1000 runs");
            // Every reported run is whole: all simulate the same events, so their rates differ only by their times.
            for (JsonNode run : j.get("runs")) {
                assertThat(run.get("events_per_cpu_second").asDouble() * run.get("cpu_seconds").asDouble())
                        .isCloseTo(j.get("events").asDouble(), org.assertj.core.data.Percentage.withPercentage(1e-6));
            }
        }
    }
}
