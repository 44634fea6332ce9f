package dev.shootdown.model;


import java.util.Arrays;

/**
 * CPU sets of any size as handles to hash-consed bit sets (equal sets, equal handles; 0 is empty),
 * stored flat, memoising binary operations, and garbage-collected on request. A simulation keeps
 * making new sets (every order in which acks arrive gives new subsets), so the engine calls
 * {@link #collect} between steps: every set made before the run started is kept, every set some
 * word of the machine state holds (a conservative scan: a word that merely looks like a handle keeps
 * a set alive, which is safe), and every set an operation produced since the last collection (the
 * subsets each round of acks walks through again, with the memoised operations that make them).
 */
public final class CollectedCpuSets implements CpuSets {
    private final int cpus;
    private final int words;
    private long[] bits;
    private int[] hashOf;
    private int capacity;
    private int used;
    private int[] free = new int[64];
    private int freeCount;
    private int live;
    private boolean[] pinned;
    private boolean[] allocated;
    private boolean[] touched;
    private int[] table;
    private int tableMask;
    private final LongIntMap unions = new LongIntMap();
    private final LongIntMap diffs = new LongIntMap();
    private final LongIntMap inters = new LongIntMap();
    private final int[] singles;
    private final long[] scratch;
    private int collections;
    private long made;

    public CollectedCpuSets(int cpus) {
        this.cpus = cpus;
        this.words = (cpus + 63) >>> 6;
        this.capacity = 1024;
        this.bits = new long[capacity * words];
        this.hashOf = new int[capacity];
        this.pinned = new boolean[capacity];
        this.allocated = new boolean[capacity];
        this.touched = new boolean[capacity];
        this.table = new int[4096];
        Arrays.fill(table, -1);
        this.tableMask = table.length - 1;
        this.scratch = new long[words];
        intern(scratch); // handle 0: the empty set
        singles = new int[cpus];
        for (int c = 0; c < cpus; c++) {
            Arrays.fill(scratch, 0);
            scratch[c >>> 6] = 1L << (c & 63);
            singles[c] = intern(scratch);
        }
    }

    /** How many sets exist now. */
    public int live() {
        return live;
    }

    public int collections() {
        return collections;
    }

    public long made() {
        return made;
    }

    /** Keeps every set that exists now for good (those the machine made before the run: masks of address spaces, constants). */
    public void pinAll() {
        for (int h = 0; h < used; h++) {
            if (allocated[h]) {
                pinned[h] = true;
            }
        }
    }

    /** Frees every set neither pinned, nor named by a word of {@code state}, nor made or reused since the last collection. */
    public void collect(int[] state) {
        collections++;
        boolean[] keep = new boolean[used];
        for (int v : state) {
            if (v > 0 && v < used) {
                keep[v] = true;
            }
        }
        for (int h = 1; h < used; h++) {
            if (touched[h]) {
                keep[h] = true;
                touched[h] = false;
            }
            if (allocated[h] && !pinned[h] && !keep[h]) {
                allocated[h] = false;
                live--;
                if (freeCount == free.length) {
                    free = Arrays.copyOf(free, freeCount * 2);
                }
                free[freeCount++] = h;
            }
        }
        rebuildTable();
        retainLive(unions);
        retainLive(diffs);
        retainLive(inters);
    }

    /** Keeps the memoised operations whose operands and result all still exist. */
    private void retainLive(LongIntMap memo) {
        long[] keys = new long[memo.size()];
        int[] values = new int[memo.size()];
        int[] n = {0};
        memo.forEach((k, v) -> {
            if (allocated[(int) (k >>> 32)] && allocated[(int) k] && allocated[v]) {
                keys[n[0]] = k;
                values[n[0]++] = v;
            }
        });
        memo.clear();
        for (int i = 0; i < n[0]; i++) {
            memo.put(keys[i], values[i]);
        }
    }

    private void rebuildTable() {
        int size = Integer.highestOneBit(Math.max(4096, live * 4 - 1)) << 1;
        table = new int[size];
        Arrays.fill(table, -1);
        tableMask = size - 1;
        for (int h = 0; h < used; h++) {
            if (allocated[h]) {
                int i = hashOf[h] & tableMask;
                while (table[i] >= 0) {
                    i = (i + 1) & tableMask;
                }
                table[i] = h;
            }
        }
    }

