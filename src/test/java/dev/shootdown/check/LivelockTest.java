package dev.shootdown.check;

import dev.shootdown.model.Program;
import dev.shootdown.model.Verdict;
import dev.shootdown.report.CheckReport;
import dev.shootdown.report.MermaidCounterexample;
import dev.shootdown.report.TimelineRenderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** no_deadlock's progress half: busy-waits that can never end are found, with a lasso-shaped counterexample. */
class LivelockTest {

    /** The first example: two initiators that disable interrupts, IPI each other and spin for the acks. */
    static final String SPIN_FOR_ACKS = """
            hardware x86 { cpus 2 }
            mm A { page p -> frame f writable }
            irq flush(from) { flush_tlb_all(); ack(from) }
            proc shootdown() {
              local_irq_disable()
              send_ipi(all_cpus - self, flush)
              flush_tlb_all()
              while !acked(all_cpus - self) { }
              local_irq_enable()
            }
            cpu 0, 1 runs A: shootdown()
            check no_deadlock
            """;

    private static CheckResult check(String source) {
        return new BfsExplorer(Models.compile(source), CheckOptions.defaults()).run();
    }

    private static Counterexample first(String source) {
        BfsExplorer explorer = new BfsExplorer(Models.compile(source), CheckOptions.defaults());
        CheckResult result = explorer.run();
        assertThat(result.violations()).isNotEmpty();
        return explorer.rebuilder().rebuild(result.violations().get(0));
    }

    @Test
    @DisplayName("two initiators spinning for acks with interrupts off: deadlock from step 2 (both disabled), a cycle of both spins")
    void spinningInitiators() {
        CheckResult result = check(SPIN_FOR_ACKS);
        assertThat(result.verdict()).isEqualTo(Verdict.DEADLOCK);
        assertThat(result.complete()).isTrue();
        Violation v = result.violation(Verdict.DEADLOCK);
        assertThat(v.lasso()).isTrue();
        assertThat(v.depth()).as("once both CPUs disabled interrupts, no continuation can finish").isEqualTo(2);
        assertThat(Models.violationWithin(Models.compile(SPIN_FOR_ACKS), 20))
                .as("no state of its own is a deadlock: the old check found nothing").isFalse();

        Counterexample cx = first(SPIN_FOR_ACKS);
        assertThat(cx.loopStart()).isGreaterThan(2);
        List<Counterexample.Step> loop = cx.steps().subList(cx.loopStart() - 1, cx.steps().size());
        assertThat(loop).extracting(Counterexample.Step::cpu).as("the cycle is fair: both CPUs spin in it").contains(0, 1);
        assertThat(loop).allSatisfy(s -> assertThat(s.action()).startsWith("while !acked"));
        assertThat(cx.steps().get(cx.steps().size() - 1).after())
                .as("the cycle closes: the state after its last step is the state before its first")
                .isEqualTo(cx.steps().get(cx.loopStart() - 2).after());
        assertThat(cx.note()).contains("livelock", "after step 2", "repeat for ever", "cpu0 at 'while !acked(all_cpus - self)' with interrupts off, an IPI pending");
    }

    @Test
    @DisplayName("a spin on a flag nobody sets is a deadlock from the initial state; a background loop on another CPU does not hide it")
    void flagNobodySets() {
        String source = """
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                shared ready = false
                cpu 0 runs A: { while !ready { } ; read(p) }
                cpu 1 runs A: loop { read(p) }
                """;
        CheckResult result = check(source);
        assertThat(result.verdict()).isEqualTo(Verdict.DEADLOCK);
        assertThat(result.violation(Verdict.DEADLOCK).depth()).isZero();
        Counterexample cx = first(source);
        assertThat(cx.loopStart()).isPositive();
        assertThat(cx.steps().subList(cx.loopStart() - 1, cx.steps().size())).extracting(Counterexample.Step::cpu).contains(0);
    }

    @Test
    @DisplayName("the same spin is safe once another CPU sets the flag")
    void flagSomebodySets() {
        CheckResult result = check("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                shared ready = false
                cpu 0 runs A: { while !ready { } ; read(p) }
                cpu 1 runs A: { read(p); ready = true; loop { read(p) } }
                """);
        assertThat(result.verdict()).isEqualTo(Verdict.SAFE);
        assertThat(result.complete()).isTrue();
    }

    @Test
    @DisplayName("user loops that run for ever by design are not livelocks")
    void backgroundLoopsAreNotLivelocks() {
        CheckResult result = check("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                cpu 0 runs A: loop { read(p) }
                cpu 1 runs A: { read(p); loop { write(p) } }
                check no_deadlock
                """);
        assertThat(result.verdict()).isEqualTo(Verdict.SAFE);
    }

