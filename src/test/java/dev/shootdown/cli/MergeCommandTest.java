package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MergeCommandTest {
    static final String[] SWEEP = {"simulate", "linux-ipi", "--workload", "munmap", "--seconds", "0.0005", "--sweep", "cpus=2,3,4", "--json"};

    static String[] with(String... more) {
        return plus(SWEEP, more);
    }

    static String[] plus(String[] args, String... more) {
        String[] a = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, a, args.length, more.length);
        return a;
    }

    @Test
    void shardsMergeBackIntoTheWholeSweep(@TempDir Path dir) throws Exception {
        SimulateCommandTest.Out whole = SimulateCommandTest.run(SWEEP);
        SimulateCommandTest.Out s1 = SimulateCommandTest.run(with("--shard", "1/2"));
        SimulateCommandTest.Out s2 = SimulateCommandTest.run(with("--shard", "2/2"));
        assertThat(whole.code()).isZero();
        Files.writeString(dir.resolve("a.json"), s1.out());
        Files.writeString(dir.resolve("b.json"), s2.out());
        SimulateCommandTest.Out merged = SimulateCommandTest.run("merge", dir.resolve("b.json").toString(), dir.resolve("a.json").toString(), "--json");
        assertThat(merged.code()).isZero();
        ObjectMapper m = new ObjectMapper();
        JsonNode w = m.readTree(whole.out());
        JsonNode g = m.readTree(merged.out());
        assertThat(g.get("runs")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(g.get("runs").get(i).get("index").asInt()).isEqualTo(i);
            // Deterministic runs: every metric of a point is the same whether it ran alone or in the whole sweep.
            assertThat(g.get("runs").get(i).get("result").get("metrics")).isEqualTo(w.get("runs").get(i).get("result").get("metrics"));
        }
        // The table names the profile every run shares.
        SimulateCommandTest.Out table = SimulateCommandTest.run("merge", dir.resolve("a.json").toString(), dir.resolve("b.json").toString());
        assertThat(table.out().lines().findFirst()).hasValue("linux-ipi: workload munmap on skylake, 3 of 3 points");
        SimulateCommandTest.Out twice = SimulateCommandTest.run("merge", dir.resolve("a.json").toString(), dir.resolve("a.json").toString());
        assertThat(twice.code()).isEqualTo(2);
        assertThat(twice.err()).isEqualTo("shootdown: shard 1/2 is given twice: " + dir.resolve("a.json") + " and " + dir.resolve("a.json") + "\n");
    }

    /** A two-point sweep (cpus=2,3), one point per shard; {@link #SMALL} runs each for 0.5 ms. */
    static final String[] SMALL_ANY_SECONDS = {"simulate", "linux-ipi", "--workload", "munmap", "--sweep", "cpus=2,3", "--json"};
    static final String[] SMALL = plus(SMALL_ANY_SECONDS, "--seconds", "0.0005");

    /** Runs simulate with {@code args} and writes its stdout to {@code dir/name}. */
    static Path shard(Path dir, String name, String... args) throws Exception {
        SimulateCommandTest.Out o = SimulateCommandTest.run(args);
        Path f = dir.resolve(name);
        Files.writeString(f, o.out());
        return f;
    }

    /** Merging {@code a} and {@code b} is refused with one line naming what differs and both files. */
    static void refused(Path a, Path b, String what) {
        SimulateCommandTest.Out o = SimulateCommandTest.run("merge", a.toString(), b.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.out()).isEmpty();
        assertThat(o.err()).isEqualTo("shootdown: " + a + " and " + b + " are not shards of one sweep: " + what + "\n");
    }

    @Test
    void shardsOfDifferentSweepsAreRefusedNamingTheFieldAndTheFiles(@TempDir Path dir) throws Exception {
        Path a = shard(dir, "a.json", plus(SMALL, "--shard", "1/2"));
        assertThat(SimulateCommandTest.run("merge", a.toString(), shard(dir, "b.json", plus(SMALL, "--shard", "2/2")).toString()).code())
                .as("the same options merge").isZero();
        refused(a, shard(dir, "seed.json", plus(SMALL, "--shard", "2/2", "--seed", "2")), "--seed is 1 in " + a + " but 2 in " + dir.resolve("seed.json"));
        refused(a, shard(dir, "profile.json", plus(SMALL, "--shard", "2/2", "--profile", "milan")),
                "--profile is skylake in " + a + " but milan in " + dir.resolve("profile.json"));
        refused(a, shard(dir, "seconds.json", plus(SMALL_ANY_SECONDS, "--shard", "2/2", "--seconds", "0.0004")),
                "--seconds is 5.0E-4 in " + a + " but 4.0E-4 in " + dir.resolve("seconds.json"));
        refused(a, shard(dir, "hz.json", plus(SMALL, "--shard", "2/2", "--tick-hz", "1000")),
                "--tick-hz is 250.0 in " + a + " but 1000.0 in " + dir.resolve("hz.json"));
        refused(a, shard(dir, "param.json", plus(SMALL, "--shard", "2/2", "--param", "user_cycles=5000")),
                "--param user_cycles is not given in " + a + " but 5000 in " + dir.resolve("param.json"));
        refused(a, shard(dir, "axes.json", plus(SMALL, "--shard", "2/2", "--sweep", "seed=1")),
                "--sweep seed is not given in " + a + " but 1 in " + dir.resolve("axes.json"));
        refused(a, shard(dir, "count.json", plus(SMALL, "--shard", "2/3")),
                "the shard count (N of --shard K/N) is 2 in " + a + " but 3 in " + dir.resolve("count.json"));
        refused(a, shard(dir, "tlb.json", "simulate", "linux-ipi", "--workload", "tlb_flush2", "--seconds", "0.0005", "--sweep", "cpus=2,3", "--json", "--shard", "2/2"),
                "--workload is munmap in " + a + " but tlb_flush2 in " + dir.resolve("tlb.json"));
    }

    @Test
    void theProtocolsTextAndTheAxesOrderMustAgreeToo(@TempDir Path dir) throws Exception {
        // The same protocol path with other contents: the file was edited between the shards.
        Path protocol = dir.resolve("p.sd");
        Files.copy(Path.of("protocols/linux-ipi.sd"), protocol);
        String[] sweep = {"simulate", protocol.toString(), "--workload", "munmap", "--seconds", "0.0005", "--sweep", "cpus=2,3", "--json"};
        Path a = shard(dir, "a.json", plus(sweep, "--shard", "1/2"));
        Files.writeString(protocol, Files.readString(protocol) + "\n// edited\n");
        Path b = shard(dir, "b.json", plus(sweep, "--shard", "2/2"));
        SimulateCommandTest.Out o = SimulateCommandTest.run("merge", a.toString(), b.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).matches("shootdown: \\S+a.json and \\S+b.json are not shards of one sweep: the protocol's text \\(protocol_sha256\\) is "
                + "[0-9a-f]{12}\\.\\.\\. in \\S+a.json but [0-9a-f]{12}\\.\\.\\. in \\S+b.json\n");
        // The order of the axes decides which point an index is.
        String[] two = {"simulate", "linux-ipi", "--workload", "munmap", "--seconds", "0.0002", "--json"};
        Path c = shard(dir, "c.json", plus(two, "--sweep", "cpus=2,3", "--sweep", "seed=1,2", "--shard", "1/2"));
        Path d = shard(dir, "d.json", plus(two, "--sweep", "seed=1,2", "--sweep", "cpus=2,3", "--shard", "2/2"));
        refused(c, d, "the order of --sweep is cpus, seed in " + c + " but seed, cpus in " + d);
    }

    @Test
    void missingShardsAreNamedAndTheMergedSweepIsMarkedPartial(@TempDir Path dir) throws Exception {
        String[] three = {"simulate", "linux-ipi", "--workload", "munmap", "--seconds", "0.0005", "--sweep", "cpus=2,3,4", "--json"};
        Path a = shard(dir, "a.json", plus(three, "--shard", "1/3"));
        Path c = shard(dir, "c.json", plus(three, "--shard", "3/3"));
        SimulateCommandTest.Out o = SimulateCommandTest.run("merge", a.toString(), c.toString(), "--json");
        assertThat(o.code()).isEqualTo(Main.INCOMPLETE);
        assertThat(o.err()).isEqualTo("shootdown: warning: merged 2 of 3 points: shard 2/3 missing\n");
        JsonNode j = new ObjectMapper().readTree(o.out());
        assertThat(j.get("partial").asBoolean()).isTrue();
        assertThat(j.get("stop_reason").asText()).isEqualTo("shard 2/3 missing");
        assertThat(j.get("runs")).extracting(r -> r.get("index").asInt()).containsExactly(0, 2);
        assertThat(j.get("missing")).extracting(r -> r.get("point").get("cpus").asText()).containsExactly("3");
        SimulateCommandTest.Out table = SimulateCommandTest.run("merge", a.toString(), c.toString());
        assertThat(table.out()).contains("partial: 1 point not run (shard 2/3 missing)");
    }

    @Test
    void aShardCutShortByAFailureMergesAsPartial(@TempDir Path dir) throws Exception {
        // Shard 1/2 holds points 0 (2 CPUs) and 2 (1 CPU, which workload munmap refuses when it runs); shard 2/2 holds 1 and 3.
        String[] sweep = {"simulate", "linux-ipi", "--workload", "munmap", "--seconds", "0.0005", "--sweep", "cpus=2,3,1,4",
                "--threads", "1", "--json"};
        Path a = shard(dir, "a.json", plus(sweep, "--shard", "1/2"));
        Path b = shard(dir, "b.json", plus(sweep, "--shard", "2/2"));
        SimulateCommandTest.Out o = SimulateCommandTest.run("merge", a.toString(), b.toString(), "--json");
        assertThat(o.code()).isEqualTo(Main.INCOMPLETE);
        JsonNode j = new ObjectMapper().readTree(o.out());
        assertThat(j.get("runs")).extracting(r -> r.get("index").asInt()).containsExactly(0, 1, 3);
        assertThat(j.get("missing")).extracting(r -> r.get("index").asInt()).containsExactly(2);
        assertThat(j.get("stop_reason").asText()).isEqualTo(a + " is partial (point 2 (cpus=1) failed: workload 'munmap' needs at least 2 CPUs)");
        assertThat(o.err()).startsWith("shootdown: warning: merged 3 of 4 points: " + a + " is partial");
    }

    @Test
    void aShardFileWhoseRunsOrAxesAreNotWhatASweepWritesIsRefusedInOneLine(@TempDir Path dir) throws Exception {
        Path a = shard(dir, "a.json", plus(SMALL, "--shard", "1/2"));
        String b = SimulateCommandTest.run(plus(SMALL, "--shard", "2/2")).out();
        Path x = dir.resolve("x.json");
        // Each was a ClassCastException or NullPointerException: exit 70, "internal error".
        for (String[] edit : new String[][] {
                {"\"index\":1", "\"index\":\"1\"", "not a sweep's JSON (run 0 has no whole-number index)"},
                {"\"index\":1,", "", "not a sweep's JSON (run 0 has no whole-number index)"},
                {"\"axes\":{\"cpus\":[\"2\",\"3\"]}", "\"axes\":{\"cpus\":5}", "not a sweep's JSON (axes is not {\"NAME\": [V1, V2, ...]})"},
                // Silently merged as a third point of a two-point sweep.
                {"\"index\":1", "\"index\":7", "point 7 is not a point of shard 2/2 of its 2-point sweep"}}) {
            String compact = new ObjectMapper().readTree(b).toString();
            assertThat(compact).contains(edit[0]);
            Files.writeString(x, compact.replace(edit[0], edit[1]));
            SimulateCommandTest.Out o = SimulateCommandTest.run("merge", a.toString(), x.toString());
            assertThat(o.code()).as(edit[1]).isEqualTo(2);
            assertThat(o.err()).as(edit[1]).isEqualTo("shootdown: " + x + ": " + edit[2] + "\n");
        }
        Files.writeString(x, "{\"sweep\": {\"shard\": \"2/2\", \"axes\": {\"cpus\": [\"2\", \"3\"]}}, \"runs\": [1]}");
        assertThat(SimulateCommandTest.run("merge", a.toString(), x.toString()).err()).isEqualTo("shootdown: " + x + ": not a sweep's JSON (run 0 has no whole-number index)\n");
    }
}
