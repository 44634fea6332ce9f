package dev.shootdown.check;

/**
 * Fingerprints with the number each was given, in the order they were added (so a state's number
 * is its index in the {@link TraceLog}): what the {@link ProgressGraph} needs to name a successor
 * the search has already seen. Linear probing over (fingerprint, number) pairs side by side in a
 * {@code long[]}, so a probe touches one cache line, not two; 0 marks an empty slot, so a zero
 * fingerprint is stored as another constant.
 *
 * <p>As in {@link OpenAddressingFingerprintSet}, the fingerprint's top bits choose one of a fixed number
 * of segments, each a table of its own that doubles at 3/4 load, with lengths spread over a factor of
 * two: a growth copies one segment, so the set never holds its old and new selves at once (one table
 * of 4 GiB needed 6 GiB while it doubled).
 */
final class IndexedFingerprintSet implements FingerprintSet {
    private static final long ZERO_STANDIN = 0x9E3779B97F4A7C15L;
    /** The most slots of one segment (two longs each, in one Java array). */
    private static final long MAX_CAPACITY = 1L << 29;
    /** Segment s, slot i: the fingerprint at 2i, its number at 2i + 1. */
    private final long[][] tables;
    private final int segmentBits;
    private final int[] counts;
    /** Adds every segment can take before it must grow: the least of (3/4 of its slots - its count). */
    private long headroom;
    private int size;
    private long bytes;

    /** A set of 64 segments whose slots together start near {@code initialCapacity}. */
    IndexedFingerprintSet(int initialCapacity) {
        this(64, Math.max(16, initialCapacity / 64));
    }

    private IndexedFingerprintSet(int segments, int capacityEach) {
        tables = new long[segments][];
        for (int s = 0; s < segments; s++) {
            tables[s] = new long[2 * OpenAddressingFingerprintSet.staggered(capacityEach, s, segments)];
            bytes += tables[s].length * 8L;
        }
        segmentBits = Integer.numberOfTrailingZeros(segments);
        counts = new int[segments];
        updateHeadroom();
    }

    private int segment(long fp) {
        return (int) (fp >>> (64 - segmentBits));
    }

    /** Adds {@code fp}; returns -1 when it is new (its number is then {@code size() - 1}), else the number it was given. */
    int put(long fp) {
        return put(fp, size);
    }

    /** Adds {@code fp} with {@code number} if it is new (and returns -1), else returns the number it was given. */
    private int put(long fp, int number) {
        if (fp == 0) {
            fp = ZERO_STANDIN;
        }
        int s = segment(fp);
        if (counts[s] >= slots(s) * 3L / 4) {
            growSegment(s, 1);
        }
        long[] table = tables[s];
        int n = table.length / 2;
        int i = OpenAddressingFingerprintSet.home(fp, n);
        while (true) {
            long v = table[2 * i];
            if (v == 0) {
                table[2 * i] = fp;
                table[2 * i + 1] = number;
                counts[s]++;
                size++;
                headroom = Math.min(headroom, n * 3L / 4 - counts[s]);
                return -1;
            }
            if (v == fp) {
                return (int) table[2 * i + 1];
            }
            i = i + 1 == n ? 0 : i + 1;
        }
    }

    private int slots(int s) {
        return tables[s].length / 2;
    }

    @Override
    public boolean add(long fp) {
        return put(fp) < 0;
    }

    /** Makes room for {@code adds} more fingerprints in every segment, whichever segments they fall in. */
    @Override
    public void grow(int adds) {
        if (adds <= headroom) {
            return;
        }
        for (int s = 0; s < tables.length; s++) {
            if (capacityFor(s, adds) > slots(s)) {
                growSegment(s, adds);
            }
        }
    }

    private void growSegment(int s, int adds) {
        long cap = capacityFor(s, adds);
        if (cap > MAX_CAPACITY) {
            throw new IllegalStateException("more than " + MAX_CAPACITY * 3 / 4 + " states in one segment of an indexed set");
        }
        long[] old = tables[s];
        long[] table = new long[(int) (2 * cap)];
        int n = (int) cap;
        for (int j = 0; j < old.length; j += 2) {
            long v = old[j];
            if (v != 0) {
                int i = OpenAddressingFingerprintSet.home(v, n);
                while (table[2 * i] != 0) {
                    i = i + 1 == n ? 0 : i + 1;
                }
                table[2 * i] = v;
                table[2 * i + 1] = old[j + 1];
            }
        }
        tables[s] = table;
        bytes += (table.length - old.length) * 8L;
        updateHeadroom();
    }

