package dev.shootdown.cli;

import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deep input through the command line: what ended in a StackOverflowError or an OutOfMemoryError
 * (exit 1, a Java stack trace) is a positioned error with exit 2; what the parser accepts at its
 * limits runs every pass, counterexample reports included, on half the JVM's default stack.
 */
class DeepInputTest {
    private static final String HEAD = "hardware x86 { cpus 2 }\nmm A { page p -> frame f writable }\nshared x = 0\n";
    /**
     * Half the main thread's default 1 MiB (x86-64 Linux): the margin every accepted input must leave.
     * Frames are larger once C2 has inlined the compiler's expression methods (about 800 bytes a
     * level were seen), so a quarter is too tight for a JVM that has run other tests first.
     */
    private static final long SMALL_STACK = 512 * 1024;

    private static String calls(int n, int fanout, String leaf) {
        StringBuilder b = new StringBuilder(HEAD);
        for (int i = 0; i < n; i++) {
            b.append("proc p").append(i).append("() {").append((" p" + (i + 1) + "();").repeat(fanout)).append(" }\n");
        }
        return b.append("proc p").append(n).append("() { ").append(leaf).append(" }\n").toString();
    }

    @Test
    @DisplayName("the inputs that crashed: 676 ifs, 920 parentheses, 1,292 blocks, 1,885 terms, 528 calls, 16 doubling calls: exit 2 at a position")
    void crashesAreErrors(@TempDir Path dir) throws IOException {
        Map<String, String> models = new LinkedHashMap<>();
        models.put("ifs", HEAD + "cpu 0 runs A: {\n" + "if x == 0 { ".repeat(676) + "read(p)" + " }".repeat(676) + "\n}\n");
        models.put("parens", HEAD + "cpu 0 runs A: x = " + "(".repeat(920) + "1" + ")".repeat(920) + "\n");
        models.put("blocks", HEAD + "cpu 0 runs A: " + "{".repeat(1292) + "read(p)" + "}".repeat(1292) + "\n");
        models.put("terms", HEAD + "cpu 0 runs A: x = " + "x + ".repeat(1884) + "1\n");
        models.put("chain", calls(528, 1, "read(p)") + "cpu 0 runs A: p0()\n");
        models.put("doubling", calls(16, 2, "t = ptep_get(p); write(p)") + "cpu 0 runs A: p0()\n");
        for (Map.Entry<String, String> m : models.entrySet()) {
            Path f = dir.resolve(m.getKey() + ".sd");
            Files.writeString(f, m.getValue());

            MainTest.Run r = MainTest.run("check", f.toString());

            assertThat(r.exit()).as(m.getKey() + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).as(m.getKey()).startsWith(f + ":").containsPattern("^\\S+:\\d+:\\d+: \\D*(100|32|4096|65536|1000000)\\b")
                    .doesNotContain("internal error", "Exception", "\tat ");
        }
    }

