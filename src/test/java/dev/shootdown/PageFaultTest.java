package dev.shootdown;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.check.Counterexample;
import dev.shootdown.lang.CompileError;
import dev.shootdown.model.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code proc page_fault(va, write)}: what a faulting user access runs on its CPU before it retries. */
class PageFaultTest {
    private static final String DEMAND = """
            hardware x86 { cpus 2 }
            mm A { page p -> frame f unmapped }
            frames g
            shared ptl = 0
            proc page_fault(va, write) {
              TAKE
              if !ptep_get(va).present {
                n = alloc_frame()
                set_pte(va, mk_pte(n, true))
              }
              DROP
            }
            cpu 0 runs A: { read(p); assert ptep_get(p).present }
            cpu 1 runs A: { write(p) }
            """;

    private static CheckResult check(String source) {
        return new BfsExplorer(OracleModels.compile(source), CheckOptions.defaults()).run();
    }

    private static Counterexample counterexample(String source) {
        BfsExplorer explorer = new BfsExplorer(OracleModels.compile(source), CheckOptions.defaults());
        CheckResult r = explorer.run();
        assertThat(r.violations()).isNotEmpty();
        return explorer.rebuilder().rebuild(r.violations().get(0));
    }

    @Test
    @DisplayName("demand paging: the access faults, page_fault maps the page, the access is retried and succeeds")
    void demandPaging() {
        // Under the page-table lock, rechecking the PTE: both CPUs' accesses end up mapped.
        assertThat(check(DEMAND.replace("TAKE", "spin_lock(ptl)").replace("DROP", "spin_unlock(ptl)")).verdict()).isEqualTo(Verdict.SAFE);
        // Without the lock both faults see the PTE empty and allocate; the second waits for a frame for ever.
        Counterexample cx = counterexample(DEMAND.replace("TAKE", "").replace("DROP", ""));
        assertThat(cx.verdict()).isEqualTo(Verdict.DEADLOCK);
        String notes = cx.steps().stream().map(s -> s.action() + ": " + s.note()).collect(Collectors.joining("\n"));
        assertThat(notes).contains("read(p): page fault on p (PTE none): page_fault runs", "write(p): page fault on p (PTE none): page_fault runs");
    }

    @Test
    @DisplayName("a handler that fixes nothing faults for ever: no_deadlock reports the endless retry")
    void endlessFaults() {
        CheckResult r = check("hardware x86 { cpus 1 }\nmm A { page p -> frame f unmapped }\nproc page_fault(va, write) { x = 0 }\ncpu 0 runs A: read(p)\n");
        assertThat(r.verdict()).isEqualTo(Verdict.DEADLOCK);
    }

    @Test
    @DisplayName("copy on write: breaking the sharing without a shootdown leaves another CPU's read-only entry to the freed frame")
    void copyOnWrite() {
        String model = """
                hardware x86 { cpus 2 }
                mm A { page p -> frame f readonly }
                frames g
                irq flush_one(from) { flush_tlb_page(p); ack(from) }
                proc page_fault(va, write) {
                  old = ptep_get(va)
                  if write && old.present && !old.writable {
                    n = alloc_frame()
                    set_pte(va, mk_pte(n, true))
                    SHOOTDOWN
                    free_frame(old.pfn)
                  }
                }
                cpu 0 runs A: { write(p) }
                cpu 1 runs A: loop { read(p) }
                check no_use_after_free
                """;
        String shootdown = "flush_tlb_page(va); send_ipi(cpumask(A) - self, flush_one); wait until acked(cpumask(A) - self)";
        assertThat(check(model.replace("SHOOTDOWN", shootdown)).verdict()).isEqualTo(Verdict.SAFE);
        assertThat(check(model.replace("SHOOTDOWN", "flush_tlb_page(va)")).verdict()).isEqualTo(Verdict.USE_AFTER_FREE);
    }

    @Test
    @DisplayName("an IPI can arrive while page_fault runs, as in the kernel: a fault that waits on the IPI's sender does not deadlock")
    void interruptsDuringTheFault() {
        String model = """
                hardware x86 { cpus 2 }
                mm A { page p -> frame f unmapped }
                shared done = false
                irq note(from) { ack(from) }
                proc page_fault(va, write) { wait until done }
                cpu 0 runs A: { send_ipi({1}, note); wait until acked({1}); done = true }
                cpu 1 runs A: { read(p) }
                check no_use_after_free
                """;
        // CPU 1 faults and waits in page_fault; CPU 0 waits for CPU 1's ack before it sets done.
        assertThat(check(model).violations()).noneMatch(v -> v.verdict() == Verdict.DEADLOCK && !v.lasso());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "proc page_fault(va, write) { read(va) }|cpu 0 runs A: read(p)|'read' is a user access; page_fault runs in the kernel",
            "proc page_fault(va) { x = 0 }|cpu 0 runs A: read(p)|page_fault takes the faulting page and whether the access was a write",
            "proc page_fault(va, write) { x = 0 }|cpu 0 runs A: atomic { read(p) }|a user access inside 'atomic' cannot fault to page_fault"})
    @DisplayName("page_fault written wrong is an error")
    void errors(String proc, String program, String message) {
        assertThatThrownBy(() -> OracleModels.compile("hardware x86 { cpus 1 }\nmm A { page p -> frame f unmapped }\n" + proc + "\n" + program + "\n"))
                .isInstanceOf(CompileError.class).hasMessageContaining(message);
    }
}
