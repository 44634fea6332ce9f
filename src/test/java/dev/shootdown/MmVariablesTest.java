package dev.shootdown;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.check.Counterexample;
import dev.shootdown.lang.CompileError;
import dev.shootdown.model.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Variables that hold an address space: {@code percpu loaded_mm: mm}, switch_mm and cpumask of one. */
class MmVariablesTest {
    private static final String HEAD = "hardware x86 { cpus 3 }\nmm A { page p -> frame f writable }\nmm B { page q -> frame g writable }\n";

    @Test
    @DisplayName("a per-CPU mm variable, like Linux's cpu_tlbstate.loaded_mm, picks the IPI targets; switch_mm and cpumask take one")
    void loadedMm() {
        // CPU 0 shoots down p for the CPUs whose loaded_mm is A. CPU 2 switches to A without saying so in loaded_mm:
        // it is not a target, and its TLB entry for p outlives the free.
        String model = HEAD + "percpu loaded_mm: mm = A\nirq flush_one(from) { flush_tlb_page(p); ack(from) }\n"
                + "cpu 0 runs A: { old = ptep_get_and_clear(p); targets = {c in all_cpus - self : loaded_mm[c] == A};"
                + " send_ipi(targets, flush_one); flush_tlb_page(p); wait until acked(targets); free_frame(old.pfn) }\n"
                + "cpu 1 runs A: loop { read(p) }\n"
                + "cpu 2 runs B: { loaded_mm = B; m = loaded_mm; switch_mm(m); cpumask_set(m, self); switch_mm(A); read(p); read(p) }\n"
                + "check no_use_after_free\n";
        BfsExplorer explorer = new BfsExplorer(OracleModels.compile(model), CheckOptions.defaults());
        CheckResult r = explorer.run();
        assertThat(r.verdict()).isEqualTo(Verdict.USE_AFTER_FREE);
        Counterexample cx = explorer.rebuilder().rebuild(r.violations().get(0));
        assertThat(cx.steps().get(cx.steps().size() - 1).cpu()).isEqualTo(2);
        assertThat(cx.steps()).anySatisfy(s -> assertThat(s.after().cpus().get(2).vars()).containsEntry("loaded_mm", "B"));
        // Keeping loaded_mm true to CR3 makes CPU 2 a target: safe.
        assertThat(new BfsExplorer(OracleModels.compile(model.replace("switch_mm(A); read(p)", "loaded_mm = A; switch_mm(A); read(p)")),
                CheckOptions.defaults()).run().verdict()).isEqualTo(Verdict.SAFE);
    }

    @Test
    @DisplayName("an mm variable holds only address spaces")
    void errors() {
        assertThatThrownBy(() -> OracleModels.compile(HEAD + "shared m: mm = 3\ncpu 0 runs A: read(p)\n")).isInstanceOf(CompileError.class)
                .hasMessageContaining("expected an mm initial value, found an int");
        assertThatThrownBy(() -> OracleModels.compile(HEAD + "cpu 0 runs A: { x = cpumask(3) }\n")).isInstanceOf(CompileError.class)
                .hasMessageContaining("expected an address space");
        assertThatThrownBy(() -> OracleModels.compile(HEAD + "shared m = A\ncpu 0 runs A: { m = p }\n")).isInstanceOf(CompileError.class)
                .hasMessageContaining("mm");
    }
}
