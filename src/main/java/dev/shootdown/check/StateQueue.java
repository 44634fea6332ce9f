package dev.shootdown.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The BFS frontier: fixed-width records (state index, depth, packed state) in int blocks, so that
 * a million queued states cost their ints and not a million objects.
 *
 * <p>When the heap is short, blocks go to a {@link SpillFile} (TLC's DiskStateQueue) and come back
 * when the search reaches them: the order of the records never changes, so neither do the order
 * of the search, its statistics and its (shortest) counterexamples. Only the block being read and
 * the block being written need be in memory. The queue allocates and spills only when the
 * {@link MemoryGuard} asks ({@link #grow}, {@link #spill}, {@link #release}); a push or a pop
 * that finds no room the guard made allocates a block on its own.
 */
final class StateQueue implements GrowingTable, AutoCloseable {
    /** Records in a block, unless that makes the block larger than {@link #MAX_BLOCK_BYTES}. */
    static final int RECORDS_PER_BLOCK = 4096;
    /** A wide state must not make one block a large share of a small heap. */
    static final int MAX_BLOCK_BYTES = 256 << 10;
    /** Arrays kept for the next blocks when a block is read to its end. */
    private static final int SPARES = 2;

    private static final class Block {
        /** The records, or null while the block is on disk. */
        int[] data;
        /** Where the block is in the spill file, while it is there. */
        long slot;
        /** Records written to the block. */
        int count;
    }

    private final int width;
    private final int recordsPerBlock;
    /** Blocks kept in memory before the queue spills on its own: unbounded but for tests. */
    private final int blocksInMemory;
    private final Path spillDir;
    private final ArrayDeque<Block> blocks = new ArrayDeque<>();
    private final ArrayDeque<int[]> spare = new ArrayDeque<>();
    /** Blocks whose records are in memory. */
    private int inMemory;
    /** Records of the first block already read. */
    private int headRead;
    private long size;
    private long spilled;
    private SpillFile file;
    private String spillFailure;

    StateQueue(int stateSize, Path spillDir) {
        this(stateSize, spillDir, recordsPerBlock(stateSize), Integer.MAX_VALUE);
    }

    /** A queue of blocks of {@code recordsPerBlock} records that keeps at most {@code blocksInMemory} of them in memory. */
    StateQueue(int stateSize, Path spillDir, int recordsPerBlock, int blocksInMemory) {
        this.width = stateSize + 2;
        this.spillDir = spillDir;
        this.recordsPerBlock = recordsPerBlock;
        this.blocksInMemory = Math.max(2, blocksInMemory);
    }

    /** {@link #RECORDS_PER_BLOCK}, or fewer for a state so wide that a block would pass {@link #MAX_BLOCK_BYTES}. */
    static int recordsPerBlock(int stateSize) {
        long record = (stateSize + 2L) * 4;
        return (int) Math.max(1, Math.min(RECORDS_PER_BLOCK, MAX_BLOCK_BYTES / record));
    }

    void push(int index, int depth, int[] state) {
        Block tail = blocks.peekLast();
        if (tail == null || tail.data == null || tail.count == recordsPerBlock) {
            tail = newTail();
        }
        int[] data = tail.data;
        int at = tail.count * width;
        data[at] = index;
        data[at + 1] = depth;
        System.arraycopy(state, 0, data, at + 2, width - 2);
        tail.count++;
        size++;
    }

    /** Copies the oldest state into {@code state} and returns its index and depth packed as index << 32 | depth. */
    long pop(int[] state) {
        Block head = blocks.peekFirst();
        if (head.data == null) {
            load(head);
        }
        int[] data = head.data;
        int at = headRead * width;
        long r = ((long) data[at] << 32) | (data[at + 1] & 0xffffffffL);
        System.arraycopy(data, at + 2, state, 0, width - 2);
        headRead++;
        size--;
        if (headRead == head.count) {
            blocks.pollFirst();
            headRead = 0;
            inMemory--;
            if (spare.size() < SPARES) {
                spare.push(data);
            }
        }
        return r;
    }

    /** What a record of the queue is handed to, in order ({@link #forEach}). */
    interface Records {
        void record(int index, int depth, int[] state) throws IOException;
    }

    /**
     * Hands every record to {@code sink} in queue order, oldest first, without taking any off: the blocks on disk are read
     * into one array of their own, and stay where they are. For a checkpoint.
     */
    void forEach(Records sink) throws IOException {
        int[] state = new int[width - 2];
        int[] read = null;
        boolean first = true;
        for (Block b : blocks) {
            int[] data = b.data;
            if (data == null) {
                read = read != null ? read : new int[recordsPerBlock * width];
                file.peek(b.slot, read, b.count * width);
                data = read;
            }
            for (int r = first ? headRead : 0; r < b.count; r++) {
                int at = r * width;
                System.arraycopy(data, at + 2, state, 0, width - 2);
                sink.record(data[at], data[at + 1], state);
            }
            first = false;
        }
    }

    boolean isEmpty() {
        return size == 0;
    }

    long size() {
        return size;
    }

    /** Records written to disk so far (a record read back and written again counts twice). */
    long spilled() {
        return spilled;
    }

    /** Why writing to disk failed, or null. */
    String spillFailure() {
        return spillFailure;
    }

    /** The bytes of one block. */
    long blockBytes() {
        return (long) recordsPerBlock * width * 4;
    }

    /** Blocks held in memory: those with records, and the spare ones. */
    @Override
    public long bytes() {
        return (inMemory + spare.size()) * blockBytes();
    }

    /** The blocks the next {@code adds} pushes and the next pop need that no spare array is kept for. */
    @Override
    public long bytesToGrow(int adds) {
        return Math.max(0, arraysNeeded(adds) - spare.size()) * blockBytes();
    }

    /** Allocates the arrays {@link #bytesToGrow} counts (keeping within {@code blocksInMemory}, by spilling, where it can). */
    @Override
    public void grow(int adds) {
        for (int missing = arraysNeeded(adds) - spare.size(); missing > 0; missing--) {
            int[] a = inMemory + spare.size() >= blocksInMemory ? spillOne() : null;
            spare.push(a != null ? a : new int[recordsPerBlock * width]);
        }
    }

    /**
     * Makes room for the next {@code adds} pushes and pop without allocating: the newest blocks in memory go to disk and
     * their arrays are kept for the new ones. Allocates only when there is no block left to spill but the one being read.
     */
    void spill(int adds) {
        for (int missing = arraysNeeded(adds) - spare.size(); missing > 0; missing--) {
            int[] a = spillOne();
            spare.push(a != null ? a : new int[recordsPerBlock * width]);
        }
    }

    /** Writes blocks to disk, newest first, and lets their arrays go, until {@code bytes} are freed; returns the bytes freed. */
    long release(long bytes) {
        long freed = 0;
        while (freed < bytes && !spare.isEmpty()) {
            spare.pop();
            freed += blockBytes();
        }
        while (freed < bytes && spillOne() != null) {
            freed += blockBytes();
        }
        return freed;
    }

    private int arraysNeeded(int adds) {
        Block tail = blocks.peekLast();
        int room = tail == null || tail.data == null ? 0 : recordsPerBlock - tail.count;
        int tails = adds <= room ? 0 : (adds - room + recordsPerBlock - 1) / recordsPerBlock;
        // The next pop reads the first block back from disk.
        Block head = blocks.peekFirst();
        return tails + (head != null && head.data == null ? 1 : 0);
    }

    private Block newTail() {
        int[] a = spare.poll();
        if (a == null && inMemory >= blocksInMemory) {
            a = spillOne();
        }
        Block b = new Block();
        b.data = a != null ? a : new int[recordsPerBlock * width];
        blocks.addLast(b);
        inMemory++;
        return b;
    }

    /**
     * Writes the newest block in memory to disk, other than the one being read and the one being written (a last block
     * with room left); returns its array, or null if none could go.
     */
    private int[] spillOne() {
        Block head = blocks.peekFirst();
        Iterator<Block> it = blocks.descendingIterator();
        while (it.hasNext()) {
            Block b = it.next();
            if (b == head) {
                return null;
            }
            if (b.data != null && (b.count == recordsPerBlock || b != blocks.peekLast())) {
                return toDisk(b);
            }
        }
        return null;
    }

    private int[] toDisk(Block b) {
        if (spillFailure != null) {
            return null;
        }
        try {
            if (file == null) {
                file = SpillFile.create(spillDir, recordsPerBlock * width);
            }
            b.slot = file.write(b.data, b.count * width);
        } catch (IOException | RuntimeException e) {
            spillFailure = e.getMessage() == null ? e.toString() : e.getMessage();
            return null;
        }
        int[] a = b.data;
        b.data = null;
        inMemory--;
        spilled += b.count;
        return a;
    }

    private void load(Block b) {
        int[] a = spare.poll();
        b.data = a != null ? a : new int[recordsPerBlock * width];
        try {
            file.read(b.slot, b.data, b.count * width);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the frontier back from " + file.path(), e);
        }
        inMemory++;
    }

    @Override
    public void close() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                // The file was unlinked when it was opened where the system allows; nothing else can be done.
            }
            file = null;
        }
    }
}
