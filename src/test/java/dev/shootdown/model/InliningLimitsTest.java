package dev.shootdown.model;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Lexer;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Limits on what inlining and a model's declarations may grow to: each is a CompileError at a
 * position with the limit in its message, where there was a StackOverflowError, an OutOfMemoryError
 * or, past the bits the engines pack a handler or an address space into, a wrong verdict.
 */
class InliningLimitsTest {
    private static final String HEAD = "hardware x86 { cpus 1 }\nmm A { page p -> frame f writable }\n";

    private static CompileError error(String text) {
        return catchThrowableOfType(() -> Compiler.compile(Parser.parse(new SourceFile("t.sd", text))), CompileError.class);
    }

    /** Procedures p0 .. p(n-1), each calling the next {@code fanout} times; p(n) has {@code leaf} as its body. */
    private static String calls(int n, int fanout, String leaf) {
        StringBuilder b = new StringBuilder(HEAD);
        for (int i = 0; i < n; i++) {
            b.append("proc p").append(i).append("() {").append((" p" + (i + 1) + "();").repeat(fanout)).append(" }\n");
        }
        return b.append("proc p").append(n).append("() { ").append(leaf).append(" }\n").toString();
    }

    @Test
    @DisplayName("a size limit crossed inside an invariant points at the invariant (it had no position, and printing it crashed)")
    void limitInAnInvariantHasAPosition() {
        StringBuilder tree = new StringBuilder();
        balanced(tree, 4200);
        CompileError e = error(HEAD + "shared x = 0\ninvariant " + tree + "\ncpu 0 runs A: read(p)\n");
        assertThat(e.position()).isNotNull();
        assertThat(e.position().line()).isEqualTo(4);
        assertThat(e.getMessage()).contains("locals in an invariant");
        assertThat(e.render()).startsWith("t.sd:4:");
    }

    /** {@code n} set comprehensions joined by || in a balanced tree: shallow enough for the parser, many locals. */
    private static void balanced(StringBuilder b, int n) {
        if (n == 1) {
            b.append("({c in all_cpus : x == 0} == all_cpus)");
            return;
        }
        b.append('(');
        balanced(b, n / 2);
        b.append(" || ");
        balanced(b, n - n / 2);
        b.append(')');
    }

    @Test
    @DisplayName("a chain of 528 calls: an error at the 33rd call (the compiler overflowed its stack)")
    void callDepth() {
        CompileError e = error(calls(528, 1, "read(p)") + "cpu 0 runs A: p0()\n");

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).startsWith("procedure calls nested more than 32 deep (procedures are inlined at each call; 'p0' starts this chain at t.sd:532:15)");
        assertThat(e.position().line()).as("the call in p31").isEqualTo(3 + 31);

