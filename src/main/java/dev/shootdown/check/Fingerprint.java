package dev.shootdown.check;

/**
 * A 64-bit hash of a state; two distinct states collide with probability about n^2 / 2^64. The search
 * hashes the packed state ({@link StatePacker}, a few longs), the slower paths that hold only an
 * {@code int[]} hash that.
 */
public final class Fingerprint {
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    private Fingerprint() {}

    /** The hash of {@code n} longs of {@code words} from {@code from}: a packed state. */
    public static long of(long[] words, int from, int n) {
        long h = 0x1b873593L ^ n;
        // One long per round: MurmurHash3's 64-bit block mixing.
        for (int i = from; i < from + n; i++) {
            long k = words[i] * C1;
            k = Long.rotateLeft(k, 31) * C2;
            h ^= k;
            h = Long.rotateLeft(h, 27) * 5 + 0x52dce729;
        }
        return finish(h);
    }

    /** The hash of a whole state vector, for the paths that do not pack it (the deadlock closure, the lasso's cycle). */
    public static long of(int[] state) {
        long h = 0x1b873593L ^ state.length;
        int n = state.length & ~1;
        // Two ints per round: MurmurHash3's 64-bit block mixing.
        for (int i = 0; i < n; i += 2) {
            long k = ((long) state[i] << 32) ^ (state[i + 1] & 0xffffffffL);
            k *= C1;
            k = Long.rotateLeft(k, 31) * C2;
            h ^= k;
            h = Long.rotateLeft(h, 27) * 5 + 0x52dce729;
        }
        if (n < state.length) {
            long k = (state[n] & 0xffffffffL) * C1;
            h ^= Long.rotateLeft(k, 31) * C2;
        }
        return finish(h);
    }

    /** MurmurHash3's 64-bit finaliser. */
    private static long finish(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /**
     * The probability that a fingerprint collision hid a state, in a search that found {@code distinct} states among
     * {@code generated} (the initial state and every successor computed): TLC's "calculated (optimistic)" estimate,
     * P = distinct * (generated - distinct) / 2^64. Each of the generated - distinct states found already seen might
     * instead be a new state whose fingerprint equals one of the at most {@code distinct} stored, with probability at
     * most distinct / 2^64 for a uniformly random 64-bit hash; the sum bounds the chance that any was. Optimistic,
     * because MurmurHash3 over the packed state is not truly random; the pessimistic birthday bound n^2 / 2^64 would
     * ask instead whether any two reachable states share a fingerprint, confused by the search or not.
     */
    public static double collisionProbability(long distinct, long generated) {
        return distinct * (double) Math.max(0, generated - distinct) / 0x1p64;
    }
}
