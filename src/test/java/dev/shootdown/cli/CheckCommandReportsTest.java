package dev.shootdown.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code check FILE --html OUT --mermaid OUT}: files written, terminal output and exit codes kept, write errors reported. */
class CheckCommandReportsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @TempDir
    Path dir;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    @Test
    void writesBothFilesAndKeepsTheTimelineAndExitCode() throws Exception {
        Path html = dir.resolve("cx.html");
        Path mmd = dir.resolve("cx.mmd");
        int code = Main.run(new String[] {"check", "catalog/000-pte-first-no-wait.sd", "--html", html.toString(), "--mermaid", mmd.toString()});
        assertThat(code).isEqualTo(Main.VIOLATION);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Shortest counterexample (6 steps)", "!! use_after_free at step 6");
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>").contains("id=\"step-6\"");
        assertThat(Files.readString(mmd)).startsWith("sequenceDiagram\n").contains("rect rgb(");
    }

    @Test
    void formatMailPrintsTheRelevantStepsIn80ColumnsAndKeepsTheExitCode() throws Exception {
        int code = Main.run(new String[] {"check", "catalog/004-gup-fast-tlbie-free.sd", "--format", "mail"});
        assertThat(code).isEqualTo(Main.VIOLATION);
        String mail = out.toString(StandardCharsets.UTF_8);
        assertThat(mail).startsWith("gup_fast against broadcast invalidation").contains("catalog/004-gup-fast-tlbie-free.sd: walk_of_freed_table",
                "now cpu1.locals.gup_fast.pmd", "Shown: the 7 of 10 steps").doesNotContain("distinct states", "local_irq_disable()");
        assertThat(mail.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
    }

    @Test
    void timelineOptionsAndFormatJson() throws Exception {
        int code = Main.run(new String[] {"check", "catalog/003-lazy-2016-cpumask-clear.sd", "--show-state", "--fold", "--relevant"});
        assertThat(code).isEqualTo(Main.VIOLATION);
        String text = out.toString(StandardCharsets.UTF_8).replaceAll("\\s+\\|\\s+", " ").replaceAll("\\s+", " ");
        assertThat(text).contains("Shortest counterexample (14 steps)", "now cpu1.pwc.t0 = pt0 RW", "Shown: the ").doesNotContain("flush_tlb_all()");
        out.reset();
        assertThat(Main.run(new String[] {"check", "catalog/003-lazy-2016-cpumask-clear.sd", "--format", "json"})).isEqualTo(Main.VIOLATION);
        String json = out.toString(StandardCharsets.UTF_8);
        assertThat(json).contains("\"relevant_steps\"", "\"state\"", "\"changed\"", "\"reads\"", "\"pwc\"");
        out.reset();
        assertThat(Main.run(new String[] {"check", "catalog/003-lazy-2016-cpumask-clear.sd", "--json"})).isEqualTo(Main.VIOLATION);
        assertThat(out.toString(StandardCharsets.UTF_8).replaceAll("\"seconds\" : [0-9.E-]+", "")).isEqualTo(json.replaceAll("\"seconds\" : [0-9.E-]+", ""));
        out.reset();
        assertThat(Main.run(new String[] {"check", "catalog/003-lazy-2016-cpumask-clear.sd", "--format", "html"})).isEqualTo(Main.BAD_INPUT);
    }

    @Test
    void aSafeModelStillGetsAPageAndExitsZero() throws Exception {
        Path html = dir.resolve("safe.html");
        int code = Main.run(new String[] {"check", "catalog/000-pte-first-wait.sd", "--json", "--html", html.toString()});
        assertThat(code).isEqualTo(Main.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"verdict\"");
        assertThat(Files.readString(html)).contains("verdict good").doesNotContain("id=\"timeline\"");
    }

    @Test
    void anUnwritableOutputIsAClearErrorWithExitTwoAfterTheNormalOutput() {
        Path html = dir.resolve("no-such-dir").resolve("cx.html");
        int code = Main.run(new String[] {"check", "catalog/000-pte-first-no-wait.sd", "--html", html.toString()});
        assertThat(code).isEqualTo(Main.BAD_INPUT);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("!! use_after_free at step 6");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("shootdown: cannot write " + html + ": no such directory");
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("Exception");
    }

    @Test
    void aDirectoryAsOutputIsAnErrorToo() {
        int code = Main.run(new String[] {"check", "catalog/000-pte-first-no-wait.sd", "--mermaid", dir.toString()});
        assertThat(code).isEqualTo(Main.BAD_INPUT);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("shootdown: cannot write " + dir);
    }
}
