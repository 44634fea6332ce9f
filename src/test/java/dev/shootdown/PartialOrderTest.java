package dev.shootdown;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.check.Counterexample;
import dev.shootdown.check.Violation;
import dev.shootdown.model.Program;
import dev.shootdown.model.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The partial-order reduction against the same search without it (and against the search with no reduction at all):
 * the same status for every property, counterexamples of the same length, rebuilt and replayed, on every catalog
 * entry, docs model and seeded random model; and models built so that a reduction that ignored an IPI, a store buffer
 * or another CPU's write would miss their bug.
 */
class PartialOrderTest {
    private static final CheckOptions OPTIONS = CheckOptions.defaults().withMaxStates(60_000);

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.shootdown.OracleModels#catalogAndDocs")
    @DisplayName("catalog and docs: the same verdicts, depths and counterexample lengths with and without the partial-order reduction")
    void catalogAndDocs(String name, String source) {
        Program program = OracleModels.compileOrNull(source);
        if (program != null) {
            agree(name, program);
        }
    }

    @Test
    @DisplayName("every catalog entry and docs model together: the reduction takes steps alone in a good share of them")
    void reducesSomewhere() {
        long[] counts = new long[2];
        OracleModels.catalogAndDocs().forEach(a -> {
            Program program = OracleModels.compileOrNull((String) a.get()[1]);
            if (program != null) {
                CheckResult r = new BfsExplorer(program, OPTIONS).run();
                counts[0]++;
                counts[1] += r.partialOrder() != null && r.partialOrder().ample() > 0 ? 1 : 0;
            }
        });
        assertThat(counts[1]).as("models where some state was expanded by one step alone, of " + counts[0]).isGreaterThan(counts[0] / 5);
    }

    @Test
    @DisplayName("200 seeded random models with private per-CPU variables, local flushes and handlers: same verdicts and lengths")
    void randomModels() {
        SplittableRandom random = new SplittableRandom(0x9042);
        int compiled = 0;
        int reduced = 0;
        int violated = 0;
        int complete = 0;
        for (int i = 0; i < 200; i++) {
            String source = randomModel(random);
            Program program = OracleModels.compileOrNull(source);
            if (program == null) {
                continue;
            }
            compiled++;
            CheckResult r = agree("random model " + i + ":\n" + source, program);
            reduced += r.partialOrder() != null && r.partialOrder().ample() > 0 ? 1 : 0;
            complete += r.complete() ? 1 : 0;
            violated += r.violations().isEmpty() ? 0 : 1;
        }
        assertThat(compiled).as("most generated models compile").isGreaterThan(170);
        assertThat(reduced).as("a good share take some step alone").isGreaterThan(compiled / 4);
        assertThat(complete).as("most are small enough to compare whole").isGreaterThan(compiled * 3 / 4);
        assertThat(violated).as("both verdicts occur").isBetween(15, compiled - 15);
    }

    @Test
    @DisplayName("symmetry's 60 first random models: the same verdicts and lengths with and without the reduction")
    void symmetryRandomModels() {
        SplittableRandom random = new SplittableRandom(0x5E7);
        for (int i = 0; i < 60; i++) {
            String source = SymmetryTest.randomModel(random);
            Program program = OracleModels.compileOrNull(source);
            if (program != null) {
                agree("symmetry's random model " + i + ":\n" + source, program);
            }
        }
    }

    @Test
    @DisplayName("an IPI taken between two steps on a CPU's private variable is found: interrupts on, the steps do not go alone")
    void ipiBetweenPrivateSteps() {
        String bug = """
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                percpu mine = 0
                irq h(from) { assert mine == 0; ack(from) }
                cpu 0 runs A: { send_ipi({1}, h); wait until acked({1}) }
                cpu 1 runs A: { mine = 1; mine = 2; mine = 0 }
                """;
        CheckResult found = agree("IPI between private steps", OracleModels.compile(bug));
        assertThat(found.verdict()).isEqualTo(Verdict.ASSERTION);
        // send, mine = 1, take the IPI, the handler's assert.
        assertThat(found.violation(Verdict.ASSERTION).depth()).isEqualTo(4);

        CheckResult masked = agree("the same with interrupts off around the steps",
                OracleModels.compile(bug.replace("{ mine = 1;", "{ local_irq_disable(); mine = 1;").replace("mine = 0 }", "mine = 0; local_irq_enable() }")));
        assertThat(masked.verdict()).isEqualTo(Verdict.SAFE);
        assertThat(masked.partialOrder().ample()).as("the private steps with interrupts off go alone").isPositive();
    }

