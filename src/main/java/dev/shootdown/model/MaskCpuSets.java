package dev.shootdown.model;

/** CPU sets of up to 31 CPUs as the bit mask itself: every operation is one instruction. */
public final class MaskCpuSets implements CpuSets {
    public static final int MAX_CPUS = 31;

    @Override
    public int single(int cpu) {
        return cpu >= 0 && cpu < MAX_CPUS ? 1 << cpu : 0;
    }

    @Override
    public int union(int a, int b) {
        return a | b;
    }

    @Override
    public int diff(int a, int b) {
        return a & ~b;
    }

    @Override
    public int inter(int a, int b) {
        return a & b;
    }

    @Override
    public boolean contains(int set, int cpu) {
        return cpu >= 0 && cpu < MAX_CPUS && (set & (1 << cpu)) != 0;
    }

    @Override
    public boolean disjoint(int a, int b) {
        return (a & b) == 0;
    }

    @Override
    public int count(int set) {
        return Integer.bitCount(set);
    }

    @Override
    public int next(int set, int from) {
        if (from >= MAX_CPUS) {
            return -1;
        }
        int rest = set & (-1 << from);
        return rest == 0 ? -1 : Integer.numberOfTrailingZeros(rest);
    }

    @Override
    public int fromMask(long mask) {
        return (int) (mask & 0x7fffffffL);
    }

    @Override
    public int of(int[] cpus, int from, int count) {
        int m = 0;
        for (int i = from; i < from + count; i++) {
            m |= single(cpus[i]);
        }
        return m;
    }
}
