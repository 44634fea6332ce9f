package dev.shootdown.check;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The visited set off the Java heap ({@code --off-heap}): the fingerprints of {@link OpenAddressingFingerprintSet}, with
 * the same linear probing, in a file mapped into memory in segments of {@link #SEGMENT_SLOTS} slots. The heap then
 * holds the trace and the frontier only, and {@code -Xmx} can stay small while the table takes what the machine has.
 * The file is made in the spill directory and unlinked at once where the system allows (as {@link SpillFile}), so it
 * goes however the process ends; the system keeps its pages in memory while they fit and writes them to it beyond.
 *
 * <p>It grows by doubling into a new file at 3/4 load, under the {@link MemoryGuard}, which counts it against its own
 * budget ({@link #offHeap}): an old table's mapping goes when the collector finds it unreachable, and its file with it.
 */
final class MappedFingerprintSet implements FingerprintSet, AutoCloseable {
    private static final long ZERO_STANDIN = 0x9E3779B97F4A7C15L;
    /** 2^27 slots, 1 GiB a segment: a mapping holds at most 2 GiB. */
    static final int SEGMENT_SHIFT = 27;
    static final int SEGMENT_SLOTS = 1 << SEGMENT_SHIFT;
    /** 2^36 slots, 512 GiB: far past any machine's memory. */
    private static final long MAX_CAPACITY = 1L << 36;

    private final Path dir;
    private Table table;
    private long size;
    private long growAt;

    /** The slots of one file, in segments. */
    private static final class Table {
        final Path path;
        final FileChannel channel;
        final LongBuffer[] segments;
        final long mask;

        Table(Path dir, long capacity) throws IOException {
            // Pages of a mapped file that the disk cannot take end the process (SIGBUS) instead of throwing: look first.
            long free = Files.getFileStore(dir).getUsableSpace();
            if (free < capacity * 8) {
                throw new IOException((capacity * 8 >> 20) + " MiB needed in " + dir + ", " + (free >> 20) + " MiB free");
            }
            path = Files.createTempFile(dir, "shootdown-visited-", ".table");
            FileChannel c = null;
            try {
                c = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
                int n = (int) Math.max(1, capacity >>> SEGMENT_SHIFT);
                long slots = Math.min(capacity, SEGMENT_SLOTS);
                segments = new LongBuffer[n];
                for (int s = 0; s < n; s++) {
                    segments[s] = c.map(FileChannel.MapMode.READ_WRITE, s * slots * 8, slots * 8).order(ByteOrder.nativeOrder()).asLongBuffer();
                }
                channel = c;
            } catch (IOException | RuntimeException e) {
                if (c != null) {
                    c.close();
                }
                Files.deleteIfExists(path);
                throw e;
            }
            mask = capacity - 1;
        }

        long get(long i) {
            return segments[(int) (i >>> SEGMENT_SHIFT)].get((int) (i & (SEGMENT_SLOTS - 1)));
        }

        void put(long i, long v) {
            segments[(int) (i >>> SEGMENT_SHIFT)].put((int) (i & (SEGMENT_SLOTS - 1)), v);
        }

        long capacity() {
            return mask + 1;
        }

        void close() {
            try {
                channel.close();
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // Unlinked when it was opened where the system allows; nothing else can be done.
            }
        }
    }

    /** An empty set of {@code capacity} slots (a power of two) in a file in {@code dir}. */
    MappedFingerprintSet(Path dir, long capacity) {
        this.dir = dir;
        this.table = newTable(Long.highestOneBit(Math.max(16, capacity)));
        this.growAt = table.capacity() * 3 / 4;
    }

    private Table newTable(long capacity) {
        try {
            return new Table(dir, capacity);
        } catch (IOException e) {
            throw new UncheckedIOException("the visited set off the heap, in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean add(long fp) {
        if (fp == 0) {
            fp = ZERO_STANDIN;
        }
        if (size >= growAt) {
            grow(1);
        }
        Table t = table;
        long i = (fp ^ (fp >>> 32)) & t.mask;
        while (true) {
            long v = t.get(i);
            if (v == 0) {
                t.put(i, fp);
                size++;
                return true;
            }
            if (v == fp) {
                return false;
            }
            i = (i + 1) & t.mask;
        }
    }

    @Override
    public long size() {
        return size;
    }

    /** Its bytes are not on the Java heap: the guard counts them against its off-heap budget. */
    @Override
    public boolean offHeap() {
        return true;
    }

    @Override
    public long bytes() {
        return table.capacity() * 8;
    }

    @Override
    public long bytesToGrow(int adds) {
        if (size + adds <= growAt) {
            return 0;
        }
        long cap = capacityFor(adds);
        return cap > MAX_CAPACITY ? CANNOT_GROW : cap * 8;
    }

    @Override
    public void grow(int adds) {
        long cap = capacityFor(adds);
        if (cap == table.capacity()) {
            return;
        }
        if (cap > MAX_CAPACITY) {
            throw new IllegalStateException("more than " + MAX_CAPACITY * 3 / 4 + " states in one fingerprint set");
        }
        Table old = table;
        Table bigger = newTable(cap);
        for (long j = 0; j < old.capacity(); j++) {
            long v = old.get(j);
            if (v != 0) {
                long i = (v ^ (v >>> 32)) & bigger.mask;
                while (bigger.get(i) != 0) {
                    i = (i + 1) & bigger.mask;
                }
                bigger.put(i, v);
            }
        }
        table = bigger;
        growAt = cap * 3 / 4;
        old.close();
    }

    private long capacityFor(int adds) {
        long cap = table.capacity();
        while (size + adds > cap * 3 / 4) {
            cap *= 2;
        }
        return cap;
    }

    /** Written as {@link OpenAddressingFingerprintSet#writeTo} writes, as one segment, so a checkpoint carries on in either. */
    @Override
    public void writeTo(DataOutputStream out) throws IOException {
        long cap = table.capacity();
        out.writeInt(1);
        out.writeLong(size);
        out.writeLong(cap);
        out.writeLong(size);
        long[] chunk = new long[1 << 13];
        int k = 0;
        for (long j = 0; j < cap; j++) {
            long v = table.get(j);
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

    /** The set {@link OpenAddressingFingerprintSet#writeTo} or {@link #writeTo} wrote, in a file in {@code dir}: a table that holds them all. */
    static MappedFingerprintSet readFrom(DataInputStream in, Path dir) throws IOException {
        int segments = (int) Checkpoint.checked(in.readInt(), 1, 1 << 16, "fingerprint segments:");
        long size = Checkpoint.checked(in.readLong(), 0, MAX_CAPACITY * 3 / 4, "fingerprints:");
        long cap = 16;
        while (size > cap * 3 / 4) {
            cap *= 2;
        }
        MappedFingerprintSet s = new MappedFingerprintSet(dir, cap);
        try {
            long[] chunk = new long[1 << 13];
            for (int g = 0; g < segments; g++) {
                long length = Checkpoint.checked(in.readLong(), 16, MAX_CAPACITY, "fingerprint segment of");
                long count = Checkpoint.checked(in.readLong(), 0, length * 3 / 4, "fingerprints in a segment:");
                Checkpoint.readFingerprints(in, count, chunk, s::add);
            }
            if (s.size != size) {
                throw new IllegalArgumentException("fingerprint segments of " + s.size + " fingerprints, not " + size);
            }
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public void close() {
        table.close();
    }
}