    @Test
    @DisplayName("a CPU-indexed read of a per-CPU variable makes it shared: a bug another CPU sees between two steps is found")
    void indexedReadIsSeen() {
        String bug = """
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                percpu mine = 0
                cpu 0 runs A: { assert mine[1] != 1 }
                cpu 1 runs A: { local_irq_disable(); mine = 1; mine = 0 }
                """;
        CheckResult r = agree("indexed read", OracleModels.compile(bug));
        assertThat(r.verdict()).isEqualTo(Verdict.ASSERTION);
    }

    @Test
    @DisplayName("under TSO a store buffer that still holds a store keeps the CPU's steps from going alone")
    void storeBuffer() {
        String bug = """
                hardware x86 { cpus 2; memory tso }
                mm A { page p -> frame f writable }
                shared x = 0
                percpu mine = 0
                cpu 0 runs A: { x = 1; mine = 1; mine = 0 }
                cpu 1 runs A: { assert x == 0 }
                """;
        CheckResult r = agree("store buffer", OracleModels.compile(bug));
        assertThat(r.verdict()).isEqualTo(Verdict.ASSERTION);
    }

    @Test
    @DisplayName("under TSO a buffered store goes alone, and the store-buffering outcome (both loads see 0) is still found")
    void storeBufferingLitmus() {
        String sb = """
                hardware x86 { cpus 2; memory tso }
                mm A { page p -> frame f writable }
                shared x = 0, y = 0, r0 = 1, r1 = 1
                invariant !(r0 == 0 && r1 == 0)
                cpu 0 runs A: { x = 1; r0 = y }
                cpu 1 runs A: { y = 1; r1 = x }
                """;
        CheckResult r = agree("store buffering", OracleModels.compile(sb));
        assertThat(r.verdict()).isEqualTo(Verdict.ASSERTION);
        assertThat(r.partialOrder().ample()).as("the first store of each CPU goes alone").isPositive();
        CheckResult fenced = agree("store buffering with smp_mb", OracleModels.compile(sb.replace("x = 1;", "x = 1; smp_mb();").replace("y = 1;", "y = 1; smp_mb();")));
        assertThat(fenced.verdict()).isEqualTo(Verdict.SAFE);
    }

    @Test
    @DisplayName("a counterexample the reduction would lengthen is shortest: the other CPU's violating step comes first")
    void shortest() {
        String source = """
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                percpu mine = 0
                shared x = 0
                cpu 0 runs A: { local_irq_disable(); mine = 1; mine = 2; mine = 3 }
                cpu 1 runs A: { x = 1; assert x == 0 }
                """;
        BfsExplorer explorer = new BfsExplorer(OracleModels.compile(source), OPTIONS);
        CheckResult r = explorer.run();
        assertThat(r.violation(Verdict.ASSERTION).depth()).isEqualTo(2);
        assertThat(r.partialOrder().ample()).isPositive();
        assertThat(r.partialOrder().rerun()).as("found again by the search without the reduction").isPositive();
        assertThat(r.partialOrder().shortest()).isTrue();
        assertThat(explorer.rebuilder().rebuild(r.violation(Verdict.ASSERTION)).steps()).hasSize(2);
    }

