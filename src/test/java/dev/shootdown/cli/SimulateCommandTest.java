package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SimulateCommandTest {
    record Out(int code, String out, String err) {}

    /** One CLI run, through the same capture as {@link MainTest#run}. */
    static Out run(String... args) {
        return run(false, args);
    }

    /** One CLI run, as if stderr were a terminal ({@code stderrTerminal}) or not. */
    static Out run(boolean stderrTerminal, String... args) {
        MainTest.Run r = MainTest.run(stderrTerminal, args);
        return new Out(r.exit(), r.out(), r.err());
    }

    @Test
    void jsonHasTheContractKeys() throws Exception {
        Out o = run("simulate", "protocols/linux-ipi.sd", "--workload", "munmap", "--cpus", "4", "--seconds", "0.001", "--seed", "3", "--profile", "milan", "--json");
        assertThat(o.code()).isZero();
        JsonNode j = new ObjectMapper().readTree(o.out());
        List<String> keys = new java.util.ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("file", "title", "workload", "profile", "cpus", "seed", "tick_hz", "tick_skew", "params", "stall_after", "simulated_seconds",
                "events", "wall_seconds", "metrics", "cdf");
        assertThat(j.get("title").asText()).isEqualTo("Linux x86 IPI shootdown with lazy TLB (flush_tlb_mm_range, simplified)");
        // Every input a repeat of the run needs: the tick as given, and the workload's parameters with their defaults.
        assertThat(j.get("tick_hz").asDouble()).isEqualTo(250);
        assertThat(j.get("tick_skew").asBoolean()).isFalse();
        assertThat(j.get("params").get("user_cycles").asText()).isEqualTo("1000000");
        assertThat(j.get("profile").asText()).isEqualTo("milan");
        assertThat(j.get("cpus").asInt()).isEqualTo(4);
        assertThat(j.get("seed").asLong()).isEqualTo(3);
        JsonNode m = j.get("metrics");
        assertThat(m.get("shootdown_latency_us").has("p50")).isTrue();
        assertThat(m.get("shootdown_latency_us").has("p99")).isTrue();
        assertThat(m.get("shootdown_latency_us").has("max")).isTrue();
        assertThat(m.has("ipis_per_second")).isTrue();
        assertThat(m.get("throughput_ops_per_second").asDouble()).isPositive();
        assertThat(m.get("shootdown_cpu_share").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void theTickRateIsAnOptionAndASweepAxis() throws Exception {
        Out o = run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "16", "--seconds", "0.02", "--sweep", "tick_hz=0,1000", "--threads", "1", "--json");
        assertThat(o.code()).isZero();
        JsonNode runs = new ObjectMapper().readTree(o.out()).get("runs");
        JsonNode off = runs.get(0).get("result").get("metrics");
        JsonNode on = runs.get(1).get("result").get("metrics");
        assertThat(runs.get(1).get("point").get("tick_hz").asText()).isEqualTo("1000");
        assertThat(off.get("timer_ticks_per_second").asDouble()).isZero();
        // 16 busy CPUs at 1000 Hz for 20 ms: ticks at 1, 2, ..., 19 ms (the one at 20 ms is the run's end).
        assertThat(on.get("timer_ticks_per_second").asDouble()).isEqualTo(19 * 16 / 0.02);
        // A tick in the way of an IPI makes that shootdown slower than the steady one (some shootdown of these 20 ms
        // meets one: the initiator's sends and the responders' ticks are not in step).
        assertThat(on.get("shootdown_latency_us").get("max").asDouble()).isGreaterThan(off.get("shootdown_latency_us").get("max").asDouble());
        assertThat(run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--tick-hz", "-1").err()).contains("--tick-hz must be");
    }

    @Test
    void tickSkewIsAnOptionAndASweepAxis() throws Exception {
        Out o = run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "8", "--seconds", "0.005", "--tick-hz", "1000", "--sweep", "tick_skew=0,1",
                "--threads", "1", "--json");
        assertThat(o.code()).isZero();
        JsonNode runs = new ObjectMapper().readTree(o.out()).get("runs");
        JsonNode aligned = runs.get(0).get("result").get("metrics");
        JsonNode skewed = runs.get(1).get("result").get("metrics");
        // 8 busy CPUs at 1000 Hz for 5 ms: ticks at 1 to 4 ms on every CPU either way (the skew moves CPU c by c/16 ms),
        // but where they fall differs, and so does the run.
        assertThat(aligned.get("timer_ticks_per_second").asDouble()).isEqualTo(4 * 8 / 0.005);
        assertThat(skewed.get("timer_ticks_per_second").asDouble()).isEqualTo(4 * 8 / 0.005);
        assertThat(skewed.get("shootdown_latency_us")).isNotEqualTo(aligned.get("shootdown_latency_us"));
        JsonNode fixed = new ObjectMapper().readTree(run("simulate", "linux-ipi", "--workload", "munmap", "--seconds", "0.0002", "--tick-skew",
                "--sweep", "cpus=2", "--json").out()).get("sweep");
        assertThat(fixed.get("tick_skew").asBoolean()).isTrue();
        assertThat(run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--sweep", "tick_skew=2").err())
                .isEqualTo("shootdown: tick_skew=2: expected 0 or 1\n");
    }

    @Test
    void anOptionASweepWouldOverrideOrThatDoesNothingIsRefused() {
        Out both = run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "8", "--seconds", "0.0002", "--sweep", "cpus=2,4");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.out()).isEmpty();
        assertThat(both.err()).isEqualTo("shootdown: --cpus and --sweep cpus=... both set cpus: drop one\n");
        assertThat(run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--param", "user_cycles=5", "--sweep", "user_cycles=1,2").err())
                .isEqualTo("shootdown: --param user_cycles and --sweep user_cycles=... both set user_cycles: drop one\n");
        assertThat(run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--tick-hz", "100", "--sweep", "tick_hz=0,1").err())
                .contains("--tick-hz and --sweep tick_hz=...");
        Out threads = run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--seconds", "0.0002", "--threads", "4");
        assertThat(threads.code()).isEqualTo(2);
        assertThat(threads.err()).contains("--threads sets how many points of a sweep run at once");
        // A shard of the one-point sweep --cpus makes is not a conflict.
        assertThat(run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--seconds", "0.0002", "--shard", "1/1", "--json").code()).isZero();
    }

    @Test
    void textTableNamesEveryMetric() {
        Out o = run("simulate", "protocols/linux-ipi.sd", "--workload", "munmap", "--cpus", "2", "--seconds", "0.0005");
        assertThat(o.code()).isZero();
        assertThat(o.out()).contains("shootdown_latency_us", "ipis_per_second", "time_share");
    }

    /** The text of the last redraw of a progress line. */
    static String lastDraw(String err) {
        return err.substring(err.lastIndexOf('\r') + 1).stripTrailing();
    }

    @Test
    void onATerminalASweepDrawsAProgressBarOnStderrAndEndsItsLine() throws Exception {
        Out o = run(true, "simulate", "linux-ipi", "--workload", "munmap", "--seconds", "0.0002", "--sweep", "cpus=2,3,4", "--threads", "2", "--json");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(new ObjectMapper().readTree(o.out()).get("runs")).as("stdout is the JSON alone").hasSize(3);
        assertThat(o.err()).startsWith("\rsweep [").endsWith("\n").containsOnlyOnce("\n");
        assertThat(lastDraw(o.err())).matches("sweep \\[#{20}\\] 3/3 points  \\d+:\\d\\d elapsed");
    }

    @Test
    void withoutATerminalASweepPrintsALinePerFinishedPoint() throws Exception {
        Out o = run(false, "simulate", "linux-ipi", "--workload", "munmap", "--seconds", "0.0002", "--sweep", "cpus=2,3,4", "--threads", "2", "--json");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(new ObjectMapper().readTree(o.out()).get("runs")).as("stdout is the JSON alone").hasSize(3);
        assertThat(o.err()).doesNotContain("\r", "[");
        List<String> lines = o.err().lines().toList();
        String line = "sweep: %d/3 points done, \\d+:\\d\\d elapsed";
        assertThat(lines.get(0)).matches(line.formatted(1));
        assertThat(lines.get(1)).matches(line.formatted(2));
        assertThat(lines.get(2)).matches(line.formatted(3));
        // The final status line, unless it says what the last point's line said.
        assertThat(lines.subList(3, lines.size())).allMatch(l -> l.matches(line.formatted(3))).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void aBadPointValueIsAnErrorBeforeAnyPointRuns() {
        Out o = run("simulate", "linux-ipi", "--workload", "munmap", "--seconds", "0.0002", "--sweep", "cpus=2,5000", "--json");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.out()).isEmpty();
        assertThat(o.err()).isEqualTo("shootdown: --cpus must be between 1 and 4096 (got 5000)\n");
        assertThat(run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--sweep", "seed=1,x").err()).isEqualTo("shootdown: seed=x: expected a whole number\n");
        // A seed axis takes what --seed takes.
        assertThat(run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--seconds", "0.0002", "--sweep", "seed=4294967296").code()).isZero();
    }

    /**
     * Point 1 of this sweep fails when it runs (workload munmap needs 2 CPUs, which only composing it finds out; every
     * option and parameter value is checked before the first point); on one thread point 0 has finished by then and point 2 never starts.
     */
    static final String[] FAILING_SWEEP = {"simulate", "linux-ipi", "--workload", "munmap", "--seconds", "0.0005",
            "--sweep", "cpus=2,1,3", "--threads", "1"};

    static final String POINT_1_FAILED = "point 1 (cpus=1) failed: workload 'munmap' needs at least 2 CPUs";

    @Test
    void aFailingPointStillPrintsTheFinishedPointsMarkedPartial() throws Exception {
        Out o = run(MergeCommandTest.plus(FAILING_SWEEP, "--json"));
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).matches("sweep: 1/3 points done, \\d+:\\d\\d elapsed\nsweep: 1/3 points done, \\d+:\\d\\d elapsed, failed\n"
                + "shootdown: workload 'munmap' needs at least 2 CPUs\n");
        JsonNode j = new ObjectMapper().readTree(o.out());
        assertThat(j.get("partial").asBoolean()).isTrue();
        assertThat(j.get("stop_reason").asText()).isEqualTo(POINT_1_FAILED);
        assertThat(j.get("runs")).hasSize(1);
        assertThat(j.get("runs").get(0).get("index").asInt()).isZero();
        assertThat(j.get("missing")).extracting(m -> m.get("index").asInt()).containsExactly(1, 2);
        assertThat(j.get("missing").get(1).get("point").get("cpus").asText()).isEqualTo("3");
        // The finished point is the real run: the same metrics as that point run on its own.
        Out alone = run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--seconds", "0.0005", "--json");
        assertThat(j.get("runs").get(0).get("result").get("metrics")).isEqualTo(new ObjectMapper().readTree(alone.out()).get("metrics"));
    }

    @Test
    void aFailingPointStillPrintsTheFinishedRowsOfTheTable() {
        Out o = run(FAILING_SWEEP);
        assertThat(o.code()).isEqualTo(2);
        List<String> lines = o.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("linux-ipi: workload munmap on skylake, 1 of 3 points");
        assertThat(lines.get(3)).matches(" +0 +2 +\\d+\\.\\d{3} .*%");
        assertThat(lines.get(4)).matches(" +1 +1 +not run");
        assertThat(lines.get(5)).matches(" +2 +3 +not run");
        assertThat(lines.get(7)).isEqualTo("partial: 2 points not run (" + POINT_1_FAILED + ")");
    }

    @Test
    void aCompleteSweepHasNoPartialKeys() throws Exception {
        Out o = run("simulate", "linux-ipi", "--workload", "munmap", "--seconds", "0.0002", "--sweep", "cpus=2,3", "--json");
        assertThat(o.code()).isZero();
        List<String> keys = new java.util.ArrayList<>();
        new ObjectMapper().readTree(o.out()).fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("sweep", "runs");
    }

    @Test
    void badInputIsAClearErrorWithExitTwo() {
        assertThat(run("simulate", "protocols/linux-ipi.sd", "--workload", "nope", "--cpus", "4")).satisfies(o -> {
            assertThat(o.code()).isEqualTo(2);
            assertThat(o.err()).contains("unknown workload 'nope'");
        });
        assertThat(run("simulate", "no/such/file.sd", "--workload", "munmap", "--cpus", "4").err()).contains("no such file");
        assertThat(run("simulate", "protocols/linux-ipi.sd", "--workload", "munmap", "--cpus", "5000").code()).isEqualTo(2);
        assertThat(run("simulate", "protocols/linux-ipi.sd", "--workload", "munmap", "--cpus", "4", "--profile", "vax").err()).contains("unknown profile");
        assertThat(run("simulate", "protocols/linux-ipi.sd", "--workload", "munmap").code()).isEqualTo(2);
    }

    /** linux-ipi whose handler never acks: the initiator waits for ever while the other CPUs compute. */
    static java.nio.file.Path noAck(java.nio.file.Path dir) throws java.io.IOException {
        String text = java.nio.file.Files.readString(java.nio.file.Path.of("protocols/linux-ipi.sd")).replace("    loaded_gen = mm_context_id(loaded_mm)\n  }\n  ack(from)\n",
                "    loaded_gen = mm_context_id(loaded_mm)\n  }\n");
        assertThat(text).doesNotContain("ack(from)");
        java.nio.file.Path f = dir.resolve("no-ack.sd");
        java.nio.file.Files.writeString(f, text);
        return f;
    }

    @Test
    void aStalledRunExitsOneAndSaysWhereEachCpuWaits(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String file = noAck(dir).toString();
        Out o = run("simulate", file, "--workload", "munmap", "--cpus", "4", "--seconds", "0.05", "--json");
        assertThat(o.code()).isEqualTo(1);
        JsonNode j = new ObjectMapper().readTree(o.out());
        assertThat(j.get("partial").asBoolean()).isTrue();
        assertThat(j.get("stop_reason").asText()).startsWith("stall: 1 CPU with work left made no progress");
        JsonNode stall = j.get("stall");
        assertThat(stall.get("kind").asText()).isEqualTo("stall");
        assertThat(stall.get("bound_us").asDouble()).isEqualTo(10_000, org.assertj.core.data.Offset.offset(1.0));
        assertThat(stall.get("blocked_cpus").asInt()).isEqualTo(1);
        JsonNode cpu = stall.get("cpus").get(0);
        assertThat(cpu.get("cpu").asInt()).isZero();
        assertThat(cpu.get("at").asText()).isEqualTo("wait until acked(targets)");
        assertThat(cpu.get("where").asText()).startsWith(file + ":");
        assertThat(cpu.get("waits_on").asText()).isEqualTo("acks outstanding from cpu1-3");
        // The table says it too, and never that the run was clean.
        Out text = run("simulate", file, "--workload", "munmap", "--cpus", "4", "--seconds", "0.05");
        assertThat(text.code()).isEqualTo(1);
        assertThat(text.out()).contains("STALL at ", "cpu0 at wait until acked(targets)", "acks outstanding from cpu1-3")
                .doesNotContain("no property broken during the run");
        // A bound longer than the run: nothing to call a stall yet.
        assertThat(run("simulate", file, "--workload", "munmap", "--cpus", "4", "--seconds", "0.05", "--stall-after", "0.1").code()).isZero();
        assertThat(run("simulate", file, "--workload", "munmap", "--cpus", "4", "--stall-after", "0").err()).contains("--stall-after must be");
    }

    @Test
    void aSweepWithAStalledPointPrintsEveryPointAndExitsOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String file = noAck(dir).toString();
        // On one CPU there is nobody to IPI, so nothing to wait for; on two the initiator waits for ever.
        Out o = run("simulate", file, "--workload", "tlb_flush2", "--seconds", "0.03", "--sweep", "cpus=1,2", "--threads", "1");
        assertThat(o.code()).isEqualTo(1);
        List<String> rows = o.out().lines().filter(l -> l.matches(" +[01] .*")).toList();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).doesNotContain("STALL");
        assertThat(rows.get(1)).endsWith("  STALL");
        assertThat(o.out()).contains("1 point stalled");
        JsonNode runs = new ObjectMapper().readTree(run("simulate", file, "--workload", "tlb_flush2", "--seconds", "0.03", "--sweep", "cpus=1,2",
                "--threads", "1", "--json").out()).get("runs");
        assertThat(runs.get(0).get("result").has("stall")).isFalse();
        assertThat(runs.get(1).get("result").get("stall").get("cpus").get(0).get("waits_on").asText()).startsWith("acks outstanding from cpu");
    }
}
