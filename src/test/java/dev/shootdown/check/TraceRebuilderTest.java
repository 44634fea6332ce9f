package dev.shootdown.check;

import dev.shootdown.model.Action;
import dev.shootdown.model.Machine;
import dev.shootdown.model.Program;
import dev.shootdown.model.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rebuilt counterexample must be a real execution: replaying its steps on a fresh machine, by CPU
 * and statement alone, must give the same narration at every step and end in the same violation.
 */
class TraceRebuilderTest {

    @Test
    @DisplayName("seed 000: the rebuilt use-after-free replays step by step and its last step violates")
    void useAfterFreeReplays() {
        Program program = Models.compile(Models.SEED_000_NO_WAIT);
        Counterexample cx = firstCounterexample(program);

        assertThat(cx.verdict()).isEqualTo(Verdict.USE_AFTER_FREE);
        assertThat(cx.note()).isEqualTo("load reaches frame f, which is free");
        assertThat(cx.steps()).extracting(Counterexample.Step::number).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(cx.steps()).extracting(Counterexample.Step::violating).containsExactly(false, false, false, false, false, true);
        Counterexample.Step last = cx.steps().get(5);
        assertThat(last.cpu()).isEqualTo(1);
        assertThat(last.action()).isEqualTo("read(p)");
        assertThat(last.line()).as("the line of cpu1's program").isEqualTo(11);

        int[] end = replay(program, cx);
        assertThat(end).as("replay reaches the violation").isNotNull();
    }

    @Test
    @DisplayName("an invariant counterexample replays and its last step breaks the invariant")
    void invariantReplays() {
        Program program = Models.compile(Models.countTo(3));
        Counterexample cx = firstCounterexample(program);

        assertThat(cx.verdict()).isEqualTo(Verdict.ASSERTION);
        assertThat(replay(program, cx)).isNotNull();
    }

    @Test
    @DisplayName("a deadlock counterexample replays to a deadlocked state and names where each CPU is stuck")
    void deadlockReplays() {
        Program program = Models.compile(Models.TWO_INITIATORS);
        Counterexample cx = firstCounterexample(program);

        assertThat(cx.verdict()).isEqualTo(Verdict.DEADLOCK);
        assertThat(cx.steps()).hasSize(4).noneMatch(Counterexample.Step::violating);
        assertThat(cx.note()).contains("cpu0", "cpu1", "interrupts off", "IPI pending");

        Machine m = new Machine(program);
        int[] end = replay(program, cx);
        assertThat(end).isNotNull();
        int[] actions = new int[m.maxActions()];
        assertThat(m.deadlocked(end, actions, m.enabled(end, actions))).isTrue();
    }

    private static Counterexample firstCounterexample(Program program) {
        BfsExplorer explorer = new BfsExplorer(program, CheckOptions.defaults());
        CheckResult result = explorer.run();
        assertThat(result.violations()).isNotEmpty();
        return explorer.rebuilder().rebuild(result.violations().get(0));
    }

    /**
     * Replays {@code cx} from the initial state choosing, at each step, among the enabled actions of
     * the step's CPU whose label is the step's statement and whose narration is the step's note
     * (backtracking if several match). Returns the final state, or null when no choice reproduces it.
     * A violating last step must return the counterexample's verdict.
     */
    static int[] replay(Program program, Counterexample cx) {
        // Counterexamples are shown on the whole machine, accessed bits included.
        Machine m = Machine.unreduced(program);
        return replay(program, m, m.initialState(), cx, 0);
    }

    private static int[] replay(Program program, Machine m, int[] s, Counterexample cx, int i) {
        if (i == cx.steps().size()) {
            return s;
        }
        Counterexample.Step step = cx.steps().get(i);
        int[] actions = new int[m.maxActions()];
        int n = m.enabled(s, actions);
        for (int k = 0; k < n; k++) {
            int a = actions[k];
            if (Action.cpu(a) != step.cpu() || !m.label(s, a).equals(step.action())) {
                continue;
            }
            int[] next = s.clone();
            List<String> notes = new ArrayList<>();
            int v = m.apply(next, a, notes::add);
            if (!String.join("; ", notes).equals(step.note())) {
                continue;
            }
            boolean violates = v >= 0 ? Verdict.values()[v] == cx.verdict() : m.brokenInvariant(next) != null && cx.verdict() == Verdict.ASSERTION;
            if (step.violating() != violates) {
                continue;
            }
            int[] end = replay(program, m, next, cx, i + 1);
            if (end != null) {
                return end;
            }
        }
        return null;
    }
}