        // The CPU's call of p0 and the 31 calls from p0 to p31: 32 deep.
        Program ok = Compiler.compile(Parser.parse(new SourceFile("t.sd", calls(31, 1, "read(p)") + "cpu 0 runs A: p0()\n")));
        assertThat(ok.cpuPrograms().get(0).insns()).hasSize(2);
    }

    @Test
    @DisplayName("16 procedures calling the next twice: an error at the CPU's call, not an OutOfMemoryError in Liveness")
    void exponentialInlining() {
        CompileError e = error(calls(16, 2, "x = ptep_get(p); write(p)") + "cpu 0 runs A: p0()\n");

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).startsWith("the model is too large once procedures are inlined (each call is a copy of the procedure's body): more than ");
        assertThat(e.position().line()).isEqualTo(3 + 17);
        assertThat(e.position().column()).isEqualTo(15);
    }

    @Test
    @DisplayName("copies of bodies that compile to no instruction, or of wide expressions, still count: too many terms, not a compile that never ends")
    void termsCount() {
        CompileError empty = error(calls(10, 2, "{} ".repeat(1000)) + "cpu 0 runs A: { read(p); p0() }\n");
        assertThat(empty).isNotNull();
        assertThat(empty.getMessage()).endsWith("more than 1000000 statements and expression terms");
        assertThat(empty.position().column()).isEqualTo(26);

        CompileError wide = error(calls(10, 2, "s = {" + "0, ".repeat(1000) + "0}") + "shared s = {0}\ncpu 0 runs A: { read(p); p0() }\n");
        assertThat(wide).isNotNull();
        assertThat(wide.getMessage()).endsWith("more than 1000000 statements and expression terms");
    }

    @Test
    @DisplayName("instructions count over the whole model, locals over one body")
    void instructionsAndLocals() {
        StringBuilder b = new StringBuilder("hardware x86 { cpus 16 }\nmm A { page p -> frame f writable }\n");
        for (int c = 0; c < 16; c++) {
            b.append("cpu ").append(c).append(" runs A: {").append(" repeat 1 { }".repeat(1100)).append(" }\n");
        }
        CompileError insns = error(b.toString());
        assertThat(insns).isNotNull();
        assertThat(insns.getMessage()).endsWith("more than 65536 instructions");

        CompileError locals = error(HEAD + "cpu 0 runs A: {" + " repeat 1 { }".repeat(4097) + " }\n");
        assertThat(locals).isNotNull();
        assertThat(locals.getMessage()).endsWith("more than 4096 locals in cpu0's program (each call's parameters and result count)");
    }

    @Test
    @DisplayName("a body within the parser's limit, inlined deep in another: the levels add up to an error at the call")
    void nestingThroughCalls() {
        String deep = "if x == 0 { ".repeat(30) + "read(p)" + " }".repeat(30);
        CompileError e = error(HEAD + "shared x = 0\nproc q() { " + deep + " }\ncpu 0 runs A: { " + deep.replace("read(p)", "q()") + " }\n");

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).isEqualTo("nested too deeply once 'q' is inlined here: at most 100 levels of blocks and statements, counting those around each call");
        assertThat(e.position().line()).isEqualTo(5);
        assertThat(e.position().column()).isEqualTo(17 + 30 * "if x == 0 { ".length());
    }

    @Test
    @DisplayName("65 handlers, 255 address spaces, 65,537 pages or frames: errors (64 handlers and 254 address spaces check right)")
    void declarationCounts() {
        StringBuilder h = new StringBuilder("hardware x86 { cpus 2 }\nmm A { page p -> frame f writable }\npercpu got = 0\n");
        for (int i = 0; i < 64; i++) {
            h.append("irq h").append(i).append("(from) { got = ").append(i).append("; ack(from) }\n");
        }
        String last = "cpu 0 runs A: { send_ipi({1}, h63); wait until acked({1}); assert got[1] == 63, \"h63 ran\" }\n";
        // The 64th handler's IPI used to spill into the action's CPU bits: an assertion failed that holds.
        assertThat(new BfsExplorer(Compiler.compile(Parser.parse(new SourceFile("t.sd", h + last))), CheckOptions.defaults()).run().verdict())
                .isEqualTo(Verdict.SAFE);
        CompileError handlers = error(h + "irq h64(from) { ack(from) }\n" + last);
        assertThat(handlers.getMessage()).isEqualTo("too many IRQ handlers: a model has at most 64");
        assertThat(handlers.position().line()).isEqualTo(68);

        StringBuilder m = new StringBuilder("hardware x86 { cpus 1 }\n");
        for (int i = 0; i < 254; i++) {
            m.append("mm M").append(i).append(" { page p").append(i).append(" -> frame f").append(i).append(" writable }\n");
        }
        // Address space 253's owner byte was 254, the next one's the kernel's 255: its own frame read as not its own.
        assertThat(new BfsExplorer(Compiler.compile(Parser.parse(new SourceFile("t.sd", m + "cpu 0 runs M253: { read(p253) }\n"))), CheckOptions.defaults())
                .run().verdict()).isEqualTo(Verdict.SAFE);
        CompileError mms = error(m + "mm M254 { page p254 -> frame f254 writable }\ncpu 0 runs M254: { read(p254) }\n");
        assertThat(mms.getMessage()).isEqualTo("too many address spaces: a model has at most 254");
        assertThat(mms.position().line()).isEqualTo(256);

        StringBuilder pages = new StringBuilder("hardware x86 { cpus 1 }\nmm A {\n");
        for (int i = 0; i <= 65_536; i++) {
            pages.append("page p").append(i).append(" -> frame f\n");
        }
        CompileError tooManyPages = error(pages + "}\ncpu 0 runs A: read(p0)\n");
        assertThat(tooManyPages.getMessage()).isEqualTo("too many pages: a model has at most 65536");
        assertThat(tooManyPages.position().line()).isEqualTo(3 + 65_536);

        StringBuilder frames = new StringBuilder(HEAD + "frames g0");
        for (int i = 1; i < 65_536; i++) {
            frames.append(", g").append(i);
        }
        CompileError tooManyFrames = error(frames + "\ncpu 0 runs A: read(p)\n");
        assertThat(tooManyFrames.getMessage()).isEqualTo("too many frames: a model has at most 65536");
    }

    @Test
    @DisplayName("more than a million tokens: an error at the first one too many")
    void tokenCount() {
        CompileError e = catchThrowableOfType(() -> Parser.parse(new SourceFile("t.sd", HEAD + ";".repeat(Lexer.MAX_TOKENS))), CompileError.class);

        assertThat(e.getMessage()).isEqualTo("too many tokens: a model has at most 1000000 words, numbers and symbols");
        assertThat(e.position().line()).isEqualTo(3);
        // The header has 16 tokens: the first one too many is semicolon 1,000,001 - 16.
        assertThat(e.position().column()).isEqualTo(Lexer.MAX_TOKENS + 1 - 16);
    }
}
