package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static dev.shootdown.sim.ProfileFileTest.write;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code shootdown profile} and {@code --profile FILE}: printing, reading back, mistakes, sweeps and merge. */
class ProfileCommandTest {

    @Test
    void aPrintedBuiltInSavedAndReadBackPrintsTheSame(@TempDir Path dir) throws Exception {
        SimulateCommandTest.Out o = SimulateCommandTest.run("profile", "milan");
        assertThat(o.code()).isZero();
        assertThat(o.err()).isEmpty();
        JsonNode j = new ObjectMapper().readTree(o.out());
        assertThat(j.get("base").asText()).isEqualTo("milan");
        assertThat(j.get("name").asText()).isEqualTo("milan");
        Path saved = write(dir, "mine.json", o.out());
        assertThat(SimulateCommandTest.run("profile", saved.toString()).out()).isEqualTo(o.out());
    }

    @Test
    void aFileProfileNamesTheSimulateResult(@TempDir Path dir) throws Exception {
        Path f = write(dir, "lab.json", "{\"base\": \"skylake\", \"name\": \"icelake-lab\", \"costs\": {\"INVLPG\": 180}}");
        SimulateCommandTest.Out o = SimulateCommandTest.run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--seconds", "0.0005",
                "--profile", f.toString(), "--json");
        assertThat(o.code()).isZero();
        assertThat(new ObjectMapper().readTree(o.out()).get("profile").asText()).isEqualTo("icelake-lab");
        // The printed form of the file: its base and the value it set.
        JsonNode printed = new ObjectMapper().readTree(SimulateCommandTest.run("profile", f.toString()).out());
        assertThat(printed.get("base").asText()).isEqualTo("skylake");
        assertThat(printed.get("costs").get("invlpg").asLong()).isEqualTo(180);
    }

    /** {@code json} in a file gives exactly {@code message} (after "FILE:"), exit 2, from both commands that read a profile. */
    private static void refused(Path dir, String json, String message) throws Exception {
        Path f = write(dir, "bad.json", json);
        for (String[] args : new String[][] {{"profile", f.toString()},
                {"simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--seconds", "0.0005", "--profile", f.toString()}}) {
            SimulateCommandTest.Out o = SimulateCommandTest.run(args);
            assertThat(o.code()).as(json).isEqualTo(2);
            assertThat(o.out()).isEmpty();
            assertThat(o.err()).as(json).isEqualTo("shootdown: " + f + ":" + message + "\n");
        }
    }

    @Test
    void eachMistakeIsOneLineAtItsPosition(@TempDir Path dir) throws Exception {
        refused(dir, "{\"base\": \"skylake\",\n \"costz\": {}}", "2:2: unknown key 'costz': expected one of base, name, description, ghz, topology, "
                + "step_cycles, costs, line_cycles, ipi_latency, broadcast_latency, broadcast_invalidation, ranged_flush_cycles");
        refused(dir, "{\"base\": \"skylake\", \"ghz\": \"fast\"}", "1:28: ghz: expected a number, got the string \"fast\"");
        refused(dir, "{\"base\": \"skylake\", \"costs\": {\"INVLPG\": -5}}", "1:41: costs.INVLPG is -5: a cost is a whole number of cycles from 0 to 1000000000000");
        refused(dir, "{\"base\": \"skylake\", \"costs\": {\"invlpg\": 1.5}}", "1:41: costs.invlpg: expected a whole number, got the number 1.5");
        refused(dir, "{\"base\": \"skylake\", \"costs\": {\"invplg\": 5}}", "1:31: unknown event 'invplg': expected one of tlb_hit, tlb_miss, page_fault, "
                + "dirty_rewalk, pte_write, pte_atomic, pte_read, invlpg, flush_all, tlbie, tlbsync, bcast_perform, ipi_send, ipi_enter, iret, ack, "
                + "shared_read, shared_write, percpu_read, percpu_write, barrier, frame_free, frame_alloc, writeback, user_access, lock, irq_off, irq_on, "
                + "wait_done, evict, compute, idle, timer_tick, store_drain");
        refused(dir, "{\"base\": \"haswell\"}", "1:10: unknown base 'haswell': expected a built-in profile, one of skylake, p3, milan, arm64");
        refused(dir, "{\"name\": \"x\"}", "1:1: \"base\" is required: the built-in profile to start from (skylake, p3, milan, arm64)");
        refused(dir, "{\"base\": \"skylake\", \"topology\": {\"sockets\": 0}}", "1:45: topology.sockets is 0: expected 1 to 4096");
        refused(dir, "{\"base\": \"skylake\", \"line_cycles\": {\"remote\": 5}}",
                "1:37: unknown line_cycles distance 'remote': expected one of self, smt_sibling, same_die, same_socket, other_socket");
        refused(dir, "{\"base\": \"skylake\", \"ghz\": 2,\n \"ghz\": 3}", "2:2: \"ghz\" is given twice");
        refused(dir, "{\"base\": \"skylake\",", "1:20: not JSON: Unexpected end-of-input within/between Object entries");
    }

    @Test
    void aMissingOrUnreadableFileIsOneLine(@TempDir Path dir) {
        SimulateCommandTest.Out o = SimulateCommandTest.run("profile", dir.resolve("nope.json").toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).isEqualTo("shootdown: unknown profile '" + dir.resolve("nope.json") + "': expected one of skylake, p3, milan, arm64, "
                + "or the path of a profile file (.json; `shootdown profile skylake` prints one to start from)\n");
        SimulateCommandTest.Out d = SimulateCommandTest.run("profile", dir.toString());
        assertThat(d.code()).isEqualTo(2);
        assertThat(d.err()).startsWith("shootdown: " + dir + ": cannot read (").endsWith(")\n").hasLineCount(1);
    }

    @Test
    void aSweepRunsABuiltInAndAFileAndItsHeaderHoldsTheFilesDigest(@TempDir Path dir) throws Exception {
        Path f = write(dir, "lab.json", "{\"base\": \"skylake\", \"name\": \"lab\", \"costs\": {\"invlpg\": 2000}}");
        SimulateCommandTest.Out o = SimulateCommandTest.run("simulate", "linux-ipi", "--workload", "munmap", "--seconds", "0.0005", "--sweep", "cpus=2",
                "--sweep", "profile=skylake," + f, "--json");
        assertThat(o.code()).isZero();
        JsonNode j = new ObjectMapper().readTree(o.out());
        assertThat(j.get("runs")).extracting(r -> r.get("result").get("profile").asText()).containsExactly("skylake", "lab");
        JsonNode digests = j.get("sweep").get("profile_sha256");
        assertThat(digests.size()).as("a digest for the file, none for the built-in").isEqualTo(1);
        assertThat(digests.get(f.toString()).asText()).matches("[0-9a-f]{64}");
    }

    /** The first 12 digits of the SHA-256 of {@code text}, as merge shows a digest. */
    private static String digest(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 12) + "...";
    }

    @Test
    void mergeRefusesShardsRunWithTwoVersionsOfOneProfileFile(@TempDir Path dir) throws Exception {
        String v1 = "{\"base\": \"skylake\", \"costs\": {\"invlpg\": 2000}}";
        String v2 = "{\"base\": \"skylake\", \"costs\": {\"invlpg\": 3000}}";
        Path f = write(dir, "lab.json", v1);
        String[] sweep = MergeCommandTest.plus(MergeCommandTest.SMALL, "--profile", f.toString());
        Path a = MergeCommandTest.shard(dir, "a.json", MergeCommandTest.plus(sweep, "--shard", "1/2"));
        Path same = MergeCommandTest.shard(dir, "same.json", MergeCommandTest.plus(sweep, "--shard", "2/2"));
        assertThat(SimulateCommandTest.run("merge", a.toString(), same.toString()).code()).as("the same file merges").isZero();
        write(dir, "lab.json", v2);
        Path b = MergeCommandTest.shard(dir, "b.json", MergeCommandTest.plus(sweep, "--shard", "2/2"));
        MergeCommandTest.refused(a, b, "the profile file's text (profile_sha256) is " + digest(v1) + " in " + a + " but " + digest(v2) + " in " + b);
        // On a profile axis, the digest is by file.
        String[] axis = {"simulate", "linux-ipi", "--workload", "munmap", "--seconds", "0.0005", "--sweep", "profile=skylake," + f, "--sweep", "cpus=2", "--json"};
        Path c = MergeCommandTest.shard(dir, "c.json", MergeCommandTest.plus(axis, "--shard", "1/2"));
        write(dir, "lab.json", v1);
        Path d = MergeCommandTest.shard(dir, "d.json", MergeCommandTest.plus(axis, "--shard", "2/2"));
        MergeCommandTest.refused(c, d, "the profile file's text (profile_sha256) " + f + " is " + digest(v2) + " in " + c + " but " + digest(v1) + " in " + d);
    }
}