    /**
     * Both searches and the plain one; asserts the same status, depth and counterexample length for every property,
     * and that the counterexample the reduced search reports replays to its verdict.
     */
    private static CheckResult agree(String name, Program program) {
        CheckResult without = new BfsExplorer(program, OPTIONS).withoutPartialOrder().run();
        CheckResult plain = new BfsExplorer(program, OPTIONS.withReductions(false)).run();
        BfsExplorer explorer = new BfsExplorer(program, OPTIONS);
        CheckResult with = explorer.run();
        assertThat(without.partialOrder()).isNull();
        assertThat(plain.partialOrder()).isNull();
        if (!without.complete() || !with.complete()) {
            return with;
        }
        assertThat(with.stats().states()).as(name).isLessThanOrEqualTo(without.stats().states());
        for (Verdict v : program.properties()) {
            for (CheckResult other : new CheckResult[] {without, plain}) {
                if (!other.complete()) {
                    continue;
                }
                Violation a = other.violation(v);
                Violation b = with.violation(v);
                assertThat(b == null).as(name + "\n" + v + " violated in one search only").isEqualTo(a == null);
                if (a != null) {
                    assertThat(b.depth()).as(name + "\n" + v + " depth").isEqualTo(a.depth());
                    assertThat(b.lasso()).isEqualTo(a.lasso());
                }
            }
            Violation b = with.violation(v);
            if (b != null) {
                Counterexample cx = explorer.rebuilder().rebuild(b);
                if (!b.lasso()) {
                    assertThat(cx.steps()).as(name + "\n" + v + " counterexample").hasSize(b.depth());
                }
                assertThat(cx.verdict()).isEqualTo(v);
            }
        }
        return with;
    }

    /** What the CPUs run: steps on private per-CPU variables and read-only shared ones, local flushes, interrupt masking, and shared work. */
    private static final String[] STEPS = {
            "mine = mine + 1", "mine = 0", "if mine == 1 { mine = 2 }", "wait until mine >= 0", "assert mine != 3", "t = mine + limit",
            "t = cpumask(A)", "flush_tlb_page(p)", "flush_tlb_all()", "compute(5)", "local_irq_disable()", "local_irq_enable()",
            "x = x + 1", "x = mine", "if x == 2 { mine = 3 }", "read(p)", "write(q)", "send_ipi(cpumask(A) - self, h)",
            "wait until acked(cpumask(A) - self)", "atomic { mine = mine + 1; t = mine }", "either { mine = 1 } or { mine = 2 }",
            "while x == 5 { }", "local_irq_disable(); mine = mine + 1; flush_tlb_page(p); mine = 0; local_irq_enable()",
            "local_irq_disable(); if mine == 0 { mine = limit } assert mine != 2; t = cpumask(A); local_irq_enable()", "assert x != 1", "assert mine != 2", "spin_lock(l); x = x + 1; spin_unlock(l)", "others[self] = mine",
    };

    private static final String[] INITIATOR = {
            "old = ptep_get_and_clear(p)", "send_ipi(cpumask(A) - self, h)", "wait until acked(cpumask(A) - self)", "free_frame(f)",
            "flush_tlb_page(p)", "x = 1", "x = 2", "mine = 1", "free_frame(f)", "local_irq_disable()", "local_irq_enable()", "assert others[1] != 2",
    };

    private static final String[] HANDLERS = {
            "irq h(from) { flush_tlb_page(p); ack(from) }",
            "irq h(from) { mine = mine + 1; flush_tlb_all(); ack(from) }",
            "irq h(from) { assert mine != 2; ack(from) }",
            "irq h(from) { assert mine != 1; ack(from) }",
            "irq h(from) { x = 3; ack(from) }",
            "irq h(from) { if mine == 1 { ack(from) } else { ack(from) } }",
    };

    private static String randomModel(SplittableRandom random) {
        int cpus = 2 + random.nextInt(2);
        String[] extras = {"", "; memory tso", "; tlb_capacity 1; evictions", "; speculative_walks", ""};
        StringBuilder b = new StringBuilder("hardware x86 { cpus ").append(cpus).append(extras[random.nextInt(extras.length)]).append(" }\n")
                .append("mm A { page p -> frame f writable; page q -> frame g writable }\n")
                .append("shared x = 0, limit = 4, l = 0\npercpu mine = 0, others = 0\n")
                .append(HANDLERS[random.nextInt(HANDLERS.length)]).append('\n');
        b.append("cpu 0 runs A: { ");
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            String[] pool = random.nextInt(3) > 0 ? INITIATOR : STEPS;
            b.append(pool[random.nextInt(pool.length)]).append("; ");
        }
        b.append("}\ncpu 1.. runs A: { ");
        n = 1 + random.nextInt(5);
        for (int i = 0; i < n; i++) {
            b.append(STEPS[random.nextInt(STEPS.length)]).append("; ");
        }
        b.append(random.nextInt(3) == 0 ? "loop { read(q) } }\n" : "}\n");
        return b.append("check no_use_after_free, no_deadlock\n").toString();
    }
}
