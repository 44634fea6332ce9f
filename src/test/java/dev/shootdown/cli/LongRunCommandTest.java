package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code check --checkpoint DIR}, {@code --resume DIR} and {@code --bitstate[=SIZE]} on the command line: a search
 * stopped (by its state limit, Ctrl-C, or a kill at any moment) and carried on prints what the search without a break
 * prints; what cannot be carried on is refused with exit 2 and a line; a bit-state search never says safe.
 */
class LongRunCommandTest {
    private static final String MEDIUM = "bench/checker/tlb-N4-K1.sd";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @DisplayName("a search stopped by --max-states and carried on with --resume prints what the whole search prints")
    void stateLimitThenResume() throws Exception {
        Path ck = dir.resolve("ck");
        MainTest.Run whole = MainTest.run("check", MEDIUM, "--no-reductions", "--json");
        MainTest.Run part = MainTest.run("check", MEDIUM, "--no-reductions", "--json", "--max-states", "5000", "--checkpoint", ck.toString());
        assertThat(part.exit()).as(part.err()).isEqualTo(Main.INCOMPLETE);
        assertThat(part.err()).contains("checkpoint: 5,000 states written to " + ck, "--resume " + ck + " carries the search on");
        MainTest.Run rest = MainTest.run("check", MEDIUM, "--no-reductions", "--json", "--resume", ck.toString());
        assertThat(rest.exit()).as(rest.err()).isEqualTo(whole.exit()).isEqualTo(Main.OK);
        assertThat(withoutTime(rest.out())).isEqualTo(withoutTime(whole.out()));
    }

    @Test
    @DisplayName("a violation found before the break is reported after it, with its counterexample")
    void violationsSurviveTheBreak() throws Exception {
        Path ck = dir.resolve("ck");
        String buggy = "bench/checker/tlb-N6-K1-buggy-tight.sd";
        MainTest.Run whole = MainTest.run("check", buggy, "--width", "30");
        MainTest.Run part = MainTest.run("check", buggy, "--max-states", "200", "--checkpoint", ck.toString(), "--width", "30");
        assertThat(part.out()).contains("VIOLATED");
        MainTest.Run rest = MainTest.run("check", buggy, "--resume", ck.toString(), "--width", "30");
        assertThat(rest.exit()).isEqualTo(whole.exit()).isEqualTo(Main.VIOLATION);
        assertThat(withoutTimeText(rest.out())).isEqualTo(withoutTimeText(whole.out()));
    }

    @Test
    @DisplayName("another model, other options, a directory that holds a checkpoint already or none: exit 2 and one line")
    void whatCannotBeCarriedOnIsRefused() throws Exception {
        Path ck = dir.resolve("ck");
        assertThat(MainTest.run("check", MEDIUM, "--max-states", "100", "--checkpoint", ck.toString()).exit()).isEqualTo(Main.INCOMPLETE);
        for (List<String> args : List.of(
                List.of("check", "catalog/000-pte-first-wait.sd", "--resume", ck.toString()),
                List.of("check", MEDIUM, "--resume", ck.toString(), "--no-reductions"),
                List.of("check", MEDIUM, "--resume", ck.toString(), "--first"),
                List.of("check", MEDIUM, "--resume", ck.toString(), "--bitstate"),
                List.of("check", MEDIUM, "--checkpoint", ck.toString()),
                List.of("check", MEDIUM, "--resume", dir.resolve("none").toString()),
                List.of("check", MEDIUM, "--resume", Files.createDirectories(dir.resolve("empty")).toString()),
                List.of("check", MEDIUM, "--checkpoint", dir.resolve("c2").toString(), "--checkpoint-every", "0s"),
                List.of("check", MEDIUM, "--checkpoint", dir.resolve("c3").toString(), "--checkpoint-every", "soon"),
                List.of("check", MEDIUM, "--checkpoint-every", "1m"),
                List.of("check", MEDIUM, "--bitstate=lots"),
                List.of("check", MEDIUM, "--bitstate=16T"))) {
            MainTest.Run r = MainTest.run(args.toArray(String[]::new));
            assertThat(r.exit()).as(args + ": " + r.err()).isEqualTo(Main.BAD_INPUT);
            assertThat(r.err().strip()).as(args.toString()).startsWith("shootdown: ").doesNotContain("\n", "Exception", "internal error");
        }
        MainTest.Run other = MainTest.run("check", "catalog/000-pte-first-wait.sd", "--resume", ck.toString());
        assertThat(other.err()).contains("checkpoint of another model");
        MainTest.Run held = MainTest.run("check", MEDIUM, "--checkpoint", ck.toString());
        assertThat(held.err()).contains("already holds a checkpoint", "--resume " + ck);
        // The refused runs left the checkpoint as it was: it still carries the search on.
        MainTest.Run rest = MainTest.run("check", MEDIUM, "--json", "--resume", ck.toString());
        assertThat(withoutTime(rest.out())).isEqualTo(withoutTime(MainTest.run("check", MEDIUM, "--json").out()));
    }

