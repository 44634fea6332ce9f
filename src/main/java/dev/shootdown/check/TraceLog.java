package dev.shootdown.check;

import java.util.Arrays;

/**
 * For every distinct state, its predecessor's number and which of the predecessor's enabled
 * actions led to it (its place in {@code Machine.enabled}'s list): enough to rebuild a
 * counterexample by re-executing from the initial state, applying each action as it was taken
 * ({@link TraceRebuilder}). TLC's TLCTrace keeps a fingerprint beside the predecessor and looks for
 * it among the successors; the action's place makes that second fingerprint unnecessary, and takes
 * a byte (two for models with more than 256 actions) instead of eight.
 *
 * <p>Kept in chunks of {@link #CHUNK} entries (the first grows to that size by doubling): the log
 * grows a chunk at a time, with no copy, and needs no stretch of heap as long as itself, which a
 * heap that has held other large arrays may not have.
 */
final class TraceLog implements GrowingTable {
    /** 128 KiB of predecessors: less than half the collector's smallest region (G1, 1 MiB), so no chunk is a humongous object. */
    private static final int SHIFT = 15;
    private static final int CHUNK = 1 << SHIFT;
    private static final int MASK = CHUNK - 1;
    /** States are numbered by int. */
    private static final long MAX_STATES = Integer.MAX_VALUE;
    /** Bytes of one action's place: 1 or 2 (or 4 past 65,536 actions), little-endian. */
    private final int choiceBytes;
    private final int entryBytes;
    private int[][] parents = {new int[1 << 12]};
    private byte[][] choices;
    /** Entries the chunks can hold. */
    private long capacity = 1 << 12;
    private int size;

    /** A log for a machine whose states have at most {@code maxActions} enabled actions. */
    TraceLog(int maxActions) {
        choiceBytes = maxActions <= 1 << 8 ? 1 : maxActions <= 1 << 16 ? 2 : 4;
        entryBytes = 4 + choiceBytes;
        choices = new byte[][] {new byte[(1 << 12) * choiceBytes]};
    }

    /** Adds a state reached from state {@code parent} (-1 for the initial state) by its enabled action number {@code choice}. */
    int add(int parent, int choice) {
        if (size == capacity) {
            grow(1);
        }
        parents[size >>> SHIFT][size & MASK] = parent;
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

    int parent(int index) {
        return parents[index >>> SHIFT][index & MASK];
    }

    int size() {
        return size;
    }

    /** Bytes one entry takes. */
    int entryBytes() {
        return entryBytes;
    }

    @Override
    public long bytes() {
        return capacity * entryBytes;
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
        return (capacityFor(needed) - (capacity < CHUNK ? 0 : capacity)) * entryBytes;
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
            int n = (int) Math.min(cap, CHUNK);
            int[] p = Arrays.copyOf(parents[0], n);
            byte[] c = Arrays.copyOf(choices[0], n * choiceBytes);
            parents[0] = p;
            choices[0] = c;
            capacity = n;
        }
        int chunks = (int) (cap >>> SHIFT);
        if (chunks > parents.length) {
            int[][] p = Arrays.copyOf(parents, chunks);
            byte[][] c = Arrays.copyOf(choices, chunks);
            for (int k = parents.length; k < chunks; k++) {
                p[k] = new int[CHUNK];
                c[k] = new byte[CHUNK * choiceBytes];
            }
            parents = p;
            choices = c;
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
