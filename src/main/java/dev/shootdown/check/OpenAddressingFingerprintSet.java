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
    public void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(table.length);
        out.writeLong(size);
        Checkpoint.writeLongs(out, table, 0, table.length);
    }

    /** The set {@link #writeTo} wrote. */
    static OpenAddressingFingerprintSet readFrom(java.io.DataInputStream in) throws java.io.IOException {
        int cap = (int) Checkpoint.checked(in.readInt(), 16, MAX_CAPACITY, "fingerprint table of");
        long size = Checkpoint.checked(in.readLong(), 0, cap * 3L / 4, "fingerprints:");
        if (Integer.bitCount(cap) != 1) {
            throw new IllegalArgumentException("fingerprint table of " + cap + " slots");
        }
        OpenAddressingFingerprintSet s = new OpenAddressingFingerprintSet(cap);
        Checkpoint.readLongs(in, s.table, 0, cap);
        s.size = size;
        return s;
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
