package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shootdown.report.RunSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.shootdown.cli.SimulateCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** simulate --seeds N: seeds from --seed on, each metric's mean, ci95 and per-seed values, and what reads them back. */
class SeedsCommandTest {
    static final String[] RUN = {"simulate", "linux-ipi", "--workload", "tlb_flush2", "--cpus", "3", "--seconds", "0.0005"};

    @TempDir
    Path dir;

    @Test
    void eachMetricGainsMeanAndCi95BesideTheValuesOfSeedsFromTheSeedOn() throws Exception {
        SimulateCommandTest.Out o = run(MergeCommandTest.plus(RUN, "--seed", "7", "--seeds", "3", "--json"));
        assertThat(o.code()).as(o.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(o.out());
        assertThat(j.get("seed").asLong()).isEqualTo(7);
        assertThat(j.get("seeds").toString()).isEqualTo("[7,8,9]");

        for (int i = 0; i < 3; i++) {
            // Each seed's value is what a single run at that seed reports.
            JsonNode single = new ObjectMapper().readTree(run(MergeCommandTest.plus(RUN, "--seed", Integer.toString(7 + i), "--json")).out()).get("metrics");
            assertThat(j.get("metrics").get("throughput_ops_per_second").get("seeds").get(i).asDouble())
                    .isEqualTo(single.get("throughput_ops_per_second").asDouble());
            assertThat(j.get("metrics").get("shootdown_latency_us").get("p99").get("seeds").get(i).asDouble())
                    .isEqualTo(single.get("shootdown_latency_us").get("p99").asDouble());
        }
        JsonNode ops = j.get("metrics").get("throughput_ops_per_second");
        double mean = 0;
        for (JsonNode v : ops.get("seeds")) {
            mean += v.asDouble() / 3;
        }
        assertThat(ops.get("mean").asDouble()).isCloseTo(mean, within(1e-6 * mean));
        assertThat(ops.get("ci95").isNumber()).isTrue();
        assertThat(j.get("cdf").get("shootdown_latency_us").size()).isPositive();
    }

    @Test
    void theTextShowsMeanPlusMinusTheIntervalAndSaysWhichInterval() {
        SimulateCommandTest.Out o = run(MergeCommandTest.plus(RUN, "--seeds", "2"));
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("seeds 1 to 2 (2 runs)", "95% confidence interval (Student's t, 1 degrees of freedom)");
        assertThat(o.out().lines().filter(l -> l.strip().startsWith("throughput_ops_per_second")).findFirst().orElseThrow()).contains(" ± ").endsWith("1/s");
        // A latency's count is a count: no unit after it.
        assertThat(o.out().lines().filter(l -> l.strip().startsWith("shootdown_latency_us")).findFirst().orElseThrow()).contains(" us, count ").doesNotEndWith("us");
        assertThat(o.out()).contains("seed 1: no property broken", "seed 2: no property broken");
    }

    @Test
    void reportAndMergeReadSeededPointsBack() throws Exception {
        Path json = dir.resolve("one.json");
        Files.writeString(json, run(MergeCommandTest.plus(RUN, "--seeds", "2", "--json")).out());
        RunSummary back = ReportCommand.read(json).get(0);
        assertThat(back.spread("throughput_ops_per_second").values()).hasSize(2);
        assertThat(back.value("throughput_ops_per_second")).isEqualTo(back.spread("throughput_ops_per_second").mean());
        assertThat(back.spread("shootdown_latency_us", "p50").values()).hasSize(2);
        SimulateCommandTest.Out report = run("report", json.toString());
        assertThat(report.code()).as(report.err()).isZero();
        assertThat(report.out()).contains(" ± ");

        String[] sweep = {"simulate", "linux-ipi", "--workload", "tlb_flush2", "--seconds", "0.0003", "--sweep", "cpus=2,3", "--json", "--seeds"};
        for (int k = 1; k <= 2; k++) {
            SimulateCommandTest.Out shard = run(MergeCommandTest.plus(sweep, "2", "--shard", k + "/2"));
            assertThat(shard.code()).as(shard.err()).isZero();
            Files.writeString(dir.resolve("s" + k + ".json"), shard.out());
        }
        SimulateCommandTest.Out merged = run("merge", dir.resolve("s1.json").toString(), dir.resolve("s2.json").toString(), "--json");
        assertThat(merged.code()).as(merged.err()).isZero();
        JsonNode m = new ObjectMapper().readTree(merged.out());
        assertThat(m.get("sweep").get("seeds").asInt()).isEqualTo(2);
        assertThat(m.get("runs").get(1).get("result").get("metrics").get("ipis_per_second").get("seeds").size()).isEqualTo(2);
        SimulateCommandTest.Out table = run("merge", dir.resolve("s1.json").toString(), dir.resolve("s2.json").toString());
        assertThat(table.out()).contains("±");

        // Shards run with another --seeds are of another sweep.
        Files.writeString(dir.resolve("s3.json"), run(MergeCommandTest.plus(sweep, "3", "--shard", "2/2")).out());
        assertThat(run("merge", dir.resolve("s1.json").toString(), dir.resolve("s3.json").toString()).err()).contains("--seeds is 2 in", "but 3 in");
    }

    @Test
    void seedsAndASeedAxisOrATraceAreRefused() {
        assertThat(run("simulate", "linux-ipi", "--workload", "munmap", "--sweep", "cpus=2", "--sweep", "seed=1,2", "--seeds", "2").err())
                .contains("--seeds and --sweep seed=... both set the seeds");
        assertThat(run(MergeCommandTest.plus(RUN, "--seeds", "2", "--trace", dir.resolve("t.json").toString())).err())
                .contains("--trace traces one run, not --seeds 2");
        assertThat(run(MergeCommandTest.plus(RUN, "--seeds", "0")).code()).isEqualTo(2);
    }
}
