package dev.shootdown;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.check.Violation;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import dev.shootdown.model.Compiler;
import dev.shootdown.model.Program;
import dev.shootdown.model.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every complete model in the documentation is a test. A complete model is a fenced block opened
 * with {@code ```sd} that has a {@code hardware} line; it must carry a comment line
 * {@code // verdict: VERDICT} or {@code // verdict: VERDICT, step N}, and the checker must give that
 * verdict (and, when a step is written, find the first violation of that property at that step).
 * Blocks opened with {@code ```sd} but without a {@code hardware} line are fragments and are skipped.
 */
class DocExamplesTest {
    private static final List<Path> DOCS = List.of(Path.of("README.md"), Path.of("docs/language.md"));
    private static final Pattern VERDICT = Pattern.compile("\\s*//\\s*verdict:\\s*([a-z_]+)(?:\\s*,\\s*step\\s+(\\d+))?\\s*");
    private static final Pattern HARDWARE = Pattern.compile("\\s*hardware\\b.*");
    /** Every doc model is small; a search this large means a model grew by mistake. */
    private static final long MAX_STATES = 200_000;

    /** A complete model of a doc: where it is, its text, and the verdict written in it (null if none). */
    record Example(String name, String source, String verdict, Integer step) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Example> examples(Path doc) {
        List<String> lines;
        try {
            lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals("```sd")) {
                continue;
            }
            int open = i + 1;
            StringBuilder text = new StringBuilder();
            boolean complete = false;
            String verdict = null;
            Integer step = null;
            int verdicts = 0;
            for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                String line = lines.get(i);
                text.append(line).append('\n');
                complete |= HARDWARE.matcher(line).matches();
                Matcher m = VERDICT.matcher(line);
                if (m.matches()) {
                    verdicts++;
                    verdict = m.group(1);
                    step = m.group(2) == null ? null : Integer.parseInt(m.group(2));
                }
            }
            if (i >= lines.size()) {
                throw new AssertionError(doc + ":" + open + ": the ```sd block is never closed");
            }
            if (verdicts > 1) {
                throw new AssertionError(doc + ":" + open + ": more than one '// verdict:' line");
            }
            if (complete) {
                out.add(new Example(doc + ":" + open, text.toString(), verdict, step));
            }
        }
        return out;
    }

    static Stream<Arguments> all() {
        return DOCS.stream().flatMap(d -> examples(d).stream()).map(e -> Arguments.of(e.name(), e));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void modelGivesTheVerdictWrittenInIt(String name, Example example) {
        assertThat(example.verdict()).as("%s: a complete model needs a line '// verdict: VERDICT'", name).isNotNull();
        Verdict expected = Verdict.byWord(example.verdict());
        assertThat(expected).as("%s: unknown verdict '%s'", name, example.verdict()).isNotNull();

        Program program = Compiler.compile(Parser.parse(new SourceFile(name, example.source())));
        CheckResult result = new BfsExplorer(program, CheckOptions.defaults().withMaxStates(MAX_STATES)).run();

        assertThat(result.verdict()).as("%s: verdict (%d states%s)", name, result.stats().states(),
                result.complete() ? "" : ", incomplete: " + result.stopReason()).isEqualTo(expected);
        if (expected == Verdict.SAFE) {
            assertThat(result.complete()).as("%s: a safe verdict needs a complete search (%s)", name, result.stopReason()).isTrue();
        }
        if (example.step() != null) {
            Violation v = result.violation(expected);
            assertThat(v).as("%s: a step is written, but there is no violation", name).isNotNull();
            assertThat(v.depth()).as("%s: step of the first %s", name, expected.word()).isEqualTo(example.step());
        }
    }

    @Test
    @DisplayName("the docs have their models: the README's tour and the language reference's examples")
    void docsHaveModels() {
        assertThat(examples(Path.of("README.md"))).hasSizeGreaterThanOrEqualTo(1);
        assertThat(examples(Path.of("docs/language.md"))).hasSizeGreaterThanOrEqualTo(30);
    }

    @Test
    @DisplayName("the README's tour shows docs/examples/mprotect-no-wait.sd as it is")
    void tourIsTheExampleFile() throws IOException {
        String file = Files.readString(Path.of("docs/examples/mprotect-no-wait.sd"), StandardCharsets.UTF_8);
        List<Example> readme = examples(Path.of("README.md"));

        assertThat(readme).extracting(Example::source).contains(file);
    }
}
