package dev.shootdown.check;

import dev.shootdown.model.Machine;
import dev.shootdown.model.Symmetry;

/**
 * What expanding one state gives, computed ahead by a worker (see {@link Frontier}): for each enabled
 * action, its outcome (a new state's fingerprint, a violation, a broken invariant), plus whether the
 * state is a deadlock and whether its work is finished. Everything here is a pure function of the
 * state, so it is the same on any thread; what the search does with it (which states are new, their
 * numbers, the order of the queue, the violations kept) is decided on the search's own thread, in
 * breadth-first order, exactly as a search on one thread would.
 */
final class Expansion {
    static final byte SUCCESSOR = 0;
    static final byte VIOLATION = 1;
    static final byte INVARIANT = 2;

    final int[] state;
    /** The state packed, from bit 0, and its bits. */
    final long[] packed;
    int packedBits;
    int index;
    int depth;
    int n;
    int[] actions;
    byte[] outcome;
    int[] verdict;
    String[] broken;
    long[] fps;
    /** Per successor: already in the visited set when the worker looked (so surely not new). */
    boolean[] known;
    boolean deadlocked;
    boolean finished;
    /**
     * Partial-order reduction: the place of a step the search may take alone (a singleton ample set whose
     * successor breaks nothing: {@link Machine#ample}), or -1. The search takes it alone only if its successor is new.
     */
    int ample;

    Expansion(int size, int packedLongs) {
        state = new int[size];
        packed = new long[packedLongs];
        room(8);
    }

    /** Per-action arrays for {@code n} actions: grown on demand, since the most a state can have may be far above what most have. */
    private void room(int n) {
        if (actions == null || actions.length < n) {
            int cap = Math.max(n, actions == null ? 0 : actions.length * 2);
            actions = new int[cap];
            outcome = new byte[cap];
            verdict = new int[cap];
            broken = new String[cap];
            fps = new long[cap];
            known = new boolean[cap];
        }
    }

    /**
     * Expands {@link #state} with a worker's own machine and symmetry (neither is shared between
     * threads). {@code deadlocks}: whether to test for a deadlock, which costs a closure search; {@code partialOrder}:
     * whether to look for an {@link #ample} step.
     */
    void compute(Machine machine, Symmetry symmetry, StatePacker packer, boolean invariants, boolean deadlocks, boolean partialOrder, int[] scratch,
                 int[] enabled, long[] successor, OpenAddressingFingerprintSet seen) {
        n = machine.enabled(state, enabled);
        room(n);
        System.arraycopy(enabled, 0, actions, 0, n);
        deadlocked = deadlocks && machine.deadlocked(state, actions, n) && BfsExplorer.stuck(machine, state);
        finished = deadlocks && machine.finished(state);
        for (int i = 0; i < n; i++) {
            System.arraycopy(state, 0, scratch, 0, state.length);
            int v = machine.apply(scratch, actions[i], null);
            broken[i] = null;
            if (v >= 0) {
                outcome[i] = VIOLATION;
                verdict[i] = v;
                continue;
            }
            String b = invariants ? machine.brokenInvariant(scratch) : null;
            if (b != null) {
                outcome[i] = INVARIANT;
                broken[i] = b;
                continue;
            }
            if (symmetry != null) {
                symmetry.canonicalize(scratch);
            }
            outcome[i] = SUCCESSOR;
            fps[i] = Fingerprint.of(successor, 0, StatePacker.longs(packer.packSuccessor(state, packed, packedBits, scratch, successor, 0)));
            known[i] = seen != null && seen.surelyContains(fps[i]);
        }
        ample = partialOrder ? machine.ample(state, actions, n) : -1;
        if (ample >= 0 && outcome[ample] != SUCCESSOR) {
            ample = -1;
        }
    }
}
