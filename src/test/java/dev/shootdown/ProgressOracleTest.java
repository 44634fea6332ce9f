package dev.shootdown;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.model.Action;
import dev.shootdown.model.Machine;
import dev.shootdown.model.Program;
import dev.shootdown.model.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.IntBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * no_deadlock against a plain oracle that shares nothing with the search but the machine: whole
 * states as keys (no fingerprints), every successor list kept, and the states that can finish the
 * work found by iterating to a fixed point (no components). Run on every catalog entry and docs
 * model that checks no_deadlock, and on seeded random models full of spins, waits and IPIs.
 */
class ProgressOracleTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.shootdown.OracleModels#catalogAndDocs")
    @DisplayName("catalog and docs: no_deadlock is violated exactly when the oracle finds a state that cannot finish")
    void catalogAndDocs(String name, String source) {
        Program program = OracleModels.compileOrNull(source);
        if (program == null || !program.properties().contains(Verdict.DEADLOCK)) {
            return;
        }
        agree(name, program);
    }

    @Test
    @DisplayName("400 seeded random models of spins, waits, IPIs and interrupt masking: search and oracle agree")
    void randomModels() {
        SplittableRandom random = new SplittableRandom(0x5D0);
        int compiled = 0;
        int violated = 0;
        for (int i = 0; i < 400; i++) {
            String source = randomModel(random);
            Program program = OracleModels.compileOrNull(source);
            if (program == null) {
                continue;
            }
            compiled++;
            violated += agree("random model " + i + ":\n" + source, program) ? 1 : 0;
        }
        assertThat(compiled).as("most generated models compile").isGreaterThan(300);
        assertThat(violated).as("both verdicts occur").isBetween(40, compiled - 40);
    }

    /** Asserts that search and oracle agree; returns whether no_deadlock is violated. */
    private static boolean agree(String name, Program program) {
        CheckResult result = new BfsExplorer(program, CheckOptions.defaults()).run();
        if (!result.complete()) {
            return false; // a violation in the initial state: nothing to compare
        }
        boolean oracle = cannotFinish(program);
        assertThat(result.violation(Verdict.DEADLOCK) != null).as(name).isEqualTo(oracle);
        return oracle;
    }


    /**
     * Whether a reachable state is a deadlock (no action but background steps, and those cannot
     * lead anywhere else) or cannot reach a state where every CPU has finished or runs background
     * code. A step that breaks a property ends the execution there, so its state is not blamed.
     */
    static boolean cannotFinish(Program program) {
        Machine m = new Machine(program);
        int[] actions = new int[m.maxActions()];
        Map<IntBuffer, Integer> ids = new HashMap<>();
        List<int[]> states = new ArrayList<>();
        List<int[]> successors = new ArrayList<>();
        BitSet good = new BitSet();
        int[] init = m.initialState();
        ids.put(IntBuffer.wrap(init), 0);
        states.add(init);
        for (int at = 0; at < states.size(); at++) {
            int[] s = states.get(at);
            int n = m.enabled(s, actions);
            if (m.deadlocked(s, actions, n) && stuck(m, s)) {
                return true;
            }
            if (finished(m, program, s)) {
                good.set(at);
            }
            int[] succ = new int[n];
            int k = 0;
            for (int i = 0; i < n; i++) {
                int[] next = s.clone();
                if (m.apply(next, actions[i], null) >= 0 || m.brokenInvariant(next) != null) {
                    good.set(at);
                    continue;
                }
                Integer id = ids.get(IntBuffer.wrap(next));
                if (id == null) {
                    id = states.size();
                    ids.put(IntBuffer.wrap(next), id);
                    states.add(next);
                }
                succ[k++] = id;
            }
            successors.add(java.util.Arrays.copyOf(succ, k));
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int v = 0; v < states.size(); v++) {
                if (good.get(v)) {
                    continue;
                }
                for (int w : successors.get(v)) {
                    if (good.get(w)) {
                        good.set(v);
                        changed = true;
                        break;
                    }
                }
            }
        }
        return good.cardinality() < states.size();
    }

    private static boolean finished(Machine m, Program program, int[] s) {
        for (int c = 0; c < program.cpus(); c++) {
            if (!m.halted(s, c) && !m.inBackground(s, c)) {
                return false;
            }
        }
        return true;
    }

    /** Whether background steps alone can never lead from {@code s} to a state that is not deadlocked. */
    private static boolean stuck(Machine m, int[] s) {
        int[] actions = new int[m.maxActions()];
        Set<IntBuffer> seen = new HashSet<>(List.of(IntBuffer.wrap(s)));
        ArrayDeque<int[]> todo = new ArrayDeque<>(List.of(s));
        while (!todo.isEmpty()) {
            int[] x = todo.poll();
            int n = m.enabled(x, actions);
            if (!m.deadlocked(x, actions, n)) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (Action.kind(actions[i]) == Action.STEP) {
                    int[] next = x.clone();
                    if (m.apply(next, actions[i], null) < 0 && seen.add(IntBuffer.wrap(next))) {
                        todo.add(next);
                    }
                }
            }
        }
        return true;
    }

    private static final String[] KERNEL = {
            "x = 1", "x = 0", "y = 1", "while x == 0 { }", "while y == 0 { }", "wait until y == 1", "wait until x == 1",
            "local_irq_disable()", "local_irq_enable()", "send_ipi(all_cpus - self, h)", "while !acked(all_cpus - self) { }",
            "wait until acked(all_cpus - self)", "read(p)", "flush_tlb_all()", "if x == 1 { y = 1 }", "repeat 2 { read(p) }",
    };

    private static final String[] HANDLERS = {
            "irq h(from) { flush_tlb_all(); ack(from) }",
            "irq h(from) { ack(from); while x == 0 { } }",
            "irq h(from) { x = 1; ack(from) }",
            "irq h(from) { while y == 0 { } ack(from) }",
    };

    private static String randomModel(SplittableRandom random) {
        int cpus = 2 + random.nextInt(2);
        StringBuilder b = new StringBuilder("hardware x86 { cpus ").append(cpus).append(" }\n")
                .append("mm A { page p -> frame f writable }\nshared x = 0, y = 0\n")
                .append(HANDLERS[random.nextInt(HANDLERS.length)]).append('\n');
        for (int c = 0; c < cpus; c++) {
            b.append("cpu ").append(c).append(" runs A: ");
            int shape = random.nextInt(6);
            if (shape == 0) {
                b.append("loop { x = 1; x = 0 }\n");
                continue;
            }
            b.append("{ ");
            int n = 1 + random.nextInt(4);
            for (int i = 0; i < n; i++) {
                b.append(KERNEL[random.nextInt(KERNEL.length)]).append("; ");
            }
            b.append(shape == 1 ? "loop { read(p) } }\n" : "}\n");
        }
        return b.append("check no_deadlock\n").toString();
    }
}
