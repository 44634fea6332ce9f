package dev.shootdown.lang;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.model.Compiler;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A file saved with \r\n or \r line endings is the same model as with \n: same verdict, same states, same error positions. */
class LineEndingsTest {
    private static final Path TOUR = Path.of("docs/examples/mprotect-no-wait.sd");

    private static CheckResult check(String text) {
        return new BfsExplorer(Compiler.compile(Parser.parse(new SourceFile("tour.sd", text))), CheckOptions.defaults()).run();
    }

    private static String tour() throws IOException {
        return Files.readString(TOUR, StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "ending {index}")
    @ValueSource(strings = {"\r\n", "\r"})
    @DisplayName("the tour model gives the same verdict and state count with \\r\\n and \\r endings")
    void tourModelIsTheSameModel(String ending) throws IOException {
        CheckResult lf = check(tour());
        CheckResult other = check(tour().replace("\n", ending));

        assertThat(lf.verdict().word()).isEqualTo("write_after_protect");
        assertThat(other.verdict()).isEqualTo(lf.verdict());
        assertThat(other.stats().states()).isEqualTo(lf.stats().states());
        assertThat(other.stats().transitions()).isEqualTo(lf.stats().transitions());
        assertThat(other.violations().get(0).depth()).isEqualTo(lf.violations().get(0).depth());
    }

    @ParameterizedTest(name = "ending {index}")
    @ValueSource(strings = {"\r\n", "\r"})
    @DisplayName("an error has the same line:column and the printed line holds no \\r")
    void errorPositionIsTheSame(String ending) throws IOException {
        // A typo on line 21 (cpu 1's program), after comments and a multi-line model.
        String bad = tour().replace("loop { write(p) }", "loop { writ(p) }");
        CompileError lf = catchThrowableOfType(() -> Compiler.compile(Parser.parse(new SourceFile("tour.sd", bad))), CompileError.class);
        CompileError other = catchThrowableOfType(() -> Compiler.compile(Parser.parse(new SourceFile("tour.sd", bad.replace("\n", ending)))), CompileError.class);

        assertThat(lf.position().line()).isEqualTo(21);
        assertThat(other.position().line()).isEqualTo(lf.position().line());
        assertThat(other.position().column()).isEqualTo(lf.position().column());
        assertThat(other.render()).isEqualTo(lf.render()).doesNotContain("\r");
    }

    @Test
    @DisplayName("a // comment, a \"...\" string and a knob's value end at a lone \\r")
    void lineRulesSeeALoneCr() {
        String text = "title \"x\" // a comment\rhardware x86 { cpus 2 }\rmm A { page p -> frame f writable }\r"
                + "cpu 0 runs A: { write(p) } # another\rcpu 1 runs A: { read(p) }\r";
        CheckResult r = check(text);
        assertThat(r.verdict().word()).isEqualTo("safe");
        assertThat(r.stats().states()).isGreaterThan(1).isEqualTo(check(text.replace('\r', '\n')).stats().states());

        CompileError knob = catchThrowableOfType(() -> Compiler.compile(Parser.parse(new SourceFile("k.sd", "hardware x86 { cpus\r2 }\r"))), CompileError.class);
        assertThat(knob).as("the value is not on the knob's line").isNotNull();
        assertThat(knob.position().line()).isEqualTo(2);

        CompileError unterminated = catchThrowableOfType(() -> Parser.parse(new SourceFile("s.sd", "title \"open\rhardware x86 { }\"")), CompileError.class);
        assertThat(unterminated.getMessage()).startsWith("unterminated string: a \"...\" string ends on its line");
    }

    @Test
    @DisplayName("a \"\"\"...\"\"\" string holds \\n line breaks whatever the file's endings")
    void tripleQuotedStringsAreNormalised() {
        String explain = "explain \"\"\"\r\nfirst line\r\nsecond line\rthird\r\n\"\"\"\nhardware x86 { cpus 1 }\n";
        Decl.Meta m = (Decl.Meta) Parser.parse(new SourceFile("e.sd", explain)).decls().get(0);
        assertThat(m.value()).isEqualTo("first line\nsecond line\nthird");
    }
}