    @Test
    @DisplayName("a loop nested in kernel work is unfinished work: a livelock")
    void nestedLoopIsWork() {
        CheckResult result = check("""
                hardware x86 { cpus 1 }
                mm A { page p -> frame f writable }
                proc poll() { loop { read(p) } }
                cpu 0 runs A: { if true { poll() } }
                check no_deadlock
                """);
        assertThat(result.verdict()).isEqualTo(Verdict.DEADLOCK);
        assertThat(result.violation(Verdict.DEADLOCK).lasso()).isTrue();
    }

    @Test
    @DisplayName("fairness: a spin that could lose every race to a background writer, but need not, is not a livelock")
    void aRaceThatCanBeWonIsNotALivelock() {
        CheckResult result = check("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                shared x = 0
                cpu 0 runs A: { while x == 0 { } }
                cpu 1 runs A: loop { x = 1; x = 0 }
                check no_deadlock
                """);
        assertThat(result.verdict()).isEqualTo(Verdict.SAFE);
    }

    @Test
    @DisplayName("an IPI handler that spins for ever on a background CPU is a livelock")
    void spinningHandler() {
        CheckResult result = check("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                shared released = false
                irq hold(from) { ack(from); while !released { } }
                cpu 0 runs A: { send_ipi({1}, hold); wait until acked({1}) }
                cpu 1 runs A: loop { read(p) }
                check no_deadlock
                """);
        assertThat(result.verdict()).isEqualTo(Verdict.DEADLOCK);
        assertThat(result.violation(Verdict.DEADLOCK).lasso()).isTrue();
    }

    @Test
    @DisplayName("the wait-until version is still a plain deadlock: the counterexample ends in the stuck state, no cycle")
    void waitUntilIsStillAPlainDeadlock() {
        String source = SPIN_FOR_ACKS.replace("while !acked(all_cpus - self) { }", "wait until acked(all_cpus - self)");
        Counterexample cx = first(source);
        assertThat(cx.verdict()).isEqualTo(Verdict.DEADLOCK);
        assertThat(cx.loopStart()).isZero();
        assertThat(cx.steps()).as("each CPU disables, sends and flushes; then both wait").hasSize(6);
    }

    @Test
    @DisplayName("the lasso in the reports: ~ rows and a rule in the text, loop_start and repeats in the JSON, a loop block in Mermaid")
    void reportsShowTheCycle() {
        BfsExplorer explorer = new BfsExplorer(Models.compile(SPIN_FOR_ACKS), CheckOptions.defaults());
        CheckResult result = explorer.run();
        Counterexample cx = explorer.rebuilder().rebuild(result.violations().get(0));
        String text = new TimelineRenderer(40).render(cx);
        assertThat(text).contains("from here, steps " + cx.loopStart() + "-" + cx.steps().size() + " repeat for ever")
                .contains("~" + cx.loopStart() + " |");
        var json = CheckReport.json("m.sd", result, cx);
        assertThat(json.get("loop_start")).isEqualTo(cx.loopStart());
        @SuppressWarnings("unchecked")
        List<java.util.Map<String, Object>> steps = (List<java.util.Map<String, Object>>) json.get("counterexample");
        assertThat(steps.get(cx.loopStart() - 2)).doesNotContainKey("repeats");
        assertThat(steps.get(cx.loopStart() - 1)).containsEntry("repeats", true);
        assertThat(MermaidCounterexample.diagram(result, cx)).contains("loop steps " + cx.loopStart() + "-" + cx.steps().size());
    }

    @Test
    @DisplayName("--first: properties the search never decided are unknown and the search is incomplete")
    void firstLeavesTheRestUnknown() {
        Program program = Models.compile(Models.SEED_000_NO_WAIT.replace("check no_use_after_free, no_deadlock", "check no_use_after_free, no_lost_write, no_deadlock"));
        CheckOptions first = new CheckOptions(Long.MAX_VALUE, 0.7, new java.util.concurrent.atomic.AtomicBoolean(), null, false);
        CheckResult result = new BfsExplorer(program, first).run();
        assertThat(result.verdict()).isEqualTo(Verdict.USE_AFTER_FREE);
        assertThat(result.complete()).isFalse();
        assertThat(result.stopReason()).contains("first violation");
        assertThat(CheckReport.propertyStatus(result, Verdict.USE_AFTER_FREE)).isEqualTo("violated");
        assertThat(CheckReport.propertyStatus(result, Verdict.LOST_WRITE)).isEqualTo("unknown");
        assertThat(CheckReport.propertyStatus(result, Verdict.DEADLOCK)).isEqualTo("unknown");
        assertThat(CheckReport.json("m.sd", result, null)).containsEntry("complete", false);
        assertThat(CheckReport.text("m.sd", result, null, 40)).doesNotContain("holds")
                .contains("no_lost_write            unknown (no violation found; search incomplete: stopped at the first violation (--first))");

        CheckResult all = new BfsExplorer(program, CheckOptions.defaults()).run();
        assertThat(all.complete()).isTrue();
        assertThat(CheckReport.propertyStatus(all, Verdict.LOST_WRITE)).isEqualTo("holds");
    }
}
