package dev.shootdown.model;

import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A model in which no CPU runs anything is an error at a position, not "safe (all 1 reachable states explored)". */
class NothingToRunTest {
    private static final String HEAD = "hardware x86 { cpus 2 }\nmm A { page p -> frame f writable }\nirq h(from) { ack(from) }\nproc nothing() { {} }\n";

    private static CompileError error(String text) {
        return catchThrowableOfType(() -> Compiler.compile(Parser.parse(new SourceFile("t.sd", text))), CompileError.class);
    }

    @Test
    @DisplayName("no 'cpu ... runs' line: an error at the hardware declaration")
    void noCpuLine() {
        CompileError e = error(HEAD);

        assertThat(e).isNotNull();
        assertThat(e.render()).isEqualTo("t.sd:1:10: no CPU runs anything: give a CPU a program, as in 'cpu 0 runs A: ...'\nhardware x86 { cpus 2 }\n         ^");
    }

    @Test
    @DisplayName("every program empty, or calling only empty procedures: an error at the first cpu line")
    void emptyPrograms() {
        for (String programs : new String[] {"cpu 0 runs A: {}\n", "cpu 0 runs A: { {} ; { {} } }\ncpu 1 runs A: nothing()\n", "cpu 0, 1 runs A: nothing()\n"}) {
            CompileError e = error(HEAD + programs);
            assertThat(e).as(programs).isNotNull();
            assertThat(e.getMessage()).isEqualTo("no CPU runs anything: every 'cpu ... runs' program is empty, even with its procedures inlined");
            assertThat(e.position().line()).isEqualTo(5);
            assertThat(e.position().column()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("one CPU with a statement is enough, even a step-less one; the others may be empty")
    void oneStatementIsEnough() {
        assertThat(Compiler.compile(Parser.parse(new SourceFile("t.sd", HEAD + "cpu 0 runs A: {}\ncpu 1 runs A: read(p)\n"))).cpus()).isEqualTo(2);
        assertThat(Compiler.compile(Parser.parse(new SourceFile("t.sd", HEAD + "cpu 0 runs A: { x = 1 }\n"))).cpuPrograms().get(0).insns()).hasSize(2);
    }
}