    private void updateHeadroom() {
        long h = Long.MAX_VALUE;
        for (int s = 0; s < tables.length; s++) {
            h = Math.min(h, slots(s) * 3L / 4 - counts[s]);
        }
        headroom = h;
    }

    /** The slots segment {@code s} needs to hold {@code adds} more fingerprints under 3/4 load. */
    private long capacityFor(int s, int adds) {
        long cap = slots(s);
        while (counts[s] + (long) adds > cap * 3 / 4) {
            cap *= 2;
        }
        return cap;
    }

    /** The segments' count and the set's size, then per segment its slots, its count and its (fingerprint, number) pairs. */
    @Override
    public void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(tables.length);
        out.writeInt(size);
        long[] chunk = new long[1 << 13];
        for (int s = 0; s < tables.length; s++) {
            out.writeInt(slots(s));
            out.writeInt(counts[s]);
            int k = 0;
            long[] table = tables[s];
            for (int j = 0; j < table.length; j += 2) {
                if (table[j] != 0) {
                    chunk[k++] = table[j];
                    chunk[k++] = table[j + 1];
                    if (k == chunk.length) {
                        Checkpoint.writeLongs(out, chunk, 0, k);
                        k = 0;
                    }
                }
            }
            Checkpoint.writeLongs(out, chunk, 0, k);
        }
    }

    /** The set {@link #writeTo} wrote, with segments of the lengths written, so that it grows as it would have. */
    static IndexedFingerprintSet readFrom(java.io.DataInputStream in) throws java.io.IOException {
        int segments = (int) Checkpoint.checked(in.readInt(), 1, 1 << 16, "indexed segments:");
        if (Integer.bitCount(segments) != 1) {
            throw new IllegalArgumentException(segments + " indexed segments");
        }
        int size = (int) Checkpoint.checked(in.readInt(), 0, Integer.MAX_VALUE, "fingerprints:");
        IndexedFingerprintSet set = new IndexedFingerprintSet(segments, 16);
        long[] pair = new long[2];
        java.util.BitSet seen = new java.util.BitSet();
        for (int s = 0; s < segments; s++) {
            int slots = (int) Checkpoint.checked(in.readInt(), 16, MAX_CAPACITY, "indexed segment of");
            int count = (int) Checkpoint.checked(in.readInt(), 0, slots * 3L / 4, "fingerprints in a segment:");
            set.bytes += (2L * slots - set.tables[s].length) * 8;
            set.tables[s] = new long[2 * slots];
            set.updateHeadroom();
            for (int k = 0; k < count; k++) {
                Checkpoint.readLongs(in, pair, 0, 2);
                long number = pair[1];
                if (pair[0] == 0 || set.segment(pair[0]) != s || number < 0 || number >= size || seen.get((int) number)) {
                    throw new IllegalArgumentException("an indexed fingerprint out of place, or a number missing or repeated");
                }
                seen.set((int) number);
                if (set.put(pair[0], (int) number) >= 0) {
                    throw new IllegalArgumentException("an indexed fingerprint written twice");
                }
            }
        }
        if (set.size != size) {
            throw new IllegalArgumentException("indexed segments of " + set.size + " fingerprints, not " + size);
        }
        return set;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    /** The new segments that {@code adds} more fingerprints could need, were they all to fall in one segment. */
    @Override
    public long bytesToGrow(int adds) {
        if (adds <= headroom) {
            return 0;
        }
        long grow = 0;
        for (int s = 0; s < tables.length; s++) {
            long cap = capacityFor(s, adds);
            if (cap > MAX_CAPACITY) {
                return CANNOT_GROW;
            }
            grow += cap > slots(s) ? cap * 16L : 0;
        }
        return grow;
    }
}
