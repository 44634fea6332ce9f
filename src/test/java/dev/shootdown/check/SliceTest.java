package dev.shootdown.check;

import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import dev.shootdown.model.Compiler;
import dev.shootdown.model.Footprint;
import dev.shootdown.model.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The backwards slice of a counterexample: the steps its violation depends on, from what each step read and changed. */
class SliceTest {
    static Counterexample counterexample(SourceFile source) {
        BfsExplorer e = new BfsExplorer(Compiler.compile(Parser.parse(source)), CheckOptions.defaults());
        CheckResult r = e.run();
        assertThat(r.violations()).as("%s has a violation", source.name()).isNotEmpty();
        return e.rebuilder().rebuild(r.violations().get(0));
    }

    static Counterexample catalog(String name) {
        return counterexample(Catalog.builtIn().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow().source());
    }

    /** The steps of {@code cpu} running {@code action}, in order. */
    static List<Counterexample.Step> steps(Counterexample cx, int cpu, String action) {
        return cx.steps().stream().filter(s -> s.cpu() == cpu && s.action().equals(action)).toList();
    }

    static Counterexample.Step only(Counterexample cx, int cpu, String action) {
        List<Counterexample.Step> found = steps(cx, cpu, action);
        assertThat(found).as("cpu%d's '%s'", cpu, action).hasSize(1);
        return found.get(0);
    }

    @Test
    @DisplayName("seed 004, tlbie and an immediate table free: the gup_fast that read the PMD is kept, with the unhook, tlbsync and the free of pt0; local_irq_disable and the free of f are not")
    void gupFastTlbie() {
        Counterexample cx = catalog("004-gup-fast-tlbie-free");
        Slice slice = Slice.of(cx);
        List<Counterexample.Step> gup = steps(cx, 1, "gup_fast(va)");
        assertThat(gup).hasSize(2);
        Counterexample.Step readPmd = gup.get(0);
        assertThat(readPmd.footprint().reads()).containsEntry("pmds.t0", "pt0 RW");
        assertThat(readPmd.footprint().changed()).contains("cpus[1].locals.gup_fast.pmd");
        assertThat(gup.get(1).violating()).isTrue();

        assertThat(slice.relevant(gup.get(1).number())).isTrue();
        assertThat(slice.relevant(readPmd.number())).as("the step that read the PMD").isTrue();
        assertThat(slice.why(readPmd.number())).contains("cpus[1].locals.gup_fast.pmd");
        assertThat(slice.relevant(only(cx, 0, "pmd = pmdp_get_and_clear(t0)").number())).isTrue();
        assertThat(slice.relevant(only(cx, 0, "tlbsync()").number())).isTrue();
        assertThat(slice.relevant(only(cx, 0, "free_frame(pmd.pfn)").number())).isTrue();
        assertThat(slice.relevant(only(cx, 1, "local_irq_disable()").number())).as("gup_fast's disabled interrupts hold nothing back here").isFalse();
        assertThat(slice.relevant(only(cx, 0, "free_frame(old.pfn)").number())).isFalse();
    }

    @Test
    @DisplayName("seed 003, lazy CPUs out of mm_cpumask: the speculative walk that cached the PMD and the cpumask_clear are kept; cpu0's flush_tlb_all and free of f, and cpu1's faulting read, are not")
    void lazyCpumaskClear() {
        Counterexample cx = catalog("003-lazy-2016-cpumask-clear");
        Slice slice = Slice.of(cx);
        Counterexample.Step cached = cx.steps().stream().filter(s -> s.footprint().changed().contains("cpus[1].pwc.t0")).findFirst().orElseThrow();
        assertThat(cached.action()).isEqualTo("<speculative walk>");
        assertThat(cached.footprint().role()).isEqualTo(Footprint.Role.HARDWARE);
        Counterexample.Step last = cx.steps().get(cx.steps().size() - 1);
        assertThat(last.footprint().reads()).containsEntry("cpus[1].pwc.t0", "pt0 RW").containsEntry("frames.pt0", "free");

        assertThat(slice.relevant(cached.number())).isTrue();
        assertThat(slice.relevant(only(cx, 1, "cpumask_clear(A, self)").number())).isTrue();
        Counterexample.Step targets = only(cx, 0, "targets = cpumask(A) - self");
        assertThat(targets.footprint().reads()).containsEntry("mm_cpumask.A", "{cpu0}");
        assertThat(slice.relevant(targets.number())).isTrue();
        assertThat(slice.relevant(only(cx, 0, "send_ipi(targets, flush_tlb_func)").number())).isTrue();
        assertThat(slice.relevant(only(cx, 0, "free_frame(pmd.pfn)").number())).isTrue();
        assertThat(slice.relevant(only(cx, 0, "flush_tlb_all()").number())).isFalse();
        assertThat(slice.relevant(only(cx, 0, "free_frame(old.pfn)").number())).isFalse();
        assertThat(slice.relevant(only(cx, 1, "read(p)").number())).isFalse();
    }

