package dev.shootdown.check;

import dev.shootdown.model.Layout;

import java.util.Arrays;

/**
 * Packs a state ({@code int[]}, one word per {@link Layout} word) into a string of bits and back,
 * using each word's range ({@link Layout#range}): a word bounded to [min, max] takes
 * ceil(log2(max - min + 1)) bits (none for a constant word), and a word the machine does not bound
 * (ints, cpus) takes a short field whose top code is an escape: the whole 32-bit value then follows
 * the fields, after those of the words that escaped before it. The encoding is a function of the
 * state and can be decoded from its start, so it is what the search hashes, queues and spills.
 * Nothing is lost: an unbounded value outside its short field escapes, and a bounded word outside
 * its declared range is a bug in the model or the layout, which stops the search
 * ({@link IllegalStateException}) rather than be truncated.
 *
 * <p>The fields have fixed places: they fill 64-bit lanes in the order of the words, a field that
 * would straddle two lanes starting the next one. A state then packs without a branch per word
 * (the check of every range is folded into one test at the end, and only a state that fails it, an
 * escape or an error, is packed again word by word), and a lane is one load to unpack. Packed states
 * are written from a {@code long}'s bit 0, low bits first; the bits past the end are 0.
 */
public final class StatePacker {
    /** Bits of a value that escapes its short field. */
    private static final int RAW_BITS = 32;

    private final int size;
    private final String[] names;
    /** The fields (words that are not constant), in word order: word, least value, most offset as a direct code, place in its lane. */
    private final int[] word;
    private final int[] min;
    private final long[] span;
    private final long[] mask;
    private final int[] shift;
    /** The first field of lane l + 1 (so lane l's fields are laneEnd[l - 1] .. laneEnd[l] - 1). */
    private final int[] laneEnd;
    /** Bits of the fields: whole lanes, then the last lane's used bits. */
    private final int fixedBits;
    /** The fields of unbounded words, in order: where an escape's value is read from the tail. */
    private final int[] open;
    /** Constant words and their one value. */
    private final int[] constant;
    private final int[] constantValue;
    /**
     * Per word (constant or not), for the fast check: its least value and the most its offset can be as a direct code
     * (at most Integer.MAX_VALUE: a word with a wider range always takes the careful path).
     */
    private final int[] checkMin;
    private final int[] checkSpan;
    /** Per word: its field, or -1 for a constant word; per field: its lane. */
    private final int[] fieldOf;
    private final int[] laneOf;
    private final int maxBits;

    /**
     * A packer for words whose ranges are {@code ranges[i] = {min, max}}; a word whose range is the whole of int is
     * unbounded and gets a short field of {@code shortBits} bits (codes for 0 .. 2^shortBits - 2, and the escape).
     */
    StatePacker(int[][] ranges, int shortBits, String[] names) {
        if (shortBits < 1 || shortBits > 31) {
            throw new IllegalArgumentException("a short field of " + shortBits + " bits");
        }
        size = ranges.length;
        this.names = names.clone();
        int fields = 0;
        int opens = 0;
        for (int[] r : ranges) {
            if (r[1] < r[0]) {
                throw new IllegalArgumentException("an empty range [" + r[0] + ", " + r[1] + "]");
            }
            boolean unbounded = r[0] == Integer.MIN_VALUE && r[1] == Integer.MAX_VALUE;
            fields += unbounded || r[1] != r[0] ? 1 : 0;
            opens += unbounded ? 1 : 0;
        }
        word = new int[fields];
        min = new int[fields];
        span = new long[fields];
        mask = new long[fields];
        shift = new int[fields];
        open = new int[opens];
        constant = new int[size - fields];
        constantValue = new int[size - fields];
        checkMin = new int[size];
        checkSpan = new int[size];
        fieldOf = new int[size];
        laneOf = new int[fields];
        int[] ends = new int[fields + 1];
        int lanes = 0;
        int used = 0;
        int f = 0;
        int o = 0;
        int c = 0;
        for (int i = 0; i < size; i++) {
            int lo = ranges[i][0];
            int hi = ranges[i][1];
            boolean unbounded = lo == Integer.MIN_VALUE && hi == Integer.MAX_VALUE;
            checkMin[i] = unbounded ? 0 : lo;
            checkSpan[i] = unbounded ? (1 << shortBits) - 2 : (int) Math.min(Integer.MAX_VALUE, (long) hi - lo);
            fieldOf[i] = -1;
            if (!unbounded && lo == hi) {
                constant[c] = i;
                constantValue[c++] = lo;
                continue;
            }
            int bits;
            if (unbounded) {
                bits = shortBits;
                span[f] = (1L << shortBits) - 2;
                open[o++] = f;
            } else {
                min[f] = lo;
                span[f] = (long) hi - lo;
                bits = 64 - Long.numberOfLeadingZeros(span[f]);
            }
            if (f == 0 || used + bits > 64) {
                if (f > 0) {
                    ends[lanes - 1] = f;
                }
                lanes++;
                used = 0;
            }
            word[f] = i;
            fieldOf[i] = f;
            laneOf[f] = lanes - 1;
            mask[f] = (1L << bits) - 1;
            shift[f] = used;
            used += bits;
            f++;
        }
        if (lanes > 0) {
            ends[lanes - 1] = f;
        }
        laneEnd = java.util.Arrays.copyOf(ends, lanes);
        fixedBits = lanes == 0 ? 0 : 64 * (lanes - 1) + used;
        maxBits = fixedBits + RAW_BITS * opens;
    }

