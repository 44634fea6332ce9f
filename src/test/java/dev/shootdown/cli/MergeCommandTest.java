package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MergeCommandTest {
    static final String[] SWEEP = {"simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--seconds", "0.0005", "--sweep", "cpus=2,3,4", "--json"};

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
        assertThat(twice.err()).contains("more than one shard");
    }
}
