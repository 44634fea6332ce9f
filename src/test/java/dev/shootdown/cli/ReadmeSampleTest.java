package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's sample output is what the tool prints: the text of {@code check} on the tour's model,
 * but for the time and rate in the statistics line; and the abridged {@code check --json}, each key,
 * step and value it shows.
 */
class ReadmeSampleTest {
    private static final Path README = Path.of("README.md");
    private static final String MODEL = "docs/examples/mprotect-no-wait.sd";
    /** The one thing that varies between runs: "0.04 s (748 states/s)". */
    private static final String TIMING = "[0-9.]+ s \\([0-9]+ states/s\\)";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    /** The fenced block that follows the first line of the README containing {@code after}. */
    private static String blockAfter(String after) throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int at = readme.indexOf(after);
        assertThat(at).as("README has '%s'", after).isNotNegative();
        int open = readme.indexOf("```\n", at) + 4;
        return readme.substring(open, readme.indexOf("```\n", open));
    }

    @Test
    @DisplayName("the README's check output is what check prints, but for the time")
    void textSample() throws Exception {
        String shown = blockAfter("`./shootdown check " + MODEL + "` prints");
        assertThat(Main.run(new String[] {"check", MODEL})).isEqualTo(Main.VIOLATION);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).containsPattern(TIMING);
        assertThat(shown.replaceAll(TIMING, "TIME")).isEqualTo(printed.replaceAll(TIMING, "TIME"));
    }

    @Test
    @DisplayName("every key, step and value of the README's abridged check --json is in what check --json prints")
    void jsonSample() throws Exception {
        String shown = blockAfter("`check --json` prints one object; for the example above");
        assertThat(Main.run(new String[] {"check", MODEL, "--json"})).isEqualTo(Main.VIOLATION);
        ObjectMapper json = new ObjectMapper();
        JsonNode printed = json.readTree(out.toString(StandardCharsets.UTF_8));

        List<String> keys = new ArrayList<>();
        Matcher top = Pattern.compile("(?m)^  \"([a-z_]+)\":").matcher(shown);
        while (top.find()) {
            keys.add(top.group(1));
        }
        assertThat(keys).contains("file", "verdict", "counterexample", "relevant_steps", "initial_state");
        keys.forEach(k -> assertThat(printed.has(k)).as("key %s", k).isTrue());
        for (String k : List.of("file", "verdict", "states", "transitions", "depth", "deepest_level_finished", "spilled_states", "complete",
                "violation_note", "reductions", "properties", "relevant_steps", "relevant_cpus")) {
            Matcher m = Pattern.compile("\"" + k + "\": (\\{[^\\n]*\\}|\\[[^\\n]*\\]|\"[^\"]*\"|[0-9.eE-]+|true|false)").matcher(shown);
            assertThat(m.find()).as("README shows %s", k).isTrue();
            assertThat(json.readTree(m.group(1))).as(k).isEqualTo(printed.get(k));
        }

        Matcher steps = Pattern.compile("\\{ \"step\": ([0-9]+), \"cpu\": ([0-9]+), \"action\": \"([^\"]*)\", \"note\": \"([^\"]*)\", \"line\": ([0-9]+)").matcher(shown);
        int seen = 0;
        while (steps.find()) {
            JsonNode step = printed.get("counterexample").get(Integer.parseInt(steps.group(1)) - 1);
            assertThat(step.get("cpu").asInt()).isEqualTo(Integer.parseInt(steps.group(2)));
            assertThat(step.get("action").asText()).isEqualTo(steps.group(3));
            assertThat(step.get("note").asText()).isEqualTo(steps.group(4));
            assertThat(step.get("line").asInt()).isEqualTo(Integer.parseInt(steps.group(5)));
            seen++;
        }
        assertThat(seen).isEqualTo(2);
        JsonNode first = printed.get("counterexample").get(0);
        for (String k : List.of("reads", "changed")) {
            Matcher m = Pattern.compile("\"" + k + "\": (\\{[^\\n]*\\}|\\[[^\\n]*\\])").matcher(shown);
            assertThat(m.find()).as("README shows step 1's %s", k).isTrue();
            assertThat(json.readTree(m.group(1))).as(k).isEqualTo(first.get(k));
        }
        assertThat(first.get("relevant").asBoolean()).isTrue();
        JsonNode state = first.get("state");
        assertThat(state.get("ptes")).isEqualTo(json.readTree("{ \"p\": \"f RW A D\" }"));
        assertThat(state.get("frames")).isEqualTo(json.readTree("{ \"f\": \"A modified\" }"));
        assertThat(state.get("mm_cpumask")).isEqualTo(json.readTree("{ \"A\": \"{cpu0,cpu1}\" }"));
        assertThat(state.get("cpus").get(1).get("tlb")).isEqualTo(json.readTree("{ \"p\": \"f RW A D\" }"));
        assertThat(shown).contains("\"tlb\": { \"p\": \"f RW A D\" }", "\"frames\": { \"f\": \"A modified\" }", "\"locals\": { \"va\": \"p\" }");
    }
}