    @Test
    @DisplayName("--bitstate: never 'safe', an estimated coverage in text and JSON, exit 3; violations are real, exit 1")
    void bitstateNeverSaysSafe() throws Exception {
        MainTest.Run text = MainTest.run("check", "--bitstate", MEDIUM);
        assertThat(text.exit()).as(text.err()).isEqualTo(Main.INCOMPLETE);
        assertThat(text.out()).doesNotContain("safe", "holds").contains("search incomplete (bitstate hashing, estimated coverage",
                "bitstate: 2^", "hash factor");
        MainTest.Run json = MainTest.run("check", MEDIUM, "--json", "--bitstate=64K");
        JsonNode j = JSON.readTree(json.out());
        assertThat(j.get("verdict").asText()).isEqualTo("unknown");
        assertThat(j.get("complete").asBoolean()).isFalse();
        assertThat(j.get("properties").get("no_use_after_free").asText()).isEqualTo("unknown");
        assertThat(j.get("bitstate").get("bits").asLong()).isEqualTo(64 * 1024 * 8);
        assertThat(j.get("bitstate").get("coverage_estimate").asDouble()).isBetween(0.5, 1.0);
        MainTest.Run buggy = MainTest.run("check", "--bitstate", "bench/checker/tlb-N6-K1-buggy-tight.sd");
        assertThat(buggy.exit()).isEqualTo(Main.VIOLATION);
        assertThat(buggy.out()).contains("use_after_free", "Shortest counterexample");
    }

    @Test
    @Timeout(300) // a guard against a hang, not a timing assertion
    @DisplayName("Ctrl-C writes a checkpoint before the process exits 130, and it carries the search on")
    void ctrlCWritesACheckpoint() throws Exception {
        Path model = Files.writeString(dir.resolve("long.sd"), InterruptedSearchTest.LONG_MODEL);
        Path ck = dir.resolve("ck");
        long states;
        try (CliProcess p = CliProcess.start(dir, "check", model.toString(), "--json", "--checkpoint", ck.toString())) {
            p.awaitCpuSeconds(4);
            int expected = p.interrupt();
            assertThat(p.exitCode()).as(p.err()).isEqualTo(expected);
            assertThat(p.err()).contains("checkpoint: ").doesNotContain("Exception", "could not");
            states = JSON.readTree(p.out.toFile()).get("states").asLong();
        }
        String limit = Long.toString(states + 5000);
        MainTest.Run whole = MainTest.run("check", model.toString(), "--json", "--max-states", limit);
        MainTest.Run rest = MainTest.run("check", model.toString(), "--json", "--max-states", limit, "--resume", ck.toString());
        assertThat(rest.exit()).as(rest.err()).isEqualTo(whole.exit()).isEqualTo(Main.INCOMPLETE);
        assertThat(withoutTime(rest.out())).isEqualTo(withoutTime(whole.out()));
    }

    @Test
    @Timeout(600) // a guard against a hang, not a timing assertion
    @DisplayName("a process killed at any moment, checkpoint half-written or not, leaves a checkpoint that carries the search on")
    void killsAtAnyMomentLeaveAWholeCheckpoint() throws Exception {
        Path ck = dir.resolve("ck");
        String model = "bench/checker/tlb-N5-K1.sd";
        SplittableRandom random = new SplittableRandom(3);
        for (int round = 0; round < 3; round++) {
            List<String> args = List.of("check", model, "--no-reductions", "--checkpoint-every", "50ms", round == 0 ? "--checkpoint" : "--resume", ck.toString());
            try (CliProcess p = CliProcess.start(dir, args.toArray(String[]::new))) {
                // Once a checkpoint is on disk, a kill at a random moment: most land while the next one is being written.
                p.awaitErr("checkpoint: ");
                Thread.sleep(random.nextInt(1, 400));
                p.process.destroyForcibly();
                assertThat(p.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        }
        MainTest.Run whole = MainTest.run("check", model, "--no-reductions", "--json");
        MainTest.Run rest = MainTest.run("check", model, "--no-reductions", "--json", "--resume", ck.toString());
        assertThat(rest.exit()).as(rest.err()).isEqualTo(whole.exit()).isEqualTo(Main.OK);
        assertThat(withoutTime(rest.out())).isEqualTo(withoutTime(whole.out()));
    }

    /** The JSON result without what a break changes: the wall time and the states written to disk. */
    private static JsonNode withoutTime(String json) throws Exception {
        ObjectNode j = (ObjectNode) JSON.readTree(json);
        j.remove("seconds");
        j.remove("spilled_states");
        return j;
    }

    /** The text report without its statistics line's time and speed. */
    private static String withoutTimeText(String text) {
        return text.replaceAll(", [0-9.]+ s \\([0-9]+ states/s\\)", "");
    }
}