    /**
     * The packer for a program's layout. An unbounded word's short field holds the values a CPU number can take,
     * and at least 0..2: small ints and CPU numbers, what such words hold nearly always.
     */
    public static StatePacker of(Layout layout) {
        int[][] ranges = new int[layout.size][];
        String[] names = new String[layout.size];
        for (int i = 0; i < layout.size; i++) {
            ranges[i] = layout.range(i);
            names[i] = layout.word(i).name();
        }
        int codes = Math.max(4, layout.cpus + 1);
        return new StatePacker(ranges, 32 - Integer.numberOfLeadingZeros(codes - 1), names);
    }

    /** Words in a state. */
    public int size() {
        return size;
    }

    /** The most bits a packed state can take (every unbounded word escaping). */
    public int maxBits() {
        return maxBits;
    }

    /** The bits a packed state takes when no word escapes. */
    public int fixedBits() {
        return fixedBits;
    }

    /** The most longs a packed state can take. */
    public int maxLongs() {
        return longs(maxBits);
    }

    /** Longs holding {@code bits} bits. */
    public static int longs(long bits) {
        return (int) ((bits + 63) >>> 6);
    }

    /** Packs {@code state} into {@code out} from long {@code from} (room for {@link #maxLongs} longs); returns the bits written. */
    public int pack(int[] state, long[] out, int from) {
        // Every word within its direct codes? An offset below 0 or above its span makes the check negative. One pass over
        // the words in order, which the compiler can vectorise.
        int bad = 0;
        for (int i = 0; i < size; i++) {
            int d = state[i] - checkMin[i];
            bad |= (checkSpan[i] - d) | d;
        }
        if (bad < 0) {
            return packEscaping(state, out, from);
        }
        int f = 0;
        for (int l = 0; l < laneEnd.length; l++) {
            long lane = 0;
            for (int end = laneEnd[l]; f < end; f++) {
                lane |= ((state[word[f]] - min[f]) & 0xffffffffL) << shift[f];
            }
            out[from + l] = lane;
        }
        return fixedBits;
    }

    /**
     * Packs {@code state}, a successor of {@code parent}, into {@code out} from long {@code from}, given the parent packed
     * ({@code parentBits} bits of {@code parentPacked} from long 0); returns the bits written, as {@link #pack} does, and
     * writes the same bits. A step changes few words: when the parent has no escape, its lanes are copied and only the
     * fields of the words that differ (found by a vectorised comparison) are rewritten; anything else packs whole.
     */
    public int packSuccessor(int[] parent, long[] parentPacked, int parentBits, int[] state, long[] out, int from) {
        if (parentBits != fixedBits) {
            return pack(state, out, from);
        }
        System.arraycopy(parentPacked, 0, out, from, laneEnd.length);
        int at = 0;
        while (at < size) {
            int k = Arrays.mismatch(parent, at, size, state, at, size);
            if (k < 0) {
                break;
            }
            int i = at + k;
            int f = fieldOf[i];
            int d = state[i] - checkMin[i];
            if (f < 0 || ((checkSpan[i] - d) | d) < 0) {
                // A constant word that changed, or a value that escapes or is out of range: the careful path says which.
                return pack(state, out, from);
            }
            int l = from + laneOf[f];
            out[l] = (out[l] & ~(mask[f] << shift[f])) | ((long) d << shift[f]);
            at = i + 1;
        }
        return fixedBits;
    }

