package dev.shootdown.check;

import java.util.Arrays;

/**
 * For every distinct state, its predecessor's index and its own fingerprint (TLC's TLCTrace):
 * enough to rebuild a counterexample by re-executing from the initial state.
 *
 * <p>Kept in chunks of {@link #CHUNK} entries (the first grows to that size by doubling): the log
 * grows a chunk at a time, with no copy, and needs no stretch of heap as long as itself, which a
 * heap that has held other large arrays may not have.
 */
final class TraceLog implements GrowingTable {
    /** 256 KiB of fingerprints: less than half the collector's smallest region (G1, 1 MiB), so no chunk is a humongous object. */
    private static final int SHIFT = 15;
    private static final int CHUNK = 1 << SHIFT;
    private static final int MASK = CHUNK - 1;
    /** States are numbered by int. */
    private static final long MAX_STATES = Integer.MAX_VALUE;
    private long[][] fps = {new long[1 << 12]};
    private int[][] parents = {new int[1 << 12]};
    /** Entries the chunks can hold. */
    private long capacity = 1 << 12;
    private int size;

    int add(int parent, long fp) {
        if (size == capacity) {
            grow(1);
        }
        fps[size >>> SHIFT][size & MASK] = fp;
        parents[size >>> SHIFT][size & MASK] = parent;
        return size++;
    }

    long fingerprint(int index) {
        return fps[index >>> SHIFT][index & MASK];
    }

    int parent(int index) {
        return parents[index >>> SHIFT][index & MASK];
    }

    int size() {
        return size;
    }

    /** Writes the entries, for a checkpoint. */
    void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(size);
        for (int from = 0; from < size; from += CHUNK) {
            int n = Math.min(CHUNK, size - from);
            Checkpoint.writeLongs(out, fps[from >>> SHIFT], 0, n);
            Checkpoint.writeInts(out, parents[from >>> SHIFT], 0, n);
        }
    }

    /** The log {@link #writeTo} wrote. */
    static TraceLog readFrom(java.io.DataInputStream in) throws java.io.IOException {
        int size = (int) Checkpoint.checked(in.readInt(), 0, MAX_STATES, "trace entries:");
        TraceLog t = new TraceLog();
        t.grow(size);
        for (int from = 0; from < size; from += CHUNK) {
            int n = Math.min(CHUNK, size - from);
            Checkpoint.readLongs(in, t.fps[from >>> SHIFT], 0, n);
            Checkpoint.readInts(in, t.parents[from >>> SHIFT], 0, n);
        }
        t.size = size;
        return t;
    }

    @Override
    public long bytes() {
        return capacity * 12;
    }

    @Override
    public long bytesToGrow(int adds) {
        long needed = (long) size + adds;
        if (needed <= capacity) {
            return 0;
        }
        if (needed > MAX_STATES) {
            return CANNOT_GROW;
        }
        return (capacityFor(needed) - (capacity < CHUNK ? 0 : capacity)) * 12;
    }

    @Override
    public void grow(int adds) {
        long needed = (long) size + adds;
        if (needed <= capacity) {
            return;
        }
        if (needed > MAX_STATES) {
            throw new IllegalStateException("more than " + MAX_STATES + " states in one trace");
        }
        long cap = capacityFor(needed);
        if (capacity < CHUNK) {
            // The first chunk, still doubling: both copies made before either is replaced, so a refused allocation
            // leaves the log as it was.
            long[] f = Arrays.copyOf(fps[0], (int) Math.min(cap, CHUNK));
            int[] p = Arrays.copyOf(parents[0], f.length);
            fps[0] = f;
            parents[0] = p;
            capacity = f.length;
        }
        int chunks = (int) (cap >>> SHIFT);
        if (chunks > fps.length) {
            long[][] f = Arrays.copyOf(fps, chunks);
            int[][] p = Arrays.copyOf(parents, chunks);
            for (int c = fps.length; c < chunks; c++) {
                f[c] = new long[CHUNK];
                p[c] = new int[CHUNK];
            }
            fps = f;
            parents = p;
            capacity = cap;
        }
    }

    /** What the log holds once it has room for {@code needed} entries: the first chunk doubled, then whole chunks. */
    private long capacityFor(long needed) {
        if (needed <= CHUNK) {
            long cap = capacity;
            while (cap < needed) {
                cap *= 2;
            }
            return cap;
        }
        return (needed + MASK) >>> SHIFT << SHIFT;
    }
}
