package dev.shootdown;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.check.Fingerprint;
import dev.shootdown.model.Machine;
import dev.shootdown.model.Program;
import dev.shootdown.model.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leaving the accessed bits clear in a model that never reads them (the checker's default) against
 * the machine that keeps every bit ({@code --no-reductions}): explored side by side from the initial
 * states, every pair of states the two reach by the same actions enables the same actions, breaks
 * the same properties on each, and agrees on invariants and deadlock. So the two machines have the
 * same runs and the same violations on them, and only the number of distinct states differs.
 */
class AccessedBitsTest {
    /** Pairs explored per model: enough to pass every step of the catalog's protocols many times. */
    private static final int MAX_PAIRS = 15_000;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.shootdown.OracleModels#catalogAndDocs")
    @DisplayName("catalog and docs: the machine without accessed bits has the runs and violations of the one with them")
    void catalogAndDocs(String name, String source) {
        Program program = OracleModels.compileOrNull(source);
        if (program != null) {
            sameRuns(name, program);
        }
    }

    @Test
    @DisplayName("150 seeded random models: the same runs and violations")
    void randomModels() {
        SplittableRandom random = new SplittableRandom(0xAB17);
        int untracked = 0;
        for (int i = 0; i < 150; i++) {
            String source = SymmetryTest.randomModel(random);
            Program program = OracleModels.compileOrNull(source);
            if (program != null) {
                untracked += sameRuns("random model " + i + ":\n" + source, program) ? 1 : 0;
            }
        }
        assertThat(untracked).as("random models read no accessed bit, so their machines leave them clear").isGreaterThan(120);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ok = ptep_get(p).accessed", "ok = ptep_get(p) == ptep_get(q)", "ok = ptep_cmpxchg(p, ptep_get(p), ptep_get(q))",
            "ok = ptep_test_and_clear_young(p)"})
    @DisplayName("each way of reading an accessed bit keeps them tracked")
    void readersKeepTheBits(String statement) {
        Program program = OracleModels.compile("hardware x86 { cpus 2 }\nmm A { page p -> frame f writable; page q -> frame g writable }\n"
                + "cpu 0 runs A: { " + statement + " }\ncpu 1 runs A: { read(p) }\n");
        assertThat(program.accessedReads()).isNotEmpty();
        assertThat(new Machine(program).accessedBitsUntracked()).isFalse();
    }

    @Test
    @DisplayName("a compare-and-exchange that a walk's accessed bit makes fail is still found")
    void cmpxchgSeesTheWalk() {
        // The kernel reads the PTE and swaps in a write-protected copy; CPU 1's walk sets A in between,
        // so the compare fails: the race behind Linux's ptep_set_access_flags / ptep_cmpxchg loops.
        Program program = OracleModels.compile("hardware x86 { cpus 2 }\nmm A { page p -> frame f writable }\n"
                + "cpu 0 runs A: { old = ptep_get(p); ok = ptep_cmpxchg(p, old, pte_wrprotect(old)); assert ok, \"PTE changed under us\" }\n"
                + "cpu 1 runs A: { read(p) }\ncheck no_use_after_free\n");
        CheckResult r = new BfsExplorer(program, CheckOptions.defaults()).run();
        assertThat(r.accessedBitsUntracked()).isFalse();
        assertThat(r.verdict()).isEqualTo(Verdict.ASSERTION);
    }

    @Test
    @DisplayName("a model that never reads accessed bits has fewer states without them, and says so")
    void fewerStates() {
        Program program = OracleModels.compile("hardware x86 { cpus 3 }\nmm A { page p -> frame f writable }\n"
                + "cpu 0 runs A: { old = ptep_get_and_clear(p); flush_tlb_page(p); set_pte(p, mk_pte(old.pfn, true)) }\n"
                + "cpu 1.. runs A: { read(p); write(p) }\ncheck no_use_after_free\n");
        CheckResult reduced = new BfsExplorer(program, CheckOptions.defaults()).run();
        CheckResult plain = new BfsExplorer(program, CheckOptions.defaults().withReductions(false)).run();
        assertThat(reduced.accessedBitsUntracked()).isTrue();
        assertThat(plain.accessedBitsUntracked()).isFalse();
        assertThat(reduced.verdict()).isEqualTo(plain.verdict());
        assertThat(reduced.stats().states()).isLessThan(plain.stats().states());
    }

    /** Explores the two machines in step; returns whether the reduced one leaves the bits clear. */
    private static boolean sameRuns(String name, Program program) {
        Machine kept = Machine.unreduced(program);
        Machine cleared = new Machine(program);
        int[] a0 = kept.initialState();
        int[] b0 = cleared.initialState();
        assertThat(b0).as(name + ": initial states").isEqualTo(a0);
        ArrayDeque<int[][]> todo = new ArrayDeque<>();
        Set<Long> seen = new HashSet<>();
        todo.add(new int[][] {a0, b0});
        seen.add(pair(a0, b0));
        int[] actionsA = new int[kept.maxActions()];
        int[] actionsB = new int[cleared.maxActions()];
        while (!todo.isEmpty() && seen.size() < MAX_PAIRS) {
            int[][] p = todo.poll();
            int[] a = p[0];
            int[] b = p[1];
            int n = kept.enabled(a, actionsA);
            int m = cleared.enabled(b, actionsB);
            assertThat(Arrays.copyOf(actionsB, m)).as(name + ": enabled actions").isEqualTo(Arrays.copyOf(actionsA, n));
            assertThat(cleared.deadlocked(b, actionsB, m)).as(name + ": deadlock").isEqualTo(kept.deadlocked(a, actionsA, n));
            assertThat(cleared.finished(b)).as(name + ": finished").isEqualTo(kept.finished(a));
            assertThat(cleared.brokenInvariant(b)).as(name + ": invariants").isEqualTo(kept.brokenInvariant(a));
            for (int i = 0; i < n; i++) {
                int[] na = a.clone();
                int[] nb = b.clone();
                int va = kept.apply(na, actionsA[i], null);
                int vb = cleared.apply(nb, actionsA[i], null);
                assertThat(vb).as(name + ": violation of action " + kept.label(a, actionsA[i])).isEqualTo(va);
                if (va < 0 && seen.add(pair(na, nb))) {
                    todo.add(new int[][] {na, nb});
                }
            }
        }
        return cleared.accessedBitsUntracked();
    }

    private static long pair(int[] a, int[] b) {
        return Fingerprint.of(a) * 31 + Fingerprint.of(b);
    }
}
