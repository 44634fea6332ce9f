package dev.shootdown.check;

import java.util.Arrays;

/**
 * For every distinct state, its predecessor's number and which of the predecessor's enabled
 * actions led to it (its place in {@code Machine.enabled}'s list): enough to rebuild a
 * counterexample by re-executing from the initial state, applying each action as it was taken
 * ({@link TraceRebuilder}). TLC's TLCTrace keeps a fingerprint beside the predecessor and looks for
 * it among the successors; the action's place makes that second fingerprint unnecessary, and takes
 * a byte (two for models with more than 256 actions).
 *
 * <p>Breadth first, states are numbered in the order they are found and each is found while its
 * predecessor is expanded, so the predecessors of states 0, 1, 2... never decrease. The log keeps
 * them as a string of bits: for each state, as many 0s as its predecessor is past the last one,
 * then a 1; the predecessor of state k is then the number of 0s before the k-th 1, less one. At
 * most two bits a state (there are as many 1s as states, and fewer 0s), with the place of every
 * 4096th 1 kept to find the k-th one quickly: a state costs about 1.25 bytes instead of 4 + 1.
 *
 * <p>Kept in chunks (the first ones growing by doubling): the log grows a chunk at a time, with no
 * copy, and needs no stretch of heap as long as itself, which a heap that has held other large
 * arrays may not have.
 */
final class TraceLog implements GrowingTable {
    /** 128 KiB chunks of choices, 128 KiB of bits: less than half the collector's smallest region (G1, 1 MiB), so no chunk is a humongous object. */
    private static final int SHIFT = 17;
    private static final int CHUNK = 1 << SHIFT;
    private static final int MASK = CHUNK - 1;
    /** Longs of bits a chunk: 2^20 bits. */
    private static final int BIT_SHIFT = 20;
    private static final long BIT_MASK = (1L << BIT_SHIFT) - 1;
    /** Every 2^SAMPLE_SHIFT-th 1's place is kept. */
    private static final int SAMPLE_SHIFT = 12;
    /** States are numbered by int. */
    private static final long MAX_STATES = Integer.MAX_VALUE;
    /** Bytes of one action's place: 1 or 2 (or 4 past 65,536 actions), little-endian. */
    private final int choiceBytes;
    private byte[][] choices;
    private long[][] bits = {new long[1 << 6]};
    private long[] samples = new long[16];
    /** Entries the choice chunks can hold, and bits the bit chunks can. */
    private long capacity;
    private long bitCapacity = 1 << 12;
    private int size;
    /** Bits written, and the predecessor of the last state added. */
    private long written;
    private int lastParent = -1;

    /** A log for a machine whose states have at most {@code maxActions} enabled actions. */
    TraceLog(int maxActions) {
        choiceBytes = maxActions <= 1 << 8 ? 1 : maxActions <= 1 << 16 ? 2 : 4;
        choices = new byte[][] {new byte[(1 << 12) * choiceBytes]};
        capacity = 1 << 12;
    }

    /**
     * Adds a state reached from state {@code parent} (-1 for the initial state) by its enabled action number
     * {@code choice}; {@code parent} is no less than the last state's.
     */
    int add(int parent, int choice) {
        if (parent < lastParent || parent >= Math.max(size, 1)) {
            throw new IllegalArgumentException("state " + size + " with predecessor " + parent + " after one with " + lastParent);
        }
        if (size == capacity || written + (parent - lastParent) + 1 > bitCapacity) {
            grow(1);
        }
        written += parent - lastParent;
        bits[(int) (written >>> BIT_SHIFT)][(int) ((written & BIT_MASK) >>> 6)] |= 1L << (written & 63);
        if ((size & ((1 << SAMPLE_SHIFT) - 1)) == 0) {
            int sample = size >>> SAMPLE_SHIFT;
            if (sample == samples.length) {
                samples = Arrays.copyOf(samples, 2 * sample);
            }
            samples[sample] = written;
        }
        written++;
        lastParent = parent;
        byte[] c = choices[size >>> SHIFT];
        int at = (size & MASK) * choiceBytes;
        for (int k = 0; k < choiceBytes; k++) {
            c[at + k] = (byte) (choice >>> (8 * k));
        }
        return size++;
    }

