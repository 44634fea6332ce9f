package dev.shootdown.check;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file of equal slots, each holding one block of the frontier that did not fit the heap. A slot
 * read back is free for the next block written, so the file is as large as the most blocks ever out
 * at once, not as all that were written.
 *
 * <p>The file is opened with DELETE_ON_CLOSE, which on Linux and macOS unlinks it at once: it has no
 * name while the search runs, and the system reclaims it however the process ends (Ctrl-C, kill,
 * a crash). Elsewhere it is deleted when the search closes it.
 */
final class SpillFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer buffer;
    private final long slotBytes;
    private long slots;
    private long[] free = new long[16];
    private int freeCount;

    private SpillFile(Path path, FileChannel channel, int slotLongs) {
        this.path = path;
        this.channel = channel;
        this.slotBytes = slotLongs * 8L;
        this.buffer = ByteBuffer.allocateDirect(Math.multiplyExact(slotLongs, 8)).order(ByteOrder.nativeOrder());
    }

    /** A new spill file in {@code dir} for blocks of up to {@code slotLongs} longs. */
    static SpillFile create(Path dir, int slotLongs) throws IOException {
        Path path = Files.createTempFile(dir, "shootdown-frontier-", ".spill");
        try {
            return new SpillFile(path, FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE), slotLongs);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(path);
            throw e;
        }
    }

    /** Writes the first {@code longs} longs of {@code data} to a free slot and returns the slot. */
    long write(long[] data, int longs) throws IOException {
        long slot = freeCount > 0 ? free[--freeCount] : slots++;
        buffer.clear();
        buffer.asLongBuffer().put(data, 0, longs);
        buffer.limit(longs * 8);
        long at = slot * slotBytes;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
        return slot;
    }

    /** Reads {@code longs} longs from {@code slot} into {@code into}, and frees the slot. */
    void read(long slot, long[] into, int longs) throws IOException {
        peek(slot, into, longs);
        if (freeCount == free.length) {
            free = java.util.Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = slot;
    }

    /** Reads {@code longs} longs from {@code slot} into {@code into}, leaving the slot as it is (for a checkpoint). */
    void peek(long slot, long[] into, int longs) throws IOException {
        buffer.clear();
        buffer.limit(longs * 8);
        long at = slot * slotBytes;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException(path + ": ends before slot " + slot);
            }
            at += n;
        }
        buffer.flip();
        LongBuffer words = buffer.asLongBuffer();
        words.get(into, 0, longs);
    }

    Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(path);
        }
    }
}
