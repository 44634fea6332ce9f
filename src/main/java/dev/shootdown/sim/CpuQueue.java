package dev.shootdown.sim;

import java.util.Arrays;

/**
 * The CPUs waiting for their turn, ordered by the time of their next action, ties by CPU number
 * (so a run is deterministic). A tournament tree: one leaf per CPU holding its key (time in the
 * high bits, CPU in the low 12, so a comparison is one compare), every inner node the smaller of
 * its two children, the root the earliest CPU. Moving a CPU rewrites the nodes on its path to the
 * root, one conditional move per level, and stops where a node does not change. Unlike a heap,
 * nothing moves: the position of a CPU is fixed, so there is no index to maintain and a CPU can be
 * moved either way or taken out in place.
 */
final class CpuQueue {
    static final int CPU_BITS = 12;
    private static final long CPU_MASK = (1L << CPU_BITS) - 1;
    /** An empty leaf: larger than every key. */
    private static final long EMPTY = Long.MAX_VALUE;
    /** Times beyond this do not fit next to a CPU number (about 200 hours at 3 GHz). */
    static final long MAX_TIME = (Long.MAX_VALUE >>> CPU_BITS) - 1;

    private final long[] tree;
    private final int leaves;
    /** Levels from a leaf to the root: the loops below count them, so the JIT sees a counted loop (no safepoint poll per level). */
    private final int depth;

    CpuQueue(int cpus) {
        if (cpus > (1 << CPU_BITS)) {
            throw new IllegalArgumentException("at most " + (1 << CPU_BITS) + " CPUs");
        }
        leaves = Integer.highestOneBit(Math.max(1, cpus - 1)) << 1;
        depth = Integer.numberOfTrailingZeros(leaves);
        tree = new long[2 * leaves];
        Arrays.fill(tree, EMPTY);
    }

    boolean isEmpty() {
        return tree[1] == EMPTY;
    }

    boolean contains(int cpu) {
        return tree[leaves + cpu] != EMPTY;
    }

    long topTime() {
        return tree[1] >>> CPU_BITS;
    }

    int topCpu() {
        return (int) (tree[1] & CPU_MASK);
    }

    /** The time {@code cpu} is queued at; only meaningful when {@link #contains} it. */
    long time(int cpu) {
        return tree[leaves + cpu] >>> CPU_BITS;
    }

    /** Puts {@code cpu} in the queue at {@code time}, or moves it there. */
    void put(int cpu, long time) {
        set(leaves + cpu, (Math.min(time, MAX_TIME) << CPU_BITS) | cpu);
    }

    /**
     * Moves the earliest CPU, {@code cpu}, to {@code time}: every node on its path held its key, so
     * each level is rewritten without the comparison that lets {@link #put} stop early.
     */
    void moveTop(int cpu, long time) {
        long[] t = tree;
        int i = leaves + cpu;
        long key = (Math.min(time, MAX_TIME) << CPU_BITS) | cpu;
        t[i] = key;
        for (int level = 0; level < depth; level++) {
            key = min(key, t[i ^ 1]);
            i >>>= 1;
            t[i] = key;
        }
    }

    /**
     * The smaller of two keys. Which of two siblings is earlier is a coin toss that a branch predictor
     * loses about half the time, ten times per step: this comparison's own profile (unlike the shared
     * one of Math.min) shows C2 a 50/50 branch, which it compiles to a conditional move (bench: 8%
     * less CPU per run than an arithmetic min; Math.min compiled to a branch here).
     */
    private static long min(long a, long b) {
        return a < b ? a : b;
    }

    /** Takes the earliest CPU out of the queue and returns it. */
    int pop() {
        int top = topCpu();
        set(leaves + top, EMPTY);
        return top;
    }

    /** Takes {@code cpu} out of the queue, if it is in it. */
    void remove(int cpu) {
        set(leaves + cpu, EMPTY);
    }

    private void set(int i, long key) {
        long[] t = tree;
        t[i] = key;
        for (int level = 0; level < depth; level++) {
            long m = min(key, t[i ^ 1]);
            i >>>= 1;
            if (t[i] == m) {
                return;
            }
            t[i] = m;
            key = m;
        }
    }
}
