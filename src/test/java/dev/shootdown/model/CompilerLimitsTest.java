package dev.shootdown.model;

import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Numbers a user can write where the compiler expects small ones: each must be a CompileError at the number, never a crash. */
class CompilerLimitsTest {

    private static Throwable compileError(String source) {
        return catchThrowable(() -> Compiler.compile(Parser.parse(new SourceFile("t.sd", source))));
    }

    @Test
    @DisplayName("cpus 0 and cpus 4097 are out of range")
    void cpusKnobRange() {
        for (String n : new String[] {"0", "4097"}) {
            Throwable e = compileError("hardware x86 { cpus " + n + " }\nmm A { page p -> frame f writable }\ncpu 0 runs A: read(p)\n");
            assertThat(e).isInstanceOf(CompileError.class).hasMessage("'cpus' must be between 1 and 4096");
            assertThat(((CompileError) e).position().column()).isEqualTo(21);
        }
    }

    @Test
    @DisplayName("without a cpus knob the CPU count is the highest CPU number plus one")
    void cpusInferredFromPrograms() {
        Program p = MachineDriver.compile("hardware x86 { }\nmm A { page p -> frame f writable }\ncpu 2 runs A: read(p)\n");
        assertThat(p.cpus()).isEqualTo(3);
        assertThat(p.cpuMm()).containsExactly(-1, -1, 0);
        Machine m = new Machine(p);
        int[] s = m.initialState();
        assertThat(m.sets().describe(s[m.layout().mmMaskBase])).isEqualTo("{cpu2}");
    }

    @Test
    @DisplayName("a huge knob value or CPU number is a CompileError at the number")
    void hugeNumbersAreCompileErrors() {
        Throwable knob = compileError("hardware x86 { cpus 99999999999 }\nmm A { page p -> frame f writable }\ncpu 0 runs A: read(p)\n");
        assertThat(knob).isInstanceOf(CompileError.class);
        assertThat(((CompileError) knob).position().line()).isEqualTo(1);
        assertThat(((CompileError) knob).position().column()).isEqualTo(21);

        Throwable cpu = compileError("hardware x86 { cpus 2 }\nmm A { page p -> frame f writable }\ncpu 99999999999 runs A: read(p)\n");
        assertThat(cpu).isInstanceOf(CompileError.class);
        assertThat(((CompileError) cpu).position().line()).isEqualTo(3);
        assertThat(((CompileError) cpu).position().column()).isEqualTo(5);
    }

    /*
     * A machine beyond 31 CPUs (the checker's bit-mask CPU sets) compiles, with CPU sets interned
     * so that nothing wraps; the checker refuses it with a plain error (it is the simulator's size).
     */
    @Test
    @DisplayName("an inferred CPU count beyond 31 compiles without wrapping, and the checker refuses it")
    void inferredCpuCountBeyondTheChecker() {
        Program p = MachineDriver.compile("""
                hardware x86 { }
                mm A { page p -> frame f writable }
                irq h(from) { ack(from) }
                cpu 33 runs A: { send_ipi(cpumask(A), h); wait until acked(cpumask(A)) }
                """);
        assertThat(p.cpus()).isEqualTo(34);
        Machine m = new Machine(p);
        int[] s = m.initialState();
        assertThat(m.sets().describe(s[m.layout().mmMaskBase])).isEqualTo("{cpu33}");
        Throwable e = catchThrowable(() -> new dev.shootdown.check.BfsExplorer(p, dev.shootdown.check.CheckOptions.defaults()).run());
        assertThat(e).isInstanceOf(CompileError.class).hasMessageContaining("at most 31 CPUs");
        // The count comes from the cpu line that names CPU 33: the refusal points there.
        assertThat(((CompileError) e).position().line()).isEqualTo(4);
        assertThat(((CompileError) e).position().column()).isEqualTo(5);
    }

    @Test
    @DisplayName("cpus 32: the checker's refusal is at the cpus knob's value (it had no position)")
    void checkerRefusalIsAtTheCpusKnob() {
        Program p = MachineDriver.compile("hardware x86 { tlb_capacity 1; cpus 32 }\nmm A { page p -> frame f writable }\ncpu 0 runs A: read(p)\n");
        Throwable e = catchThrowable(() -> new dev.shootdown.check.BfsExplorer(p, dev.shootdown.check.CheckOptions.defaults()).run());

        assertThat(e).isInstanceOf(CompileError.class);
        assertThat(((CompileError) e).render()).isEqualTo("test.sd:1:37: the checker explores at most 31 CPUs; this model has 32"
                + " (exhaustive search wants 2-4; large machines are for the simulator)\n"
                + "hardware x86 { tlb_capacity 1; cpus 32 }\n"
                + " ".repeat(36) + "^");
    }
}
