package dev.shootdown.check;

/**
 * Fingerprints with the number each was given, in the order they were added (so a state's number
 * is its index in the {@link TraceLog}): what the {@link ProgressGraph} needs to name a successor
 * the search has already seen. Linear probing over (fingerprint, number) pairs side by side in one
 * {@code long[]}, so a probe touches one cache line, not two; 0 marks an empty slot, so a zero
 * fingerprint is stored as another constant. Grows by doubling at 3/4 load.
 */
final class IndexedFingerprintSet implements FingerprintSet {
    private static final long ZERO_STANDIN = 0x9E3779B97F4A7C15L;
    /** Two longs a slot in one Java array, at a power of two. */
    private static final long MAX_CAPACITY = 1L << 29;
    /** Slot i: the fingerprint at 2i, its number at 2i + 1. */
    private long[] slots;
    private int mask;
    private int size;
    private long growAt;

    IndexedFingerprintSet(int initialCapacityPowerOfTwo) {
        int cap = Integer.highestOneBit(Math.max(16, initialCapacityPowerOfTwo));
        slots = new long[2 * cap];
        mask = cap - 1;
        growAt = cap * 3L / 4;
    }

    /** Adds {@code fp}; returns -1 when it is new (its number is then {@code size() - 1}), else the number it was given. */
    int put(long fp) {
        if (fp == 0) {
            fp = ZERO_STANDIN;
        }
        if (size >= growAt) {
            grow(1);
        }
        int i = (int) (fp ^ (fp >>> 32)) & mask;
        while (true) {
            long v = slots[2 * i];
            if (v == 0) {
                slots[2 * i] = fp;
                slots[2 * i + 1] = size++;
                return -1;
            }
            if (v == fp) {
                return (int) slots[2 * i + 1];
            }
            i = (i + 1) & mask;
        }
    }

    @Override
    public boolean add(long fp) {
        return put(fp) < 0;
    }

    @Override
    public void grow(int adds) {
        long cap = capacityFor(adds);
        if (cap == slots.length / 2) {
            return;
        }
        if (cap > MAX_CAPACITY) {
            throw new IllegalStateException("more than " + MAX_CAPACITY * 3 / 4 + " states in one indexed set");
        }
        long[] old = slots;
        slots = new long[(int) (2 * cap)];
        mask = (int) cap - 1;
        growAt = cap * 3 / 4;
        for (int j = 0; j < old.length; j += 2) {
            long v = old[j];
            if (v != 0) {
                int i = (int) (v ^ (v >>> 32)) & mask;
                while (slots[2 * i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[2 * i] = v;
                slots[2 * i + 1] = old[j + 1];
            }
        }
    }

    /** The number of slots that holds {@code adds} more fingerprints under 3/4 load. */
    private long capacityFor(int adds) {
        long cap = slots.length / 2;
        while (size + adds > cap * 3 / 4) {
            cap *= 2;
        }
        return cap;
    }

    @Override
    public void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(slots.length / 2);
        out.writeInt(size);
        Checkpoint.writeLongs(out, slots, 0, slots.length);
    }

    /** The set {@link #writeTo} wrote. */
    static IndexedFingerprintSet readFrom(java.io.DataInputStream in) throws java.io.IOException {
        int cap = (int) Checkpoint.checked(in.readInt(), 16, MAX_CAPACITY, "indexed table of");
        int size = (int) Checkpoint.checked(in.readInt(), 0, cap * 3L / 4, "fingerprints:");
        if (Integer.bitCount(cap) != 1) {
            throw new IllegalArgumentException("indexed table of " + cap + " slots");
        }
        IndexedFingerprintSet s = new IndexedFingerprintSet(cap);
        Checkpoint.readLongs(in, s.slots, 0, 2 * cap);
        s.size = size;
        return s;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public long bytes() {
        return slots.length * 8L;
    }

    @Override
    public long bytesToGrow(int adds) {
        if (size + adds <= growAt) {
            return 0;
        }
        long cap = capacityFor(adds);
        return cap > MAX_CAPACITY ? CANNOT_GROW : cap * 16L;
    }
}