    private static int hash(long[] b) {
        long h = 0x9E3779B97F4A7C15L;
        for (long w : b) {
            h = (h ^ w) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        return (int) h;
    }

    private boolean sameAs(int handle, long[] b) {
        int base = handle * words;
        for (int w = 0; w < words; w++) {
            if (bits[base + w] != b[w]) {
                return false;
            }
        }
        return true;
    }

    private int intern(long[] b) {
        int hash = hash(b);
        int i = hash & tableMask;
        while (table[i] >= 0) {
            int h = table[i];
            if (hashOf[h] == hash && sameAs(h, b)) {
                return h;
            }
            i = (i + 1) & tableMask;
        }
        int h;
        if (freeCount > 0) {
            h = free[--freeCount];
        } else {
            if (used == capacity) {
                capacity *= 2;
                bits = Arrays.copyOf(bits, capacity * words);
                hashOf = Arrays.copyOf(hashOf, capacity);
                pinned = Arrays.copyOf(pinned, capacity);
                allocated = Arrays.copyOf(allocated, capacity);
                touched = Arrays.copyOf(touched, capacity);
            }
            h = used++;
        }
        System.arraycopy(b, 0, bits, h * words, words);
        made++;
        hashOf[h] = hash;
        allocated[h] = true;
        live++;
        table[i] = h;
        if (live * 2 > table.length) {
            rebuildTable();
        }
        return h;
    }

    private static long pair(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    private int memo(LongIntMap m, long key, int a, int b, int op) {
        int r = m.get(key);
        if (r >= 0) {
            touched[r] = true;
            return r;
        }
        int x = a * words;
        int y = b * words;
        for (int w = 0; w < words; w++) {
            scratch[w] = switch (op) {
                case 0 -> bits[x + w] | bits[y + w];
                case 1 -> bits[x + w] & ~bits[y + w];
                default -> bits[x + w] & bits[y + w];
            };
        }
        r = intern(scratch);
        touched[r] = true;
        m.put(key, r);
        return r;
    }

    @Override
    public int single(int cpu) {
        return cpu >= 0 && cpu < cpus ? singles[cpu] : 0;
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
        if (a == b) {
            return 0;
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

    @Override
    public boolean contains(int set, int cpu) {
        return cpu >= 0 && cpu < cpus && (bits[set * words + (cpu >>> 6)] & (1L << (cpu & 63))) != 0;
    }

    @Override
    public boolean disjoint(int a, int b) {
        if (a == 0 || b == 0) {
            return true;
        }
        int x = a * words;
        int y = b * words;
        for (int w = 0; w < words; w++) {
            if ((bits[x + w] & bits[y + w]) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int count(int set) {
        int n = 0;
        int x = set * words;
        for (int w = 0; w < words; w++) {
            n += Long.bitCount(bits[x + w]);
        }
        return n;
    }

    @Override
    public int next(int set, int from) {
        if (from < 0) {
            from = 0;
        }
        int w = from >>> 6;
        if (w >= words) {
            return -1;
        }
        int x = set * words;
        long word = bits[x + w] & (-1L << (from & 63));
        while (true) {
            if (word != 0) {
                int c = (w << 6) + Long.numberOfTrailingZeros(word);
                return c < cpus ? c : -1;
            }
            if (++w == words) {
                return -1;
            }
            word = bits[x + w];
        }
    }

    @Override
    public int fromMask(long mask) {
        Arrays.fill(scratch, 0);
        scratch[0] = cpus < 64 ? mask & ((1L << cpus) - 1) : mask;
        return intern(scratch);
    }

    @Override
    public int of(int[] cs, int from, int count) {
        if (count == 0) {
            return 0;
        }
        if (count == 1) {
            return single(cs[from]);
        }
        Arrays.fill(scratch, 0);
        for (int i = from; i < from + count; i++) {
            int c = cs[i];
            if (c >= 0 && c < cpus) {
                scratch[c >>> 6] |= 1L << (c & 63);
            }
        }
        int r = intern(scratch);
        touched[r] = true;
        return r;
    }
}