    /** Which of its predecessor's enabled actions led to state {@code index}. */
    int choice(int index) {
        byte[] c = choices[index >>> SHIFT];
        int at = (index & MASK) * choiceBytes;
        int v = 0;
        for (int k = 0; k < choiceBytes; k++) {
            v |= (c[at + k] & 0xff) << (8 * k);
        }
        return v;
    }

    /** The predecessor of state {@code index}: the 0s before its 1, less one. */
    int parent(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("state " + index + " of " + size);
        }
        // From the kept place of an earlier 1, count 1s a long at a time up to the long that holds the one wanted.
        long p = samples[index >>> SAMPLE_SHIFT];
        int ones = index & ~((1 << SAMPLE_SHIFT) - 1);
        long word = bitsAt(p) & (-1L << (p & 63));
        while (ones + Long.bitCount(word) <= index) {
            ones += Long.bitCount(word);
            p = (p | 63) + 1;
            word = bitsAt(p);
        }
        for (; ones < index; ones++) {
            word &= word - 1;
        }
        long at = (p & ~63L) + Long.numberOfTrailingZeros(word);
        return (int) (at - index - 1);
    }

    /** The long of bits that holds bit {@code p}. */
    private long bitsAt(long p) {
        return bits[(int) (p >>> BIT_SHIFT)][(int) ((p & BIT_MASK) >>> 6)];
    }

    int size() {
        return size;
    }

    /** Writes the log, for a checkpoint: its width of choices, the choices, then the bits of the predecessors and the kept places. */
    void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(choiceBytes);
        out.writeInt(size);
        out.writeInt(lastParent);
        out.writeLong(written);
        for (int from = 0; from < size; from += CHUNK) {
            out.write(choices[from >>> SHIFT], 0, Math.min(CHUNK, size - from) * choiceBytes);
        }
        long words = (written + 63) >>> 6;
        long chunkWords = 1L << (BIT_SHIFT - 6);
        for (long from = 0; from < words; from += chunkWords) {
            Checkpoint.writeLongs(out, bits[(int) (from / chunkWords)], 0, (int) Math.min(chunkWords, words - from));
        }
        Checkpoint.writeLongs(out, samples, 0, samplesFor(size));
    }

    /** The log {@link #writeTo} wrote. */
    static TraceLog readFrom(java.io.DataInputStream in) throws java.io.IOException {
        int choiceBytes = in.readInt();
        if (choiceBytes != 1 && choiceBytes != 2 && choiceBytes != 4) {
            throw new IllegalArgumentException("trace choices of " + choiceBytes + " bytes");
        }
        int size = (int) Checkpoint.checked(in.readInt(), 0, MAX_STATES, "trace entries:");
        int lastParent = (int) Checkpoint.checked(in.readInt(), -1, Math.max(0, size - 1), "trace's last predecessor:");
        // Every state is a 1, and the 0s count up to the last predecessor.
        long written = Checkpoint.checked(in.readLong(), size == 0 ? 0 : size + lastParent + 1, size == 0 ? 0 : size + lastParent + 1, "trace bits:");
        TraceLog t = new TraceLog(choiceBytes == 1 ? 1 << 8 : choiceBytes == 2 ? 1 << 16 : Integer.MAX_VALUE);
        t.grow(size);
        for (int from = 0; from < size; from += CHUNK) {
            in.readFully(t.choices[from >>> SHIFT], 0, Math.min(CHUNK, size - from) * choiceBytes);
        }
        long words = (written + 63) >>> 6;
        long chunkWords = 1L << (BIT_SHIFT - 6);
        for (long from = 0; from < words; from += chunkWords) {
            Checkpoint.readLongs(in, t.bits[(int) (from / chunkWords)], 0, (int) Math.min(chunkWords, words - from));
        }
        int n = samplesFor(size);
        t.samples = new long[Math.max(16, Integer.highestOneBit(Math.max(1, n)) * 2)];
        Checkpoint.readLongs(in, t.samples, 0, n);
        t.size = size;
        t.lastParent = lastParent;
        t.written = written;
        return t;
    }

    /** The places kept for {@code entries} entries: of the 1s numbered 0, 4096, 8192... */
    private static int samplesFor(int entries) {
        return (int) (((long) entries + (1 << SAMPLE_SHIFT) - 1) >>> SAMPLE_SHIFT);
    }

    /** The chunks' bytes (the kept places of every 4096th 1, 8 bytes for 4096 states, grow on their own and are left out). */
    @Override
    public long bytes() {
        return capacity * choiceBytes + bitCapacity / 8;
    }

    /** Bits that {@code entries} entries can need: one 1 each, and 0s up to their greatest predecessor, which is below them. */
    private static long bitsFor(long entries) {
        return 2 * entries;
    }

    @Override
    public long bytesToGrow(int adds) {
        long needed = (long) size + adds;
        if (needed > MAX_STATES) {
            return CANNOT_GROW;
        }
        long grow = 0;
        if (needed > capacity) {
            grow += (capacityFor(needed, capacity, CHUNK) - (capacity < CHUNK ? 0 : capacity)) * choiceBytes;
        }
        long chunkBits = 1L << BIT_SHIFT;
        if (bitsFor(needed) > bitCapacity) {
            grow += (capacityFor(bitsFor(needed), bitCapacity, chunkBits) - (bitCapacity < chunkBits ? 0 : bitCapacity)) / 8;
        }
        return grow;
    }

    @Override
    public void grow(int adds) {
        long needed = (long) size + adds;
        if (needed > MAX_STATES) {
            throw new IllegalStateException("more than " + MAX_STATES + " states in one trace");
        }
        // Every array made before any is replaced, so a refused allocation leaves the log as it was.
        byte[][] c = choices;
        long cap = capacity;
        if (needed > capacity) {
            cap = capacityFor(needed, capacity, CHUNK);
            c = grown(choices, capacity, cap, CHUNK, choiceBytes);
        }
        long[][] b = bits;
        long bitCap = bitCapacity;
        long chunkBits = 1L << BIT_SHIFT;
        if (bitsFor(needed) > bitCapacity) {
            bitCap = capacityFor(bitsFor(needed), bitCapacity, chunkBits);
            b = grownBits(bits, bitCapacity, bitCap, chunkBits);
        }
        choices = c;
        capacity = cap;
        bits = b;
        bitCapacity = bitCap;
    }

    private static byte[][] grown(byte[][] chunks, long capacity, long cap, int chunk, int width) {
        byte[][] c = chunks.clone();
        if (capacity < chunk) {
            c[0] = Arrays.copyOf(chunks[0], (int) Math.min(cap, chunk) * width);
        }
        int n = (int) ((cap + chunk - 1) / chunk);
        if (n > c.length) {
            int had = c.length;
            c = Arrays.copyOf(c, n);
            for (int k = had; k < n; k++) {
                c[k] = new byte[chunk * width];
            }
        }
        return c;
    }

    private static long[][] grownBits(long[][] chunks, long capacity, long cap, long chunkBits) {
        long[][] b = chunks.clone();
        if (capacity < chunkBits) {
            b[0] = Arrays.copyOf(chunks[0], (int) (Math.min(cap, chunkBits) >>> 6));
        }
        int n = (int) ((cap + chunkBits - 1) / chunkBits);
        if (n > b.length) {
            int had = b.length;
            b = Arrays.copyOf(b, n);
            for (int k = had; k < n; k++) {
                b[k] = new long[(int) (chunkBits >>> 6)];
            }
        }
        return b;
    }

    /** What a chunked array of {@code capacity} holds once it has room for {@code needed}: the first chunk doubled, then whole chunks. */
    private static long capacityFor(long needed, long capacity, long chunk) {
        if (needed <= chunk) {
            long cap = capacity;
            while (cap < needed) {
                cap *= 2;
            }
            return cap;
        }
        return (needed + chunk - 1) / chunk * chunk;
    }
}
