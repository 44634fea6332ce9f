package dev.shootdown.check;

import java.util.Arrays;

/**
 * How many states each breadth-first level holds, for the progress line's estimate of the time
 * left. Once the last two levels whose states are all known shrink (level k+1 at most 0.9 of level
 * k), the levels after them are guessed to shrink by the same ratio r, so about {@code L r / (1 - r)}
 * states are still to be found after the last known level L; every state is expanded once, at the
 * rate seen so far. While the levels grow there is no estimate: the search may be far from its peak.
 */
final class LevelGrowth {
    private long[] sizes = new long[64];
    private int deepest = -1;

    void found(int depth) {
        if (depth >= sizes.length) {
            sizes = Arrays.copyOf(sizes, Math.max(depth + 1, sizes.length * 2));
        }
        sizes[depth]++;
        deepest = Math.max(deepest, depth);
    }

    /** Writes the level sizes, for a checkpoint. */
    void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(deepest);
        Checkpoint.writeLongs(out, sizes, 0, deepest + 1);
    }

    /** The sizes {@link #writeTo} wrote. */
    static LevelGrowth readFrom(java.io.DataInputStream in) throws java.io.IOException {
        LevelGrowth g = new LevelGrowth();
        g.deepest = (int) Checkpoint.checked(in.readInt(), -1, 1 << 24, "levels:");
        g.sizes = new long[Math.max(64, g.deepest + 1)];
        Checkpoint.readLongs(in, g.sizes, 0, g.deepest + 1);
        return g;
    }

    /**
     * Seconds left, or NaN: {@code finished} is the deepest level all of whose states were expanded
     * (so the level after it is fully found), {@code expanded} the states expanded in {@code seconds}.
     */
    double secondsLeft(int finished, long states, long expanded, double seconds) {
        int known = finished + 1;
        if (known < 2 || known > deepest || expanded == 0 || seconds <= 0) {
            return Double.NaN;
        }
        double last = sizes[known];
        double before = sizes[known - 1];
        double r = before > 0 ? last / before : 1;
        if (r > 0.9) {
            return Double.NaN;
        }
        long foundUpToKnown = 0;
        for (int d = 0; d <= known; d++) {
            foundUpToKnown += sizes[d];
        }
        double total = Math.max(states, foundUpToKnown + last * r / (1 - r));
        return (total - expanded) / (expanded / seconds);
    }
}
