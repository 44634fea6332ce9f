package dev.shootdown.check;

import dev.shootdown.model.Action;
import dev.shootdown.model.Layout;
import dev.shootdown.model.Machine;
import dev.shootdown.model.Program;
import dev.shootdown.model.Snapshot;
import dev.shootdown.model.Symmetry;
import dev.shootdown.model.Verdict;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Rebuilds a counterexample from the trace log: walks the predecessor chain back to the initial
 * state, then re-executes forward, at each step applying the action the search took (its place
 * among the state's enabled actions, as the log keeps it), and narrates every step.
 */
public final class TraceRebuilder {
    private final Program program;
    private final TraceLog trace;
    /** The search's symmetry, or null: the log then holds the steps between representatives, and the walk follows those. */
    private final Symmetry symmetry;
    /** Whether the search ran with reductions, so with the machine it ran ({@link BfsExplorer#machine}). */
    private final boolean reductions;

    TraceRebuilder(Program program, boolean reductions, TraceLog trace, Symmetry symmetry) {
        this.program = program;
        this.reductions = reductions;
        this.trace = trace;
        this.symmetry = symmetry;
    }

    public Counterexample rebuild(Violation violation) {
        Deque<Integer> choices = new ArrayDeque<>();
        for (int i = violation.parent(); trace.parent(i) >= 0; i = trace.parent(i)) {
            choices.push(trace.choice(i));
        }
        Machine m = BfsExplorer.machine(program, reductions);
        int[] state = m.initialState();
        // What the reader sees is the whole machine's: the same actions on a machine that keeps the
        // bits the search left out (AccessedBitsTest: the two have the same runs and violations).
        shownBy = m.accessedBitsUntracked() ? Machine.unreduced(program) : m;
        shown = shownBy == m ? state : shownBy.initialState();
        Snapshot initial = shownBy.snapshot(shown);
        // The recorded places index the enabled actions of the search's machine (m), not the shown one's.
        // Under symmetry the search stepped from representative to representative: walk those (rep), and
        // keep the concrete state with the renumbering that takes rep to it (sigma).
        int[] rep = state.clone();
        int[] sigma = identity(program.cpus());
        if (symmetry != null && symmetry.canonicalize(rep)) {
            sigma = inverse(symmetry.lastPermutation());
        }
        List<Counterexample.Step> steps = new ArrayList<>();
        int[] actions = new int[m.maxActions()];
        while (!choices.isEmpty()) {
            int choice = choices.pop();
            int n = m.enabled(rep, actions);
            if (choice >= n) {
                throw new IllegalStateException("trace does not replay: action " + choice + " of " + n + " enabled");
            }
            int[] next = rep.clone();
            m.apply(next, actions[choice], null);
            int[] nextRep = next.clone();
            int[] moved = symmetry != null && symmetry.canonicalize(nextRep) ? symmetry.lastPermutation() : null;
            steps.add(narrate(m, state, concreteAction(m, state, sigma, actions[choice], next, -1), steps.size() + 1));
            if (moved != null) {
                sigma = compose(sigma, inverse(moved));
            }
            rep = nextRep;
        }
        String note = violation.note();
        int loopStart = 0;
        if (violation.lasso()) {
            int doomed = steps.size();
            loopStart = cycle(m, state, steps);
            String where = deadlockNote(m, state);
            note = loopStart == 0 ? "no CPU can move, and work is left (" + where + ")"
                    : "livelock: CPUs keep moving, but " + (doomed == 0 ? "from the start" : "after step " + doomed)
                        + " the work left can never finish; steps " + loopStart + "-" + steps.size() + " repeat for ever (" + where + ")";
        } else if (violation.action() >= 0) {
            int[] next = rep.clone();
            int verdict = m.apply(next, violation.action(), null);
            int action = concreteAction(m, state, sigma, violation.action(), next, verdict);
            List<String> notes = new ArrayList<>();
            int[] before = shown.clone();
            int v = shownBy.apply(shown, action, notes::add);
            String vnote = v >= 0 ? shownBy.violationNote() : violation.note();
            if (shown != state) {
                m.apply(state, action, null);
            }
            steps.add(step(before, action, steps.size() + 1, notes, true));
            note = vnote != null ? vnote : note;
        } else if (violation.verdict() == Verdict.DEADLOCK) {
            note = deadlockNote(m, state);
        }
        return new Counterexample(violation.verdict(), note, steps, program.cpus(), initial, loopStart, endReads(violation, steps, loopStart));
    }

    /**
     * The concrete CPUs' version of an action the search took in a representative: the action of
     * {@code state} (which is {@code sigma} applied to the representative) whose result is exactly
     * {@code sigma} applied to the representative's result {@code next} (with the same verdict,
     * {@code verdict}, or -1 for none). A renumbering maps transitions to transitions, so one exists.
     */
    private int concreteAction(Machine m, int[] state, int[] sigma, int action, int[] next, int verdict) {
        if (symmetry == null || java.util.Arrays.equals(sigma, identity(sigma.length))) {
            return action;
        }
        int[] target = new int[next.length];
        symmetry.permute(next, sigma, target);
        int[] actions = new int[m.maxActions()];
        int n = m.enabled(state, actions);
        for (int i = 0; i < n; i++) {
            int[] x = state.clone();
            int v = m.apply(x, actions[i], null);
            if ((v >= 0 ? v : -1) == (verdict >= 0 ? verdict : -1) && java.util.Arrays.equals(x, target)) {
                return actions[i];
            }
        }
        throw new IllegalStateException("trace does not replay: no action of the concrete CPUs matches the representative's step");
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int c = 0; c < n; c++) {
            p[c] = c;
        }
        return p;
    }

    private static int[] inverse(int[] p) {
        int[] q = new int[p.length];
        for (int c = 0; c < p.length; c++) {
            q[p[c]] = c;
        }
        return q;
    }

    /** First {@code first}, then {@code then}: CPU c becomes then[first[c]]. */
    private static int[] compose(int[] then, int[] first) {
        int[] r = new int[first.length];
        for (int c = 0; c < first.length; c++) {
            r[c] = then[first[c]];
        }
        return r;
    }

    /** The order in which a CPU's own actions are preferred on its turn: an interrupt is taken before the next instruction. */
    private static final int[] TURN_ORDER = {Action.IPI, Action.STEP, Action.DRAIN, Action.BCAST, Action.RCU_QS};

    /**
     * From a state whose work can never finish (so no successor's can either), runs the CPUs round
     * robin, each taking on its turn its first enabled action in {@link #TURN_ORDER}, until a (state,
     * turn) pair repeats: the cycle is fair to every CPU (one that can act does so each round), so it
     * shows the busy-wait as the hardware would run it, not one CPU starving the others. Evictions
     * and speculative walks are left out: they cannot finish the work either. Appends the steps and
     * returns the number of the cycle's first step, or 0 when no CPU can act (the walk ends there).
     */
    private int cycle(Machine m, int[] state, List<Counterexample.Step> steps) {
        record At(long fp, int turn) {}
        java.util.Map<At, Integer> seen = new java.util.HashMap<>();
        int cpus = program.cpus();
        int[] actions = new int[m.maxActions()];
        int turn = 0;
        while (steps.size() < MAX_LASSO_STEPS) {
            Integer first = seen.putIfAbsent(new At(Fingerprint.of(state), turn), steps.size() + 1);
            if (first != null) {
                return first;
            }
            int n = m.enabled(state, actions);
            int chosen = -1;
            for (int k = 0; k < cpus && chosen < 0; k++) {
                int c = (turn + k) % cpus;
                for (int kind : TURN_ORDER) {
                    chosen = firstOf(actions, n, c, kind);
                    if (chosen >= 0) {
                        turn = (c + 1) % cpus;
                        break;
                    }
                }
            }
            if (chosen < 0) {
                return 0;
            }
            steps.add(narrate(m, state, chosen, steps.size() + 1));
        }
        throw new IllegalStateException("no cycle within " + MAX_LASSO_STEPS + " steps of a state whose work cannot finish");
    }

    private static final int MAX_LASSO_STEPS = 100_000;

    private static int firstOf(int[] actions, int n, int cpu, int kind) {
        for (int i = 0; i < n; i++) {
            if (Action.cpu(actions[i]) == cpu && Action.kind(actions[i]) == kind) {
                return actions[i];
            }
        }
        return -1;
    }

    /** The machine the reader sees the counterexample on, and its state: the search's, or one with every bit kept. */
    private Machine shownBy;
    private int[] shown;

    /** Applies {@code action} to {@code state} in place, and to the state shown, hearing what it does there. */
    private Counterexample.Step narrate(Machine m, int[] state, int action, int number) {
        List<String> notes = new ArrayList<>();
        int[] before = shown.clone();
        shownBy.apply(shown, action, notes::add);
        if (shown != state) {
            m.apply(state, action, null);
        }
        return step(before, action, number, notes, false);
    }

    private Counterexample.Step step(int[] before, int action, int number, List<String> notes, boolean violating) {
        var pos = shownBy.position(before, action);
        return new Counterexample.Step(number, Action.cpu(action), shownBy.label(before, action), String.join("; ", notes),
                pos == null ? 0 : pos.line(), violating, shownBy.snapshot(shown), shownBy.footprint(before, action));
    }

    /**
     * What the end of the path depends on besides its steps (the slice starts there too): where no
     * step broke the property, a deadlock's stuck CPUs or a broken invariant; a lasso's cycle is its steps.
     */
    private java.util.Map<String, String> endReads(Violation violation, List<Counterexample.Step> steps, int loopStart) {
        boolean stepViolates = !steps.isEmpty() && steps.get(steps.size() - 1).violating();
        if (loopStart > 0) {
            return java.util.Map.of();
        }
        if (violation.verdict() == Verdict.DEADLOCK && !stepViolates) {
            return shownBy.stuckReads(shown);
        }
        if (shownBy.brokenInvariant(shown) != null) {
            return shownBy.invariantReads(shown);
        }
        return java.util.Map.of();
    }

    private String deadlockNote(Machine m, int[] s) {
        Layout l = m.layout();
        List<String> parts = new ArrayList<>();
        for (int c = 0; c < program.cpus(); c++) {
            int b = l.cpu(c);
            int flags = s[b + Layout.FLAGS];
            String where = m.label(s, Action.of(Action.STEP, c, 0));
            boolean irqOn = (flags & Layout.IRQ_ON) != 0;
            boolean pending = false;
            for (int h = 0; h < l.handlers; h++) {
                pending |= s[b + Layout.PENDING + h] != 0;
            }
            if (where.equals("done") && !pending || m.inBackground(s, c) && m.canStep(s, c)) {
                continue;
            }
            parts.add("cpu" + c + " at '" + where + "'" + (irqOn ? "" : " with interrupts off") + (pending ? ", an IPI pending" : ""));
        }
        return String.join("; ", parts);
    }
}
