package dev.shootdown.check;

/**
 * Fingerprints in one {@code long[]} with linear probing; 0 marks an empty slot, so a zero
 * fingerprint is stored as another constant. Grows by doubling at 3/4 load.
 */
public final class OpenAddressingFingerprintSet implements FingerprintSet {
    private static final long ZERO_STANDIN = 0x9E3779B97F4A7C15L;
    private long[] table;
    private int mask;
    private long size;
    private long growAt;

    public OpenAddressingFingerprintSet(int initialCapacityPowerOfTwo) {
        int cap = Integer.highestOneBit(Math.max(16, initialCapacityPowerOfTwo));
        table = new long[cap];
        mask = cap - 1;
        growAt = cap * 3L / 4;
    }

    @Override
    public boolean add(long fp) {
        if (fp == 0) {
            fp = ZERO_STANDIN;
        }
        if (size >= growAt) {
            grow();
        }
        int i = (int) mix(fp) & mask;
        while (true) {
            long v = table[i];
            if (v == 0) {
                table[i] = fp;
                size++;
                return true;
            }
            if (v == fp) {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    private static long mix(long fp) {
        // Fingerprints are already hashes; fold the high bits in so that the index uses them too.
        return fp ^ (fp >>> 32);
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
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
    public long bytesToGrow() {
        return size + 1024 >= growAt ? table.length * 16L : 0;
    }
}
