package dev.shootdown.check;

/**
 * Fingerprints in one {@code long[]} with linear probing; 0 marks an empty slot, so a zero
 * fingerprint is stored as another constant. Grows by doubling at 3/4 load.
 *
 * <p>One thread adds; others may ask {@link #surelyContains} at the same time. Slots are written
 * whole (opaque stores, never torn) and never change once filled, and a grown table is published
 * only when full, so a fingerprint another thread finds was added: a reader may miss a fingerprint
 * being added, never see one that was not.
 */
public final class OpenAddressingFingerprintSet implements FingerprintSet {
    private static final java.lang.invoke.VarHandle SLOTS = java.lang.invoke.MethodHandles.arrayElementVarHandle(long[].class);
    private static final long ZERO_STANDIN = 0x9E3779B97F4A7C15L;
    /** The longest table a Java array allows at a power of two. */
    private static final long MAX_CAPACITY = 1L << 30;
    private long[] table;
    private int mask;
    private long size;
    private long growAt;
    /** The table other threads read: the current one, set once it holds every fingerprint. */
    private volatile long[] published;

    public OpenAddressingFingerprintSet(int initialCapacityPowerOfTwo) {
        int cap = Integer.highestOneBit(Math.max(16, initialCapacityPowerOfTwo));
        table = new long[cap];
        published = table;
        mask = cap - 1;
        growAt = cap * 3L / 4;
    }

    @Override
    public boolean add(long fp) {
        if (fp == 0) {
            fp = ZERO_STANDIN;
        }
        if (size >= growAt) {
            grow(1);
        }
        int i = (int) mix(fp) & mask;
        while (true) {
            long v = table[i];
            if (v == 0) {
                SLOTS.setOpaque(table, i, fp);
                size++;
                return true;
            }
            if (v == fp) {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Reads the slot where each of {@code fps[0..n)} starts its probe, so that the adds that follow find those slots in
     * cache: these loads do not wait for each other, so their cache misses overlap, where the adds' would come one after
     * the other (a probe must see its slot before the next add starts). Changes nothing in the set.
     */
    public void warm(long[] fps, int n) {
        long[] t = table;
        long x = 0;
        for (int j = 0; j < n; j++) {
            x ^= t[(int) mix(fps[j]) & mask];
        }
        warmed = x;
    }

    /** What {@link #warm} read, kept so that its loads are not optimised away. */
    @SuppressWarnings("unused")
    private long warmed;

    /**
     * Whether {@code fp} was surely added: safe to call from any thread while one thread adds. False
     * means "not known here" (it may be being added), never "absent".
     */
    public boolean surelyContains(long fp) {
        if (fp == 0) {
            fp = ZERO_STANDIN;
        }
        long[] t = published;
        int m = t.length - 1;
        int i = (int) mix(fp) & m;
        while (true) {
            long v = (long) SLOTS.getOpaque(t, i);
            if (v == fp) {
                return true;
            }
            if (v == 0) {
                return false;
            }
            i = (i + 1) & m;
        }
    }

    private static long mix(long fp) {
        // Fingerprints are already hashes; fold the high bits in so that the index uses them too.
        return fp ^ (fp >>> 32);
    }

    @Override
    public void grow(int adds) {
        long cap = capacityFor(adds);
        if (cap == table.length) {
            return;
        }
        if (cap > MAX_CAPACITY) {
            throw new IllegalStateException("more than " + MAX_CAPACITY * 3 / 4 + " states in one fingerprint set");
        }
        long[] old = table;
        table = new long[(int) cap];
        mask = table.length - 1;
        growAt = table.length * 3L / 4;
        for (long v : old) {
            if (v != 0) {
                int i = (int) mix(v) & mask;
                while (table[i] != 0) {
                    i = (i + 1) & mask;
                }
                table[i] = v;
            }
        }
        published = table;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public long bytes() {
        return table.length * 8L;
    }

    @Override
    public long bytesToGrow(int adds) {
        if (size + adds <= growAt) {
            return 0;
        }
        long cap = capacityFor(adds);
        return cap > MAX_CAPACITY ? CANNOT_GROW : cap * 8L;
    }

    /** The table length that holds {@code adds} more fingerprints under 3/4 load. */
    private long capacityFor(int adds) {
        long cap = table.length;
        while (size + adds > cap * 3 / 4) {
            cap *= 2;
        }
        return cap;
    }
}
