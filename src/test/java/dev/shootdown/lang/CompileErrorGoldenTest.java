package dev.shootdown.lang;

import dev.shootdown.model.Compiler;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Golden files for the language's errors (Truffle SimpleLanguage style): each
 * {@code src/test/resources/errors/*.sd} is a small bad model and the {@code .err} next to it is the
 * exact error a user sees: "file:line:column: message", the line, a caret under the column.
 * {@code known-bugs.txt} lists files whose message is still wrong in the checker.
 */
class CompileErrorGoldenTest {
    private static final Path DIR = Path.of("src/test/resources/errors");

    static Stream<String> models() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sd")).sorted().toList().stream();
        }
    }

    static Map<String, String> knownBugs() throws IOException {
        return Files.readAllLines(DIR.resolve("known-bugs.txt"), StandardCharsets.UTF_8).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1).strip()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void errorMatchesGoldenFile(String model) throws IOException {
        String text = Files.readString(DIR.resolve(model), StandardCharsets.UTF_8);
        String expected = stripFinalNewline(Files.readString(DIR.resolve(model.replaceAll("\\.sd$", ".err")), StandardCharsets.UTF_8));
        SourceFile source = new SourceFile("errors/" + model, text);

        CompileError error = catchThrowableOfType(() -> Compiler.compile(Parser.parse(source)), CompileError.class);

        assertThat(error).as("%s must be rejected with a CompileError", model).isNotNull();
        String actual = error.render();
        String bug = knownBugs().get(model);
        if (bug == null) {
            assertThat(actual).isEqualTo(expected);
            return;
        }
        // Known wrong message: the place, the line and the caret must still be right.
        assertThat(location(actual)).isEqualTo(location(expected));
        assertThat(actual.lines().skip(1).toList()).isEqualTo(expected.lines().skip(1).toList());
        assertThat(actual)
                .as("%s now gives the expected message: remove it from known-bugs.txt", model)
                .isNotEqualTo(expected);
        Assumptions.abort("known bug: " + bug + "\n  expected: " + expected.lines().findFirst().orElseThrow()
                + "\n  actual:   " + actual.lines().findFirst().orElseThrow());
    }

    @Test
    @DisplayName("every bad model has its .err, every .err its model, every known bug its model")
    void goldenFilesComeInPairs() throws IOException {
        List<String> names;
        try (Stream<Path> files = Files.list(DIR)) {
            names = files.map(p -> p.getFileName().toString()).toList();
        }
        List<String> models = names.stream().filter(n -> n.endsWith(".sd")).map(n -> n.substring(0, n.length() - 3)).sorted().toList();
        List<String> errs = names.stream().filter(n -> n.endsWith(".err")).map(n -> n.substring(0, n.length() - 4)).sorted().toList();
        assertThat(errs).isEqualTo(models);
        assertThat(models).hasSizeGreaterThanOrEqualTo(20);
        assertThat(names).containsAll(knownBugs().keySet());
    }

    @Test
    @DisplayName("the caret keeps tabs so that it lines up under the column in a terminal")
    void caretKeepsTabs() {
        SourceFile source = new SourceFile("t.sd", "hardware x86 { cpus 1 }\n\t\tx = 1 @\n");
        CompileError error = catchThrowableOfType(() -> Parser.parse(source), CompileError.class);
        assertThat(error.render()).isEqualTo("t.sd:2:9: unexpected character '@'\n\t\tx = 1 @\n\t\t      ^");
    }

    /** "file:line:column" of the first line: the message starts after the third colon. */
    private static String location(String rendered) {
        String first = rendered.lines().findFirst().orElseThrow();
        int at = -1;
        for (int i = 0; i < 3; i++) {
            at = first.indexOf(':', at + 1);
        }
        return first.substring(0, at);
    }

    private static String stripFinalNewline(String s) {
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
}
