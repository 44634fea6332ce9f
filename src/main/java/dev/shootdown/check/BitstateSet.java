package dev.shootdown.check;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Locale;

/**
 * The visited set as a bit array, Holzmann's bit-state hashing (SPIN's "supertrace", {@code -DBITSTATE}): a state is
 * marked by {@link #HASHES} bits chosen from its 64-bit fingerprint, and is taken for seen when all of them are set.
 * A state a few bits a state, against the 8 (and more) of a fingerprint table; the price is that a new state whose bits
 * other states happened to set is never explored, nor what only it leads to. So a search with it proves nothing holds;
 * the violations it finds are real.
 *
 * <p>The bits come by double hashing (Kirsch and Mitzenmacher, "Less hashing, same performance", 2006): bit i of a
 * state is {@code h1 + i * h2} modulo the array's size, a power of two, with {@code h1} the fingerprint and {@code h2}
 * an odd number mixed from its other half, so the bits of one state are distinct. Three bits a state is SPIN's default
 * ({@code -k3}).
 *
 * <p>{@link #missed} estimates the states lost: while {@code f} of the bits are set, a new state is taken for seen with
 * probability {@code f^k}, so between two states stored about {@code p / (1 - p)} new ones were lost, {@code p} the
 * probability when the second was stored. The sum counts states lost where they were first reached (one reached again
 * by another path may have been stored then; what only a lost one leads to is lost with it, and not counted).
 */
final class BitstateSet implements FingerprintSet {
    static final int HASHES = 3;
    /** The largest power of two of longs a Java array holds: 8 GiB, 2^36 bits. */
    static final int MAX_LOG2_BITS = 36;
    static final int MIN_LOG2_BITS = 13;

    private final long[] words;
    private final int log2Bits;
    private final long mask;
    private final double perBit;
    private long size;
    private long bitsSet;
    private double missed;

    /** A set of 2^{@code log2Bits} bits, all clear. */
    BitstateSet(int log2Bits) {
        if (log2Bits < MIN_LOG2_BITS || log2Bits > MAX_LOG2_BITS) {
            throw new IllegalArgumentException("a bit-state array of 2^" + log2Bits + " bits");
        }
        this.log2Bits = log2Bits;
        this.words = new long[1 << (log2Bits - 6)];
        this.mask = (1L << log2Bits) - 1;
        this.perBit = 1.0 / (1L << log2Bits);
    }

    /** The power of two of bits at most {@code bytes} bytes hold, within the bounds. */
    static int log2BitsFor(long bytes) {
        long bits = Math.max(1, bytes) * 8;
        return Math.max(MIN_LOG2_BITS, Math.min(MAX_LOG2_BITS, 63 - Long.numberOfLeadingZeros(bits)));
    }

    @Override
    public boolean add(long fp) {
        long h2 = (Long.rotateLeft(fp, 32) * 0x9E3779B97F4A7C15L) | 1;
        long before = bitsSet;
        for (int i = 0; i < HASHES; i++) {
            long bit = (fp + i * h2) & mask;
            int w = (int) (bit >>> 6);
            long b = 1L << bit;
            if ((words[w] & b) == 0) {
                words[w] |= b;
                bitsSet++;
            }
        }
        if (bitsSet == before) {
            return false;
        }
        double f = before * perBit;
        double p = f * f * f;
        missed += p / (1 - p);
        size++;
        return true;
    }

    @Override
    public long size() {
        return size;
    }

    long bits() {
        return 1L << log2Bits;
    }

    long bitsSet() {
        return bitsSet;
    }

    /** The expected number of new states taken for seen so far (see the class comment). */
    double missed() {
        return missed;
    }

    @Override
    public long bytes() {
        return words.length * 8L;
    }

    /** The array is allocated whole at the start: it never grows. */
    @Override
    public long bytesToGrow(int adds) {
        return 0;
    }

    @Override
    public void grow(int adds) {
        // Nothing grows.
    }

    @Override
    public void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(log2Bits);
        out.writeLong(size);
        out.writeLong(bitsSet);
        out.writeDouble(missed);
        Checkpoint.writeLongs(out, words, 0, words.length);
    }

    /** The set {@link #writeTo} wrote. */
    static BitstateSet readFrom(DataInputStream in) throws IOException {
        BitstateSet s = new BitstateSet((int) Checkpoint.checked(in.readInt(), MIN_LOG2_BITS, MAX_LOG2_BITS, "bit-state array of 2^"));
        s.size = in.readLong();
        s.bitsSet = Checkpoint.checked(in.readLong(), 0, s.bits(), "bits set:");
        s.missed = in.readDouble();
        Checkpoint.readLongs(in, s.words, 0, s.words.length);
        return s;
    }

    /** What the search's bit array was and what it likely missed. */
    Coverage coverage() {
        return new Coverage(bits(), HASHES, bitsSet, size, missed);
    }

    /** A size in bytes as the option takes it: 512K, 64M, 2G. */
    static String size(long bits) {
        long bytes = bits / 8;
        String[] units = {"", "K", "M", "G", "T"};
        int u = 0;
        while (u < units.length - 1 && bytes >= 1024 && bytes % 1024 == 0) {
            bytes /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%d%s", bytes, units[u]);
    }
}