    /** {@link #pack} for a state with a field outside its direct codes: escapes the unbounded ones, refuses the others. */
    private int packEscaping(int[] state, long[] out, int from) {
        for (int c = 0; c < constant.length; c++) {
            if (state[constant[c]] != constantValue[c]) {
                throw outOfRange(constant[c], state[constant[c]], constantValue[c], constantValue[c]);
            }
        }
        java.util.Arrays.fill(out, from, from + maxLongs(), 0L);
        long tail = from * 64L + fixedBits;
        int f = 0;
        int o = 0;
        for (int l = 0; l < laneEnd.length; l++) {
            long lane = 0;
            for (int end = laneEnd[l]; f < end; f++) {
                int v = state[word[f]];
                long d = (v - min[f]) & 0xffffffffL;
                boolean unbounded = o < open.length && open[o] == f;
                o += unbounded ? 1 : 0;
                if (d > span[f]) {
                    if (!unbounded) {
                        throw outOfRange(word[f], v, min[f], min[f] + span[f]);
                    }
                    d = span[f] + 1;
                    writeRaw(out, tail, v);
                    tail += RAW_BITS;
                }
                lane |= d << shift[f];
            }
            out[from + l] |= lane;
        }
        return (int) (tail - from * 64L);
    }

    private static void writeRaw(long[] out, long at, int v) {
        long x = v & 0xffffffffL;
        int w = (int) (at >>> 6);
        int sh = (int) (at & 63);
        out[w] |= x << sh;
        if (sh > 64 - RAW_BITS) {
            out[w + 1] |= x >>> (64 - sh);
        }
    }

    /** Unpacks the state that starts at bit {@code at} of {@code in} into {@code state}; returns the bits it took. */
    public int unpack(long[] in, long at, int[] state) {
        int f = 0;
        for (int l = 0; l < laneEnd.length; l++) {
            long lane = read64(in, at + 64L * l);
            for (int end = laneEnd[l]; f < end; f++) {
                state[word[f]] = (int) ((lane >>> shift[f]) & mask[f]) + min[f];
            }
        }
        for (int c = 0; c < constant.length; c++) {
            state[constant[c]] = constantValue[c];
        }
        long tail = at + fixedBits;
        for (int o : open) {
            if (state[word[o]] == span[o] + 1) {
                state[word[o]] = (int) (read64(in, tail) & 0xffffffffL);
                tail += RAW_BITS;
            }
        }
        return (int) (tail - at);
    }

    /** The 64 bits at bit {@code p} of {@code in}; those past its end are 0. */
    private static long read64(long[] in, long p) {
        int w = (int) (p >>> 6);
        int sh = (int) (p & 63);
        long v = in[w] >>> sh;
        if (sh != 0 && w + 1 < in.length) {
            v |= in[w + 1] << (64 - sh);
        }
        return v;
    }

    /** Copies the {@code bits} bits of {@code src} at bit {@code at} into {@code dst} from bit 0, with 0s past them. */
    public static void extractBits(long[] src, long at, int bits, long[] dst) {
        int n = longs(bits);
        for (int j = 0; j < n; j++) {
            dst[j] = read64(src, at + 64L * j);
        }
        int rest = bits & 63;
        if (rest != 0) {
            dst[n - 1] &= (1L << rest) - 1;
        }
    }

    /**
     * ORs the {@code bits} bits of {@code src} from long {@code from} (a packed state, 0 past its end) into {@code dst} at
     * bit {@code at}: {@code dst} must be 0 there, and have a long beyond the last one the bits reach.
     */
    public static void copyBits(long[] src, int from, int bits, long[] dst, long at) {
        int n = longs(bits);
        int word = (int) (at >>> 6);
        int shift = (int) (at & 63);
        if (shift == 0) {
            System.arraycopy(src, from, dst, word, n);
            return;
        }
        for (int j = 0; j < n; j++) {
            long x = src[from + j];
            dst[word + j] |= x << shift;
            dst[word + j + 1] |= x >>> (64 - shift);
        }
    }

    private IllegalStateException outOfRange(int i, int v, long lo, long hi) {
        return new IllegalStateException("state word " + i + " (" + names[i] + ") holds " + v + ", outside its declared range ["
                + lo + ", " + hi + "]: the layout's range for it is wrong");
    }

    @Override
    public String toString() {
        return size + " words: " + word.length + " fields in " + laneEnd.length + " lanes, " + fixedBits + " bits (" + open.length
                + " unbounded, at most " + maxBits + " bits)";
    }
}
