package dev.shootdown;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.lang.CompileError;
import dev.shootdown.model.Program;
import dev.shootdown.model.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A value sent with an IPI: {@code irq h(from, va: page)} and {@code send_ipi(targets, h, va)}. */
class IpiArgumentTest {
    private static final String SHOOT = """
            hardware x86 { cpus 3 }
            mm A { page p -> frame f writable; page q -> frame g writable }
            irq flush_one(from, va: page) { flush_tlb_page(FLUSHED); ack(from) }
            proc unmap(va) {
              old = ptep_get_and_clear(va)
              targets = cpumask(A) - self
              send_ipi(targets, flush_one, va)
              flush_tlb_page(va)
              wait until acked(targets)
              free_frame(old.pfn)
            }
            cpu 0 runs A: { choose v in {p, q}; unmap(v) }
            cpu 1.. runs A: loop { read(p); read(q) }
            check no_use_after_free
            """;

    private static CheckResult check(String source) {
        return new BfsExplorer(OracleModels.compile(source), CheckOptions.defaults()).run();
    }

    @Test
    @DisplayName("the handler flushes the page it was sent; one that flushes a fixed page misses the other")
    void theValueTravelsWithTheIpi() {
        assertThat(check(SHOOT.replace("FLUSHED", "va")).verdict()).isEqualTo(Verdict.SAFE);
        assertThat(check(SHOOT.replace("FLUSHED", "p")).verdict()).isEqualTo(Verdict.USE_AFTER_FREE);
    }

    @Test
    @DisplayName("a second send of the handler waits until the first was taken, so no value is lost to a coalesced IPI")
    void noValueIsLost() {
        String model = """
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                shared total = 0
                irq add(from, n) { total = total + n; ack(from) }
                cpu 0 runs A: { send_ipi({1}, add, 1); send_ipi({1}, add, 2) }
                cpu 1 runs A: { wait until total == 3 }
                check no_deadlock
                """;
        // Without the wait, the second value would overwrite the first while its IPI is pending: the handler would run
        // once, with 2, and CPU 1 would wait for ever.
        assertThat(check(model).verdict()).isEqualTo(Verdict.SAFE);
    }

    @Test
    @DisplayName("a cpu sent with an IPI is renumbered under symmetry: the same verdicts as the plain search")
    void symmetric() {
        String model = """
                hardware x86 { cpus 4 }
                mm A { page p -> frame f writable }
                shared owner: cpu = 0, n = 0
                irq claim(from, who: cpu) { if who == self { n = n + 1 } ack(from) }
                cpu 0 runs A: { choose t in all_cpus - self; send_ipi(all_cpus - self, claim, t); wait until acked(all_cpus - self) }
                cpu 1.. runs A: loop { read(p) }
                invariant n < 2
                """;
        Program program = OracleModels.compile(model);
        CheckResult reduced = new BfsExplorer(program, CheckOptions.defaults()).run();
        CheckResult plain = new BfsExplorer(program, CheckOptions.defaults().withReductions(false)).run();
        assertThat(reduced.symmetry()).isNotEmpty();
        assertThat(reduced.verdict()).isEqualTo(plain.verdict()).isEqualTo(Verdict.SAFE);
        assertThat(reduced.stats().states()).isLessThan(plain.stats().states());
        assertThat(check(model.replace("n < 2", "n < 1")).verdict()).isEqualTo(Verdict.ASSERTION);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "irq h(from, va: page) { ack(from) }|cpu 0 runs A: send_ipi({1}, h)|handler 'h' takes a page: send_ipi(targets, h, value)",
            "irq h(from) { ack(from) }|cpu 0 runs A: send_ipi({1}, h, p)|handler 'h' takes no value",
            "irq h(from, va: page) { ack(from) }|cpu 0 runs A: send_ipi({1}, h, true)|expected a page for the value sent to 'h', found a bool",
            "irq h(from, a, b) { ack(from) }|cpu 0 runs A: send_ipi({1}, h)|an IRQ handler takes at most two parameters"})
    @DisplayName("a value missing, unexpected or of the wrong type is an error")
    void errors(String handler, String program, String message) {
        assertThatThrownBy(() -> OracleModels.compile("hardware x86 { cpus 2 }\nmm A { page p -> frame f writable }\n" + handler + "\n" + program
                + "\ncpu 1 runs A: read(p)\n")).isInstanceOf(CompileError.class).hasMessageContaining(message);
    }
}
