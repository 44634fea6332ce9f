package dev.shootdown.check;

import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import dev.shootdown.model.Compiler;
import dev.shootdown.model.Machine;
import dev.shootdown.model.Program;
import dev.shootdown.model.Verdict;

/** Small models for the checker's tests, and an independent bounded search to confirm what BFS says about depths. */
final class Models {
    private Models() {}

    static Program compile(String source) {
        return Compiler.compile(Parser.parse(new SourceFile("test.sd", source)));
    }

    /**
     * Seed 000, PTE first and IPI without waiting (as catalog/000-pte-first-no-wait.sd). The shortest
     * use-after-free has 6 steps: cpu1 must fill its TLB before the PTE is cleared and load after the
     * free, and cpu0 needs 4 steps (clear, IPI, flush, free) in between.
     */
    static final String SEED_000_NO_WAIT = """
            hardware x86 { cpus 2 }
            mm A { page p -> frame f writable }
            irq flush_one(from) { flush_tlb_page(p); ack(from) }
            proc munmap(va) {
              old = ptep_get_and_clear(va)
              send_ipi(cpumask(A) - self, flush_one)
              flush_tlb_page(va)
              free_frame(old.pfn)
            }
            cpu 0 runs A: munmap(p)
            cpu 1 runs A: loop { read(p) }
            check no_use_after_free, no_deadlock
            """;

    /** Seed 000 with the wait for the acks before the free (as catalog/000-pte-first-wait.sd): safe, with no deadlock. */
    static final String SEED_000_WAIT = SEED_000_NO_WAIT.replace("free_frame(old.pfn)", "wait until acked(cpumask(A) - self)\n  free_frame(old.pfn)");

    /**
     * cpu0 counts x up to k, one assignment per step; cpu1 copies x into y for ever; cpu2 toggles z
     * (a distraction that multiplies interleavings). y == k needs k steps of cpu0 and then one of
     * cpu1, so the shortest violation of "y != k" has exactly k + 1 steps.
     */
    static String countTo(int k) {
        StringBuilder count = new StringBuilder();
        for (int i = 1; i <= k; i++) {
            count.append(i > 1 ? "; " : "").append("x = ").append(i);
        }
        return """
                hardware x86 { cpus 3 }
                mm A { page p -> frame f writable }
                shared x = 0, y = -1, z = 0
                invariant y != %d
                cpu 0 runs A: { %s }
                cpu 1 runs A: loop { y = x }
                cpu 2 runs A: loop { z = 1 - z }
                """.formatted(k, count);
    }

    /** Two initiators that wait for acks with interrupts off (seed 000): deadlock after both disable and both send. */
    static final String TWO_INITIATORS = """
            hardware x86 { cpus 2 }
            mm A { page p -> frame f writable }
            irq flush(from) { flush_tlb_all(); ack(from) }
            proc shoot() {
              local_irq_disable()
              send_ipi(all_cpus - self, flush)
              wait until acked(all_cpus - self)
              local_irq_enable()
            }
            cpu 0 runs A: shoot()
            cpu 1 runs A: shoot()
            check no_deadlock
            """;

    /**
     * Whether any violation (a violating step, a broken invariant, or a deadlocked state) is reachable
     * in at most {@code depth} steps, by trying every action sequence: no fingerprints, no queue, no
     * trace, so it shares nothing with {@link BfsExplorer} but the machine.
     */
    static boolean violationWithin(Program program, int depth) {
        Machine m = new Machine(program);
        return search(program, m, m.initialState(), depth);
    }

    private static boolean search(Program program, Machine m, int[] s, int budget) {
        int[] actions = new int[m.maxActions()];
        int n = m.enabled(s, actions);
        if (program.properties().contains(Verdict.DEADLOCK) && m.deadlocked(s, actions, n)) {
            return true;
        }
        if (budget == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int[] next = s.clone();
            if (m.apply(next, actions[i], null) >= 0 || m.brokenInvariant(next) != null) {
                return true;
            }
            if (search(program, m, next, budget - 1)) {
                return true;
            }
        }
        return false;
    }
}
