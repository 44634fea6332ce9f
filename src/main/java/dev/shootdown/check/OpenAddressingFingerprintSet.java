package dev.shootdown.check;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Fingerprints in {@code long[]} tables with linear probing; 0 marks an empty slot, so a zero
 * fingerprint is stored as another constant. The fingerprint's top bits choose one of a fixed
 * number of segments, each a table of its own that doubles at 3/4 load: a growth copies one
 * segment, not the whole set, so the set never needs its old and new selves at once (a single
 * table of 1 GiB needs 1.5 GiB while it doubles). Fingerprints fill the segments evenly, so
 * segments of one length would all double at once; their lengths start spread over a factor of 2
 * (any length: a slot is found by multiplying, not masking), so their doublings are spread
 * evenly too, and the set's bytes per fingerprint stay near their average (about 15) instead of
 * swinging between 10.7 and 21.3.
 *
 * <p>One thread adds; others may ask {@link #surelyContains} at the same time. Slots are written
 * whole (opaque stores, never torn) and never change once filled, and a grown segment is published
 * only when full, so a fingerprint another thread finds was added: a reader may miss a fingerprint
 * being added, never see one that was not.
 */
public final class OpenAddressingFingerprintSet implements FingerprintSet {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle SEGMENTS = MethodHandles.arrayElementVarHandle(long[][].class);
    private static final long ZERO_STANDIN = 0x9E3779B97F4A7C15L;
    /** The longest segment: a Java array's length, within a power of two. */
    private static final long MAX_CAPACITY = 1L << 30;
    /** The segments: each read by other threads through {@link #SEGMENTS}, set once it holds all of its fingerprints. */
    private final long[][] tables;
    /** Bits of a fingerprint's top that choose its segment. */
    private final int segmentBits;
    private final int[] counts;
    /** Adds every segment can take before it must grow: the least of (3/4 of its length - its count). */
    private long headroom;
    private long size;
    private long bytes;

    /** A set of one table of {@code initialCapacityPowerOfTwo} slots. */
    public OpenAddressingFingerprintSet(int initialCapacityPowerOfTwo) {
        this(1, initialCapacityPowerOfTwo);
    }

    /**
     * A set of {@code segments} (a power of two) tables of {@code capacityEach} slots each to start with (at least 16),
     * or, if {@code staggered}, of lengths spread from {@code capacityEach} to nearly twice that.
     */
    public OpenAddressingFingerprintSet(int segments, int capacityEach, boolean staggered) {
        if (Integer.bitCount(segments) != 1) {
            throw new IllegalArgumentException(segments + " segments: a power of two, please");
        }
        int cap = Math.max(16, capacityEach);
        tables = new long[segments][];
        long h = Long.MAX_VALUE;
        long b = 0;
        for (int s = 0; s < segments; s++) {
            int length = staggered ? staggered(cap, s, segments) : cap;
            tables[s] = new long[length];
            h = Math.min(h, length * 3L / 4);
            b += length * 8L;
        }
        segmentBits = Integer.numberOfTrailingZeros(segments);
        counts = new int[segments];
        headroom = h;
        bytes = b;
    }

    /** A set of {@code segments} (a power of two) tables of {@code capacityEach} slots each to start with (at least 16). */
    public OpenAddressingFingerprintSet(int segments, int capacityEach) {
        this(segments, capacityEach, false);
    }

    /** The starting length of segment {@code s} of {@code segments} whose lengths spread from {@code cap} to nearly twice that. */
    static int staggered(int cap, int s, int segments) {
        return (int) Math.round(cap * Math.pow(2, (double) s / segments));
    }

    private int segment(long fp) {
        // The top bits choose the segment; the slot comes mostly from the low ones (home), so the two do not correlate.
        return segmentBits == 0 ? 0 : (int) (fp >>> (64 - segmentBits));
    }

    /** The slot where {@code fp}'s probe starts in a table of {@code length} slots: its mixed low bits scaled to the length. */
    static int home(long fp, int length) {
        // Fingerprints are already hashes; fold the high bits in so that the slot uses them too.
        long x = (fp ^ (fp >>> 32)) & 0xffffffffL;
        return (int) ((x * length) >>> 32);
    }

    @Override
    public boolean add(long fp) {
        if (fp == 0) {
            fp = ZERO_STANDIN;
        }
        int s = segment(fp);
        long[] table = tables[s];
        if (counts[s] >= table.length * 3L / 4) {
            growSegment(s, 1);
            table = tables[s];
        }
        int i = home(fp, table.length);
        while (true) {
            long v = table[i];
            if (v == 0) {
                SLOTS.setOpaque(table, i, fp);
                counts[s]++;
                size++;
                headroom = Math.min(headroom, table.length * 3L / 4 - counts[s]);
                return true;
            }
            if (v == fp) {
                return false;
            }
            i = i + 1 == table.length ? 0 : i + 1;
        }
    }

    /**
     * Reads the slot where each of {@code fps[0..n)} starts its probe, so that the adds that follow find those slots in
     * cache: these loads do not wait for each other, so their cache misses overlap, where the adds' would come one after
     * the other (a probe must see its slot before the next add starts). Changes nothing in the set.
     */
    public void warm(long[] fps, int n) {
        long x = 0;
        for (int j = 0; j < n; j++) {
            long[] t = tables[segment(fps[j])];
            x ^= t[home(fps[j], t.length)];
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
        long[] t = (long[]) SEGMENTS.getAcquire(tables, segment(fp));
        int i = home(fp, t.length);
        while (true) {
            long v = (long) SLOTS.getOpaque(t, i);
            if (v == fp) {
                return true;
            }
            if (v == 0) {
                return false;
            }
            i = i + 1 == t.length ? 0 : i + 1;
        }
    }

    /** Makes room for {@code adds} more fingerprints in every segment, whichever segments they fall in. */
    @Override
    public void grow(int adds) {
        if (adds <= headroom) {
            return;
        }
        for (int s = 0; s < tables.length; s++) {
            if (capacityFor(s, adds) > tables[s].length) {
                growSegment(s, adds);
            }
        }
        updateHeadroom();
    }

    private void growSegment(int s, int adds) {
        long cap = capacityFor(s, adds);
        if (cap > MAX_CAPACITY) {
            throw new IllegalStateException("more than " + MAX_CAPACITY * 3 / 4 + " states in one segment of a fingerprint set");
        }
        long[] old = tables[s];
        long[] table = new long[(int) cap];
        for (long v : old) {
            if (v != 0) {
                int i = home(v, table.length);
                while (table[i] != 0) {
                    i = i + 1 == table.length ? 0 : i + 1;
                }
                table[i] = v;
            }
        }
        SEGMENTS.setRelease(tables, s, table);
        bytes += (cap - old.length) * 8;
        updateHeadroom();
    }

    private void updateHeadroom() {
        long h = Long.MAX_VALUE;
        for (int s = 0; s < tables.length; s++) {
            h = Math.min(h, tables[s].length * 3L / 4 - counts[s]);
        }
        headroom = h;
    }

    /**
     * Writes the fingerprints for a checkpoint: the segments' count and the set's size, then each segment's length, its
     * count and its fingerprints in slot order (not its empty slots, nor where each sits: {@link MappedFingerprintSet}
     * places them otherwise and writes the same form, as one segment, so that a checkpoint carries on in either).
     */
    @Override
    public void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(tables.length);
        out.writeLong(size);
        long[] chunk = new long[1 << 13];
        for (int s = 0; s < tables.length; s++) {
            out.writeLong(tables[s].length);
            out.writeLong(counts[s]);
            int k = 0;
            for (long v : tables[s]) {
                if (v != 0) {
                    chunk[k++] = v;
                    if (k == chunk.length) {
                        Checkpoint.writeLongs(out, chunk, 0, k);
                        k = 0;
                    }
                }
            }
            Checkpoint.writeLongs(out, chunk, 0, k);
        }
    }

    /**
     * The set {@link #writeTo} (or {@link MappedFingerprintSet#writeTo}) wrote. Segments of the lengths written, so that
     * the set grows as it would have; a set written as one segment (off the heap) comes back in the search's shape
     * ({@link #forSearch}).
     */
    static OpenAddressingFingerprintSet readFrom(java.io.DataInputStream in) throws java.io.IOException {
        int segments = (int) Checkpoint.checked(in.readInt(), 1, 1 << 16, "fingerprint segments:");
        if (Integer.bitCount(segments) != 1) {
            throw new IllegalArgumentException(segments + " fingerprint segments");
        }
        long size = Checkpoint.checked(in.readLong(), 0, Long.MAX_VALUE, "fingerprints:");
        OpenAddressingFingerprintSet set = segments == 1 ? forSearch() : new OpenAddressingFingerprintSet(segments, 16);
        long[] chunk = new long[1 << 13];
        for (int s = 0; s < segments; s++) {
            long length = Checkpoint.checked(in.readLong(), 16, segments == 1 ? Long.MAX_VALUE : MAX_CAPACITY, "fingerprint segment of");
            long count = Checkpoint.checked(in.readLong(), 0, length * 3 / 4, "fingerprints in a segment:");
            if (segments > 1) {
                set.bytes += (length - set.tables[s].length) * 8;
                set.tables[s] = new long[(int) length];
            }
            set.updateHeadroom();
            Checkpoint.readFingerprints(in, count, chunk, set::add);
        }
        if (set.size != size) {
            throw new IllegalArgumentException("fingerprint segments of " + set.size + " fingerprints, not " + size);
        }
        return set;
    }

    /**
     * The set a search keeps on the heap, in 64 segments: at 100M states each is a table of about 20 MiB, the most a
     * growth adds to the heap at once. Large enough that G1 allocates a grown segment outside the young generation (a
     * humongous object) and frees the old one at the next collection, instead of copying it from generation to generation.
     */
    static OpenAddressingFingerprintSet forSearch() {
        return new OpenAddressingFingerprintSet(64, 1024, true);
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
            grow += cap > tables[s].length ? cap * 8L : 0;
        }
        return grow;
    }

    /** The length segment {@code s} needs to hold {@code adds} more fingerprints under 3/4 load. */
    private long capacityFor(int s, int adds) {
        long cap = tables[s].length;
        while (counts[s] + (long) adds > cap * 3 / 4) {
            cap *= 2;
        }
        return cap;
    }
}