    /** Runs the CLI on a thread with a small stack; a StackOverflowError there fails the test instead of the JVM's main thread. */
    private static MainTest.Run runOnSmallStack(String... args) throws InterruptedException {
        AtomicReference<MainTest.Run> run = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                run.set(MainTest.run(args));
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "small-stack", SMALL_STACK);
        t.start();
        t.join();
        assertThat(failure.get()).as("thrown on a %d KiB stack", SMALL_STACK / 1024).isNull();
        return run.get();
    }

    /** The model of the largest {@code n} the parser accepts: each shape at the nesting limit itself. */
    private static String deepest(IntFunction<String> shape) {
        int n = 1;
        while (n < 1000) {
            try {
                Parser.parse(new SourceFile("t.sd", shape.apply(n + 1)));
            } catch (CompileError e) {
                assertThat(e.getMessage()).startsWith("nested too deeply");
                return shape.apply(n);
            }
            n++;
        }
        throw new AssertionError("no limit reached: " + shape.apply(n));
    }

    @Test
    @DisplayName("models at the nesting and call limits check and report their counterexamples on a small stack")
    void acceptedInputsRunEveryPass(@TempDir Path dir) throws Exception {
        Map<String, String> models = new LinkedHashMap<>();
        models.put("ifs", deepest(n -> HEAD + "cpu 0 runs A: " + "if x == 0 { ".repeat(n) + "assert x + 1 == 0" + " }".repeat(n) + "\n"));
        models.put("else-ifs", deepest(n -> HEAD + "cpu 0 runs A: { write(p); if x == 1 { read(p) }" + " else if x == 1 { read(p) }".repeat(n) + " else { assert false } }\n"));
        models.put("loops", deepest(n -> HEAD + "cpu 0 runs A: " + "for c in all_cpus { repeat 1 { ".repeat(n) + "assert x == 1" + " } }".repeat(n) + "\n"));
        models.put("chain", deepest(n -> HEAD + "cpu 0 runs A: { write(p); assert " + "x + ".repeat(n) + "1 == 0 }\n"));
        models.put("right-chain", deepest(n -> HEAD + "cpu 0 runs A: { write(p); assert " + "x + (".repeat(n) + "1" + ")".repeat(n) + " == 0 }\n"));
        models.put("parens", deepest(n -> HEAD + "cpu 0 runs A: { write(p); assert " + "(".repeat(n) + "x == 1" + ")".repeat(n) + " }\n"));
        models.put("unary", deepest(n -> HEAD + "cpu 0 runs A: { write(p); x = " + "-".repeat(n) + "1; assert !" + "!".repeat(n) + "(x == 0) }\n"));
        // No field chain is well typed (a frame has no fields): its type error is found all the way down.
        models.put("fields", deepest(n -> HEAD + "cpu 0 runs A: { t = ptep_get(p); assert t" + ".pfn".repeat(n) + " == f }\n"));
        models.put("sets", deepest(n -> HEAD + "cpu 0 runs A: { write(p); assert count(" + "{c in ".repeat(n) + "all_cpus" + " : true}".repeat(n) + ") == 0 }\n"));
        models.put("index", deepest(n -> HEAD + "percpu y = 0\ncpu 0 runs A: { write(p); assert " + "y[".repeat(n) + "0" + "]".repeat(n) + " == 1 }\n"));
        models.put("invariant", deepest(n -> HEAD + "invariant " + "x + ".repeat(n) + "1 == 1\ncpu 0 runs A: { x = 1 }\n"));
        // 32 calls deep, each body a few levels: the inlined whole close to the limit.
        StringBuilder chain = new StringBuilder(HEAD);
        for (int i = 0; i < 31; i++) {
            chain.append("proc p").append(i).append("() { p").append(i + 1).append("() }\n");
        }
        chain.append("proc p31() { if x == 0 { assert " + "x + ".repeat(40) + "1 == 0 } }\n");
        models.put("calls", chain + "cpu 0 runs A: { read(p); p0() }\ncpu 1 runs A: loop { x = 0 }\n");
        for (Map.Entry<String, String> m : models.entrySet()) {
            Path f = dir.resolve(m.getKey() + ".sd");
            Files.writeString(f, m.getValue());
            for (String[] args : new String[][] {{"check", f.toString()}, {"check", f.toString(), "--json"},
                    {"check", f.toString(), "--html", dir.resolve(m.getKey() + ".html").toString(), "--mermaid", dir.resolve(m.getKey() + ".mmd").toString()}}) {
                MainTest.Run r = runOnSmallStack(args);
                if (m.getKey().equals("fields")) {
                    assertThat(r.err()).startsWith(f + ":4:43: expected a pte for '.pfn', found a frame");
                    continue;
                }
                assertThat(r.exit()).as(String.join(" ", args) + ":\n" + r.err()).isIn(0, 1);
                assertThat(r.err()).as(String.join(" ", args)).doesNotContain("internal error", "Exception", "\tat ");
            }
        }
    }
}
