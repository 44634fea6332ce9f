package dev.shootdown.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU sets of any size as handles to hash-consed bit sets: equal sets get equal handles, so states
 * and comparisons stay plain ints. Handle 0 is the empty set. Results of binary operations are
 * memoised, so a simulation that keeps combining the same few sets allocates nothing after warm-up.
 */
public final class InternedCpuSets implements CpuSets {
    private final int words;
    private final List<long[]> sets = new ArrayList<>();
    private final Map<Key, Integer> ids = new HashMap<>();
    private final LongIntMap unions = new LongIntMap();
    private final LongIntMap diffs = new LongIntMap();
    private final LongIntMap inters = new LongIntMap();
    private final int[] singles;

    private record Key(long[] bits) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bits, k.bits);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bits);
        }
    }

    public InternedCpuSets(int cpus) {
        this.words = (cpus + 63) / 64;
        intern(new long[words]);
        singles = new int[cpus];
        for (int c = 0; c < cpus; c++) {
            long[] b = new long[words];
            b[c >>> 6] |= 1L << (c & 63);
            singles[c] = intern(b);
        }
    }

    private int intern(long[] bits) {
        Key k = new Key(bits);
        Integer id = ids.get(k);
        if (id != null) {
            return id;
        }
        sets.add(bits);
        ids.put(k, sets.size() - 1);
        return sets.size() - 1;
    }

    private static long pair(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    @Override
    public int single(int cpu) {
        return cpu >= 0 && cpu < singles.length ? singles[cpu] : 0;
    }

    @Override
    public int union(int a, int b) {
        if (a == b || b == 0) {
            return a;
        }
        if (a == 0) {
            return b;
        }
        return memo(unions, pair(Math.min(a, b), Math.max(a, b)), a, b, 0);
    }

    @Override
    public int diff(int a, int b) {
        if (a == 0 || b == 0) {
            return a;
        }
        return memo(diffs, pair(a, b), a, b, 1);
    }

    @Override
    public int inter(int a, int b) {
        if (a == 0 || b == 0) {
            return 0;
        }
        if (a == b) {
            return a;
        }
        return memo(inters, pair(Math.min(a, b), Math.max(a, b)), a, b, 2);
    }

    private int memo(LongIntMap table, long key, int a, int b, int op) {
        int r = table.get(key);
        if (r < 0) {
            r = combine(a, b, op);
            table.put(key, r);
        }
        return r;
    }

    private int combine(int a, int b, int op) {
        long[] x = sets.get(a);
        long[] y = sets.get(b);
        long[] r = new long[words];
        for (int w = 0; w < words; w++) {
            r[w] = switch (op) {
                case 0 -> x[w] | y[w];
                case 1 -> x[w] & ~y[w];
                default -> x[w] & y[w];
            };
        }
        return intern(r);
    }

    @Override
    public boolean contains(int set, int cpu) {
        if (cpu < 0 || cpu >= singles.length) {
            return false;
        }
        return (sets.get(set)[cpu >>> 6] & (1L << (cpu & 63))) != 0;
    }

    @Override
    public boolean disjoint(int a, int b) {
        if (a == 0 || b == 0) {
            return true;
        }
        long[] x = sets.get(a);
        long[] y = sets.get(b);
        for (int w = 0; w < words; w++) {
            if ((x[w] & y[w]) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int count(int set) {
        int n = 0;
        for (long w : sets.get(set)) {
            n += Long.bitCount(w);
        }
        return n;
    }

    @Override
    public int next(int set, int from) {
        long[] bits = sets.get(set);
        if (from < 0) {
            from = 0;
        }
        int w = from >>> 6;
        if (w >= words) {
            return -1;
        }
        long word = bits[w] & (-1L << (from & 63));
        while (true) {
            if (word != 0) {
                return w * 64 + Long.numberOfTrailingZeros(word);
            }
            if (++w == words) {
                return -1;
            }
            word = bits[w];
        }
    }

    @Override
    public int fromMask(long mask) {
        long[] b = new long[words];
        b[0] = mask;
        if (singles.length < 64) {
            b[0] &= (1L << singles.length) - 1;
        }
        return intern(b);
    }

    @Override
    public int of(int... cpus) {
        int s = 0;
        for (int c : cpus) {
            s = union(s, single(c));
        }
        return s;
    }
}
