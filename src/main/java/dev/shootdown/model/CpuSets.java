package dev.shootdown.model;

/**
 * CPU-set values as ints. The checker's machines are small and use the bit mask itself
 * ({@link MaskCpuSets}); the simulator's run to thousands of CPUs and use handles to interned sets
 * ({@link CollectedCpuSets}). In both, 0 is the empty set, so a zeroed state holds empty sets.
 */
public interface CpuSets {
    int single(int cpu);

    int union(int a, int b);

    int diff(int a, int b);

    int inter(int a, int b);

    boolean contains(int set, int cpu);

    boolean disjoint(int a, int b);

    int count(int set);

    /** The first member at or after {@code from}, or -1. */
    int next(int set, int from);

    /** The set of CPUs 0..n-1 whose bit is set in {@code mask} (for initial values written as masks). */
    int fromMask(long mask);

    /** The set of the given CPUs. */
    default int of(int... cpus) {
        return of(cpus, 0, cpus.length);
    }

    /** The set of the {@code count} CPUs at {@code cpus[from..]}: one set made, not one per member. */
    int of(int[] cpus, int from, int count);

    static CpuSets forCpus(int cpus) {
        return cpus <= MaskCpuSets.MAX_CPUS ? new MaskCpuSets() : new CollectedCpuSets(cpus);
    }

    default String describe(int set) {
        StringBuilder sb = new StringBuilder("{");
        for (int c = next(set, 0); c >= 0; c = next(set, c + 1)) {
            sb.append(sb.length() > 1 ? "," : "").append("cpu").append(c);
        }
        return sb.append('}').toString();
    }
}
