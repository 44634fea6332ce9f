package dev.shootdown.check;

/**
 * Fingerprints with the number each was given, in the order they were added (so a state's number
 * is its index in the {@link TraceLog}): what the {@link ProgressGraph} needs to name a successor
 * the search has already seen. Linear probing in a {@code long[]} beside an {@code int[]}; 0 marks
 * an empty slot, so a zero fingerprint is stored as another constant. Grows by doubling at 3/4 load.
 */
final class IndexedFingerprintSet implements FingerprintSet {
    private static final long ZERO_STANDIN = 0x9E3779B97F4A7C15L;
    private long[] keys;
    private int[] ids;
    private int mask;
    private int size;
    private long growAt;

    IndexedFingerprintSet(int initialCapacityPowerOfTwo) {
        int cap = Integer.highestOneBit(Math.max(16, initialCapacityPowerOfTwo));
        keys = new long[cap];
        ids = new int[cap];
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
            long v = keys[i];
            if (v == 0) {
                keys[i] = fp;
                ids[i] = size++;
                return -1;
            }
            if (v == fp) {
                return ids[i];
            }
            i = (i + 1) & mask;
        }
    }

    @Override
    public boolean add(long fp) {
        return put(fp) < 0;
    }

    private void grow() {
        if (keys.length >= 1 << 30) {
            throw new IllegalStateException("more than 2^29 states in one indexed set");
        }
        long[] oldKeys = keys;
        int[] oldIds = ids;
        keys = new long[oldKeys.length * 2];
        ids = new int[keys.length];
        mask = keys.length - 1;
        growAt = keys.length * 3L / 4;
        for (int j = 0; j < oldKeys.length; j++) {
            long v = oldKeys[j];
            if (v != 0) {
                int i = (int) (v ^ (v >>> 32)) & mask;
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = v;
                ids[i] = oldIds[j];
            }
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public long bytes() {
        return keys.length * 12L;
    }

    @Override
    public long bytesToGrow() {
        return size + 1024 >= growAt ? keys.length * 24L : 0;
    }
}