    private static final String DEADLOCK_AND_A_BYSTANDER = """
            hardware x86 { cpus 3 }
            mm A { page p -> frame f writable }
            mm B { page r -> frame g writable }
            shared n = 0
            irq h(from) { ack(from) }
            proc initiate() {
              local_irq_disable()
              targets = cpumask(A) - self
              send_ipi(targets, h)
              wait until acked(targets)
              local_irq_enable()
            }
            cpu 0 runs A: initiate()
            cpu 1 runs A: initiate()
            cpu 2 runs B: { n = 1; read(r); write(r) }
            check no_deadlock
            """;

    @Test
    @DisplayName("a deadlock of two initiators with interrupts off: the third CPU, in another mm, must finish first but none of its steps is kept")
    void bystanderDropped() {
        Counterexample cx = counterexample(new SourceFile("bystander.sd", DEADLOCK_AND_A_BYSTANDER));
        assertThat(cx.verdict()).isEqualTo(Verdict.DEADLOCK);
        Slice slice = Slice.of(cx);
        assertThat(cx.steps()).anyMatch(s -> s.cpu() == 2);
        assertThat(cx.steps()).filteredOn(s -> s.cpu() == 2).allSatisfy(s -> assertThat(slice.relevant(s.number())).as("step %d", s.number()).isFalse());
        assertThat(slice.cpus()).containsExactly(0, 1);
        assertThat(cx.endReads()).containsEntry("cpus[0].irq", "off").containsEntry("cpus[1].irq", "off");
        for (int c = 0; c < 2; c++) {
            assertThat(slice.relevant(only(cx, c, "local_irq_disable()").number())).as("cpu%d disabled its interrupts", c).isTrue();
            assertThat(slice.relevant(only(cx, c, "send_ipi(targets, h)").number())).isTrue();
        }
    }

    @Test
    @DisplayName("on every catalog counterexample the slice is closed: the violating step is kept, and for each kept step the last writer of each thing it read and the decisions of its run before it")
    void closedOnTheCatalog() {
        for (Catalog.Entry e : Catalog.builtIn()) {
            BfsExplorer explorer = new BfsExplorer(Compiler.compile(Parser.parse(e.source())), CheckOptions.defaults());
            CheckResult r = explorer.run();
            if (r.violations().isEmpty()) {
                continue;
            }
            Counterexample cx = explorer.rebuilder().rebuild(r.violations().get(0));
            Slice slice = Slice.of(cx);
            List<Counterexample.Step> steps = cx.steps();
            if (!steps.isEmpty() && steps.get(steps.size() - 1).violating()) {
                assertThat(slice.relevant(steps.size())).as(e.name()).isTrue();
            }
            for (int k : cx.loopStart() > 0 ? List.of(cx.loopStart(), steps.size()) : List.<Integer>of()) {
                assertThat(slice.relevant(k)).as("%s: a step of the cycle", e.name()).isTrue();
            }
            for (int k : slice.steps()) {
                Counterexample.Step step = steps.get(k - 1);
                for (String path : step.footprint().reads().keySet()) {
                    int w = lastBefore(steps, k, s -> s.footprint().changed().contains(path));
                    assertThat(w == 0 || slice.relevant(w)).as("%s: step %d read %s, last changed by step %d", e.name(), k, path, w).isTrue();
                }
                Footprint.Role role = step.footprint().role();
                if (role == Footprint.Role.PROGRAM) {
                    for (int j = 1; j < k; j++) {
                        Counterexample.Step d = steps.get(j - 1);
                        if (d.cpu() == step.cpu() && d.footprint().role() == role && d.footprint().decides()) {
                            assertThat(slice.relevant(j)).as("%s: step %d decided step %d would run", e.name(), j, k).isTrue();
                        }
                    }
                }
            }
        }
    }

    private static int lastBefore(List<Counterexample.Step> steps, int k, Predicate<Counterexample.Step> p) {
        for (int j = k - 1; j >= 1; j--) {
            if (p.test(steps.get(j - 1))) {
                return j;
            }
        }
        return 0;
    }
}
