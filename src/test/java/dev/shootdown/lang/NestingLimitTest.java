package dev.shootdown.lang;

import dev.shootdown.model.Compiler;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The parser's nesting limit ({@link Parser#MAX_NESTING}): deep input is a positioned error naming
 * the limit, never a StackOverflowError in the parser or in a later pass; input up to the limit
 * parses, prints and hashes.
 */
class NestingLimitTest {
    private static final String HEAD = "hardware x86 { cpus 1 }\nmm A { page p -> frame f writable }\nshared x = 0\n";

    private static CompileError error(String text) {
        return catchThrowableOfType(() -> Compiler.compile(Parser.parse(new SourceFile("t.sd", text))), CompileError.class);
    }

    private static void assertTooDeep(CompileError e, int line) {
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).startsWith("nested too deeply: at most 100 levels of blocks, statements and expressions");
        assertThat(e.position().line()).isEqualTo(line);
    }

    @Test
    @DisplayName("676 nested ifs, 920 parentheses, 1,292 blocks: an error at the level past the limit (they overflowed the stack)")
    void deepStatementsAndParentheses() {
        CompileError ifs = error(HEAD + "cpu 0 runs A: {\n" + "if x == 0 { ".repeat(676) + "read(p)" + " }".repeat(676) + "\n}\n");
        assertTooDeep(ifs, 5);
        // Levels: the program's block 1, the k-th if 2k, its condition 2k + 1: the 50th if's condition is level 101.
        assertThat(ifs.position().column()).as("the condition of the 50th if").isEqualTo(1 + 49 * "if x == 0 { ".length() + 3);

        CompileError parens = error(HEAD + "cpu 0 runs A: x = " + "(".repeat(920) + "1" + ")".repeat(920) + "\n");
        assertTooDeep(parens, 4);
        // Levels: the assignment 1, its value 2, inside the k-th parenthesis 2 + k: the 99th opens level 101.
        assertThat(parens.position().column()).isEqualTo(19 + 99);

        assertTooDeep(error(HEAD + "cpu 0 runs A: " + "{".repeat(1292) + "read(p)" + "}".repeat(1292) + "\n"), 4);
        assertTooDeep(error(HEAD + "cpu 0 runs A: x = " + "-".repeat(5000) + "1\n"), 4);
        assertTooDeep(error(HEAD + "cpu 0 runs A: { if x == 1 { read(p) }" + " else if x == 1 { read(p) }".repeat(300) + " }\n"), 4);
    }

    @Test
    @DisplayName("a flat chain of 1,885 '+' terms is as deep as it is long: an error at the operator past the limit")
    void longLeftAssociativeChain() {
        CompileError plus = error(HEAD + "cpu 0 runs A: x = " + "1 + ".repeat(1884) + "1\n");
        assertTooDeep(plus, 4);
        // Levels: the assignment 1, its value's root 2: the 99th operator makes a chain 100 high, whose leaves are at level 101.
        assertThat(plus.position().column()).isEqualTo(19 + 98 * 4 + 2);

        assertTooDeep(error(HEAD + "cpu 0 runs A: assert " + "true && ".repeat(500) + "true\n"), 4);
        assertTooDeep(error(HEAD + "cpu 0 runs A: { o = ptep_get(p); b = o" + ".pfn".repeat(300) + " }\n"), 4);
        // A chain in parentheses at the bottom of another chain: the levels add up (at the top they would not).
        assertTooDeep(error(HEAD + "cpu 0 runs A: x = (" + "1 + ".repeat(50) + "1)" + " + 1".repeat(50) + "\n"), 4);
        assertThat(error(HEAD + "cpu 0 runs A: x = " + "1 + ".repeat(50) + "(" + "1 + ".repeat(50) + "1)\n")).isNull();
    }

    @Test
    @DisplayName("up to the limit, a model parses, and its tree prints, hashes and compares without overflowing")
    void atTheLimitEveryPassWorks() {
        // Levels: the assignment 1, its value's root 2: 98 operators put the leaves at level 100.
        SourceFile chain = new SourceFile("t.sd", HEAD + "cpu 0 runs A: x = " + "1 + ".repeat(98) + "1\n");
        ModelFile m = Parser.parse(chain);
        Stmt.Assign a = (Stmt.Assign) ((Decl.Cpu) m.decls().get(m.decls().size() - 1)).body();
        assertThat(Printer.head(a)).startsWith("x = ((((").hasSize("x = ".length() + 99 + 98 * 3 + 2 * 97);
        assertThat(a).isEqualTo(((Decl.Cpu) Parser.parse(chain).decls().get(m.decls().size() - 1)).body()).hasSameHashCodeAs(a);
        assertThat(Compiler.compile(m).cpuPrograms().get(0).insns()).hasSize(2);
        assertTooDeep(error(HEAD + "cpu 0 runs A: x = " + "1 + ".repeat(99) + "1\n"), 4);

        // Levels: the k-th if is 2k - 1, its block 2k; in the 48th block, read(p) is 97, the call 98 and p 99.
        String ifs = HEAD + "cpu 0 runs A: " + "if x == 0 { ".repeat(48) + "read(p)" + " }".repeat(48) + "\n";
        assertThat(Compiler.compile(Parser.parse(new SourceFile("t.sd", ifs))).cpuPrograms().get(0).insns()).hasSize(48 + 2);
        CompileError e = error(HEAD + "cpu 0 runs A: " + "if x == 0 { ".repeat(49) + "read(p)" + " }".repeat(49) + "\n");
        assertTooDeep(e, 4);
        assertThat(e.position().column()).as("p in read(p)").isEqualTo(15 + 49 * "if x == 0 { ".length() + 5);
    }
}
