package dev.shootdown.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The BFS frontier: packed states ({@link StatePacker}), one after another in the bits of
 * {@code long} blocks, so that a million queued states cost their bits and not a million objects.
 * A record is the packed state alone: the queue holds states in the order of their numbers, each
 * number one more than the last, and their depths never decrease, so the number of a record is the
 * first one's plus its place, and its depth is kept once per level.
 *
 * <p>When the heap is short, blocks go to a {@link SpillFile} (TLC's DiskStateQueue) and come back
 * when the search reaches them: the order of the records never changes, so neither do the order
 * of the search, its statistics and its (shortest) counterexamples. Only the block being read and
 * the block being written need be in memory. The queue allocates and spills only when the
 * {@link MemoryGuard} asks ({@link #grow}, {@link #spill}, {@link #release}); a push or a pop
 * that finds no room the guard made allocates a block on its own.
 */
final class StateQueue implements GrowingTable, AutoCloseable {
    /** Records a block holds at least (each as long as a state can be), unless that makes it larger than {@link #MAX_BLOCK_BYTES}. */
    static final int RECORDS_PER_BLOCK = 4096;
    /** A wide state must not make one block a large share of a small heap. */
    static final int MAX_BLOCK_BYTES = 256 << 10;
    /** Arrays kept for the next blocks when a block is read to its end. */
    private static final int SPARES = 2;

    private static final class Block {
        /** The records' bits, or null while the block is on disk. */
        long[] data;
        /** Where the block is in the spill file, while it is there. */
        long slot;
        /** Records written to the block, and their bits. */
        int count;
        long bits;
    }

    private final StatePacker packer;
    /** A block's room for records, in bits: a long more is allocated, for {@link StatePacker#copyBits}. */
    private final long blockBits;
    private final int blockLongs;
    /** The most bits one record can take. */
    private final int recordBits;
    /** Blocks kept in memory before the queue spills on its own: unbounded but for tests. */
    private final int blocksInMemory;
    private final Path spillDir;
    private final ArrayDeque<Block> blocks = new ArrayDeque<>();
    private final ArrayDeque<long[]> spare = new ArrayDeque<>();
    /** Blocks whose records are in memory. */
    private int inMemory;
    /** Records of the first block already read, and the bit where the next one starts. */
    private int headRead;
    private long headBit;
    private long size;
    private long spilled;
    private SpillFile file;
    private String spillFailure;
    /** The number of the next record pushed and of the next popped (-1 before the first push). */
    private long nextIn = -1;
    private long nextOut = -1;
    /** Where the depth changes: the number of the first record of each new depth, and that depth; oldest first. */
    private long[] levelStart = new long[16];
    private int[] levelDepth = new int[16];
    private int levels;
    /** The next level whose start the reader has not reached, and the depth of the records it reads. */
    private int readLevel;
    private int readDepth;

    StateQueue(StatePacker packer, Path spillDir) {
        this(packer, spillDir, recordsPerBlock(packer.maxBits()), Integer.MAX_VALUE);
    }

    /** A queue of blocks that hold at least {@code recordsPerBlock} records each and keeps at most {@code blocksInMemory} of them in memory. */
    StateQueue(StatePacker packer, Path spillDir, int recordsPerBlock, int blocksInMemory) {
        this.packer = packer;
        this.spillDir = spillDir;
        this.recordBits = Math.max(1, packer.maxBits());
        this.blockLongs = StatePacker.longs((long) recordsPerBlock * recordBits);
        this.blockBits = blockLongs * 64L;
        this.blocksInMemory = Math.max(2, blocksInMemory);
    }

    /** {@link #RECORDS_PER_BLOCK}, or fewer for a state so wide that a block would pass {@link #MAX_BLOCK_BYTES}. */
    static int recordsPerBlock(int maxBits) {
        long record = Math.max(1, maxBits);
        return (int) Math.max(1, Math.min(RECORDS_PER_BLOCK, MAX_BLOCK_BYTES * 8L / record));
    }

    /**
     * Queues the packed state ({@code bits} bits of {@code packed} from long {@code from}) numbered {@code index} at
     * {@code depth}: the number one more than the last pushed, the depth no less.
     */
    void push(int index, int depth, long[] packed, int from, int bits) {
        if (nextIn < 0) {
            nextIn = index;
            nextOut = index;
        } else if (index != nextIn) {
            throw new IllegalArgumentException("state " + index + " queued after state " + (nextIn - 1) + ": the queue holds consecutive numbers");
        }
        if (levels == 0 || depth != levelDepth[levels - 1]) {
            if (levels > 0 && depth < levelDepth[levels - 1]) {
                throw new IllegalArgumentException("depth " + depth + " queued after depth " + levelDepth[levels - 1]);
            }
            if (levels == levelStart.length) {
                levelStart = java.util.Arrays.copyOf(levelStart, 2 * levels);
                levelDepth = java.util.Arrays.copyOf(levelDepth, 2 * levels);
            }
            levelStart[levels] = nextIn;
            levelDepth[levels++] = depth;
        }
        Block tail = blocks.peekLast();
        if (tail == null || tail.data == null || tail.bits + bits > blockBits) {
            tail = newTail();
        }
        StatePacker.copyBits(packed, from, bits, tail.data, tail.bits);
        tail.bits += bits;
        tail.count++;
        nextIn++;
        size++;
    }

    /** Unpacks the oldest state into {@code state} and returns its number and depth packed as number << 32 | depth. */
    long pop(int[] state) {
        return pop(state, null);
    }

    /**
     * Unpacks the oldest state into {@code state}, and if {@code packed} is not null copies its packed bits there (from
     * bit 0; {@link #poppedBits} says how many); returns its number and depth packed as number << 32 | depth.
     */
    long pop(int[] state, long[] packed) {
        Block head = blocks.peekFirst();
        if (head.data == null) {
            load(head);
        }
        long[] data = head.data;
        poppedBits = packer.unpack(data, headBit, state);
        if (packed != null) {
            StatePacker.extractBits(data, headBit, poppedBits, packed);
        }
        headBit += poppedBits;
        long number = nextOut++;
        while (readLevel < levels && levelStart[readLevel] <= number) {
            readDepth = levelDepth[readLevel++];
        }
        headRead++;
        size--;
        if (headRead == head.count) {
            blocks.pollFirst();
            headRead = 0;
            headBit = 0;
            inMemory--;
            if (spare.size() < SPARES) {
                spare.push(data);
            }
        }
        return number << 32 | (readDepth & 0xffffffffL);
    }

    /** The bits of the state the last {@link #pop} took. */
    int poppedBits() {
        return poppedBits;
    }

    private int poppedBits;

    /** What a record of the queue is handed to, in order ({@link #forEach}). */
    interface Records {
        void record(int index, int depth, int[] state) throws IOException;
    }

    /**
     * Hands every record to {@code sink} in queue order, oldest first, unpacked ({@code state} is reused from one record
     * to the next), without taking any off: the blocks on disk are read into one array of their own, and stay where they
     * are. For a checkpoint.
     */
    void forEach(Records sink) throws IOException {
        int[] state = new int[packer.size()];
        long[] read = null;
        long number = nextOut;
        int level = readLevel;
        int depth = readDepth;
        boolean first = true;
        for (Block b : blocks) {
            long[] data = b.data;
            if (data == null) {
                read = read != null ? read : newBlockArray();
                file.peek(b.slot, read, StatePacker.longs(b.bits));
                data = read;
            }
            long bit = first ? headBit : 0;
            for (int r = first ? headRead : 0; r < b.count; r++) {
                bit += packer.unpack(data, bit, state);
                while (level < levels && levelStart[level] <= number) {
                    depth = levelDepth[level++];
                }
                sink.record((int) number++, depth, state);
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
        return (blockLongs + 1L) * 8;
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
            long[] a = inMemory + spare.size() >= blocksInMemory ? spillOne() : null;
            spare.push(a != null ? a : newBlockArray());
        }
    }

    /**
     * Makes room for the next {@code adds} pushes and pop without allocating: the newest blocks in memory go to disk and
     * their arrays are kept for the new ones. Allocates only when there is no block left to spill but the one being read.
     */
    void spill(int adds) {
        for (int missing = arraysNeeded(adds) - spare.size(); missing > 0; missing--) {
            long[] a = spillOne();
            spare.push(a != null ? a : newBlockArray());
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
        // Records that surely fit: each as long as a record can be.
        long room = tail == null || tail.data == null ? 0 : (blockBits - tail.bits) / recordBits;
        long perBlock = blockBits / recordBits;
        long tails = adds <= room ? 0 : (adds - room + perBlock - 1) / perBlock;
        // The next pop reads the first block back from disk.
        Block head = blocks.peekFirst();
        return (int) tails + (head != null && head.data == null ? 1 : 0);
    }

    private long[] newBlockArray() {
        return new long[blockLongs + 1];
    }

    private Block newTail() {
        long[] a = spare.poll();
        if (a == null && inMemory >= blocksInMemory) {
            a = spillOne();
        }
        if (a != null) {
            // A block read or spilled before: records are ORed in.
            java.util.Arrays.fill(a, 0L);
        }
        Block b = new Block();
        b.data = a != null ? a : newBlockArray();
        blocks.addLast(b);
        inMemory++;
        return b;
    }

    /**
     * Writes the newest block in memory to disk, other than the one being read and the one being written (a last block
     * with room left); returns its array, or null if none could go.
     */
    private long[] spillOne() {
        Block head = blocks.peekFirst();
        Iterator<Block> it = blocks.descendingIterator();
        while (it.hasNext()) {
            Block b = it.next();
            if (b == head) {
                return null;
            }
            if (b.data != null && (b.bits + recordBits > blockBits || b != blocks.peekLast())) {
                return toDisk(b);
            }
        }
        return null;
    }

    private long[] toDisk(Block b) {
        if (spillFailure != null) {
            return null;
        }
        try {
            if (file == null) {
                file = SpillFile.create(spillDir, blockLongs);
            }
            b.slot = file.write(b.data, StatePacker.longs(b.bits));
        } catch (IOException | RuntimeException e) {
            spillFailure = e.getMessage() == null ? e.toString() : e.getMessage();
            return null;
        }
        long[] a = b.data;
        b.data = null;
        inMemory--;
        spilled += b.count;
        return a;
    }

    private void load(Block b) {
        long[] a = spare.poll();
        b.data = a != null ? a : newBlockArray();
        try {
            file.read(b.slot, b.data, StatePacker.longs(b.bits));
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
