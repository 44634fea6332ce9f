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
            grow();
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

    private void grow() {
        if (slots.length >= 1 << 30) {
            throw new IllegalStateException("more than 2^28 states in one indexed set");
        }
        long[] old = slots;
        slots = new long[old.length * 2];
        int cap = slots.length / 2;
        mask = cap - 1;
        growAt = cap * 3L / 4;
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

    @Override
    public long size() {
        return size;
    }

    @Override
    public long bytes() {
        return slots.length * 8L;
    }

    @Override
    public long bytesToGrow() {
        return size + 1024 >= growAt ? slots.length * 16L : 0;
    }
}
