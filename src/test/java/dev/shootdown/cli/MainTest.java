package dev.shootdown.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI's contract: exit 0 holds, 1 violation, 2 bad input; user mistakes print as messages, never stack traces. */
class MainTest {

    /** What one run printed and returned. */
    record Run(int exit, String out, String err) {}

    /** A run whose stderr counts as no terminal (it is captured), as in CI. */
    static Run run(String... args) {
        return run(false, args);
    }

    static Run run(boolean stderrTerminal, String... args) {
        return capture(() -> Main.run(args, stderrTerminal));
    }

    /** What {@code command} printed and returned; stdout and stderr are captured while it runs. */
    static Run capture(java.util.function.IntSupplier command) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = command.getAsInt();
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    @DisplayName("a bad model: exit 2, the rendered error on stderr, no stack trace")
    void badModelIsExit2WithoutStackTrace() throws IOException {
        String file = "src/test/resources/errors/lex-bad-char.sd";
        String golden = Files.readString(Path.of("src/test/resources/errors/lex-bad-char.err"), StandardCharsets.UTF_8)
                .replace("errors/lex-bad-char.sd", file);

        Run r = run("check", file);

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().replace("\r\n", "\n")).isEqualTo(golden);
        assertThat(r.out()).isEmpty();
    }

    @Test
    @DisplayName("a checker error deep in the compiler is also exit 2 without a stack trace")
    void checkerErrorIsExit2() {
        Run r = run("check", "src/test/resources/errors/recursion.sd");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("src/test/resources/errors/recursion.sd:4:44: recursive call of 'shoot'");
        assertThat(r.err()).doesNotContain("Exception", "\tat ");
    }

    @Test
    @DisplayName("a missing file: exit 2 and 'no such file', no stack trace")
    void missingFileIsExit2(@TempDir Path dir) {
        String file = dir.resolve("nope.sd").toString();

        Run r = run("check", file);

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(file + ": no such file").doesNotContain("Exception", "\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    @DisplayName("a violation is exit 1 and prints the counterexample")
    void violationIsExit1() {
        Run r = run("check", "catalog/000-pte-first-no-wait.sd");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("use_after_free", "Shortest counterexample (6 steps)");
    }

    @Test
    @DisplayName("a safe model is exit 0")
    void safeIsExit0(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("safe.sd");
        Files.writeString(file, """
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                irq flush_one(from) { flush_tlb_page(p); ack(from) }
                cpu 0 runs A: { old = ptep_get_and_clear(p); send_ipi({1}, flush_one); flush_tlb_page(p); wait until acked({1}); free_frame(old.pfn) }
                cpu 1 runs A: loop { read(p) }
                """);

        Run r = run("check", file.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("safe");
    }

    @Test
    @DisplayName("catalog DIR: exit 0 when every entry agrees, 1 when one does not")
    void catalogExitCodes(@TempDir Path dir) throws IOException {
        String entry = Files.readString(Path.of("catalog/000-pte-first-no-wait.sd"), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("a.sd"), entry);

        Run agree = run("catalog", dir.toString());
        assertThat(agree.exit()).as(agree.out() + agree.err()).isZero();
        assertThat(agree.out()).contains("1 of 1 entries agree");

        Files.writeString(dir.resolve("b.sd"), entry.replace("expect use_after_free", "expect safe"));
        Run disagree = run("catalog", dir.toString());
        assertThat(disagree.exit()).isEqualTo(1);
        assertThat(disagree.out()).contains("1 of 2 entries agree");
    }

    @Test
    @DisplayName("a usage error is exit 2")
    void usageErrorIsExit2() {
        assertThat(run("check").exit()).isEqualTo(2);
        assertThat(run("check", "--max-states", "0", "catalog/000-pte-first-no-wait.sd").exit()).isEqualTo(2);
    }

    @Test
    @DisplayName("a search stopped before it found anything says unknown, never safe, in every output")
    void aStoppedSearchIsNeverSafe() throws IOException {
        String safeModel = "catalog/000-pte-first-wait.sd";
        Run whole = run("check", "--json", safeModel);
        assertThat(whole.exit()).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(whole.out()).get("verdict").asText()).isEqualTo("safe");

        Run stopped = run("check", "--json", "--max-states", "5", safeModel);
        assertThat(stopped.exit()).isEqualTo(Main.INCOMPLETE);
        com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(stopped.out());
        assertThat(j.get("complete").asBoolean()).isFalse();
        assertThat(j.get("verdict").asText()).isEqualTo("unknown");

        Run mail = run("check", "--format", "mail", "--max-states", "5", safeModel);
        assertThat(mail.out()).contains(safeModel + ": unknown").doesNotContain(": safe");
    }
}
