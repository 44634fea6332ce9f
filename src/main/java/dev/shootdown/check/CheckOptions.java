package dev.shootdown.check;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Limits and hooks of one search.
 *
 * @param maxStates      stop (incomplete) after this many distinct states
 * @param memoryFraction keep the search's tables and the rest of the live heap within this share of the heap: the frontier
 *                       goes to disk when it does not fit, and the search stops (incomplete) when the tables do not
 * @param stop           set from outside (Ctrl-C) to stop at the next state
 * @param progress       called about once a second with the running statistics; may be null
 * @param allProperties  keep searching after the first violation until every property has a verdict
 * @param spillDir       where the frontier goes when it does not fit the heap; null for the system's temporary directory
 * @param reductions     explore one state per symmetry orbit ({@code --no-reductions} turns it off)
 * @param workers        threads that expand states ahead of the search (the result is the same for any number)
 * @param checkpoints    where the search writes its checkpoints and which one it carries on; null for none
 * @param bitstateBytes  0 for the exact visited set; else the size of a bit-state array ({@link BitstateSet}), -1 for
 *                       {@link #DEFAULT_BITSTATE_SHARE} of the search's share of the heap
 * @param offHeapBytes   0 for a visited set on the heap; else the most it may hold off the heap ({@link MappedFingerprintSet},
 *                       in the spill directory), -1 for {@link #defaultOffHeapBytes}
 */
public record CheckOptions(long maxStates, double memoryFraction, AtomicBoolean stop, Consumer<Stats> progress, boolean allProperties, Path spillDir,
                           boolean reductions, int workers, Checkpoints checkpoints, long bitstateBytes, long offHeapBytes) {

    /** The share of the search's memory a bit-state array of the default size takes: the trace and the frontier need the rest. */
    public static final double DEFAULT_BITSTATE_SHARE = 0.25;

    /**
     * Checkpoints: written into {@code dir} (null: none) every {@code everyNanos} of search and when the search stops
     * before its end (Ctrl-C, the memory guard, the state limit); {@code resume}, when not null, the directory of the
     * checkpoint to carry on. {@code events} hears what was written, or why it could not be.
     */
    public record Checkpoints(Path dir, long everyNanos, Path resume, Consumer<String> events) {
        /** Whether {@code dir} holds a checkpoint. */
        public static boolean holdsOne(Path dir) {
            return java.nio.file.Files.isRegularFile(file(dir));
        }

        /** The checkpoint's file in {@code dir}. */
        public static Path file(Path dir) {
            return dir.resolve(Checkpoint.FILE);
        }
    }

    public CheckOptions(long maxStates, double memoryFraction, AtomicBoolean stop, Consumer<Stats> progress, boolean allProperties) {
        this(maxStates, memoryFraction, stop, progress, allProperties, null, true, defaultWorkers(), null, 0, 0);
    }

    /**
     * One thread. On the 2-processor machines measured (December 2026), two threads took 0.97-0.88 of
     * one's wall time for 1.2-1.6 times its CPU: the search's own thread bounds the gain, so more
     * threads are asked for with --workers.
     */
    public static int defaultWorkers() {
        return 1;
    }

    public static CheckOptions defaults() {
        return new CheckOptions(Long.MAX_VALUE, 0.7, new AtomicBoolean(), null, true);
    }

    public CheckOptions withMaxStates(long max) {
        return new CheckOptions(max, memoryFraction, stop, progress, allProperties, spillDir, reductions, workers, checkpoints, bitstateBytes, offHeapBytes);
    }

    public CheckOptions withProgress(Consumer<Stats> p) {
        return new CheckOptions(maxStates, memoryFraction, stop, p, allProperties, spillDir, reductions, workers, checkpoints, bitstateBytes, offHeapBytes);
    }

    public CheckOptions withStop(AtomicBoolean s) {
        return new CheckOptions(maxStates, memoryFraction, s, progress, allProperties, spillDir, reductions, workers, checkpoints, bitstateBytes, offHeapBytes);
    }

    public CheckOptions withSpillDir(Path dir) {
        return new CheckOptions(maxStates, memoryFraction, stop, progress, allProperties, dir, reductions, workers, checkpoints, bitstateBytes, offHeapBytes);
    }

    public CheckOptions withReductions(boolean on) {
        return new CheckOptions(maxStates, memoryFraction, stop, progress, allProperties, spillDir, on, workers, checkpoints, bitstateBytes, offHeapBytes);
    }

    public CheckOptions withWorkers(int n) {
        return new CheckOptions(maxStates, memoryFraction, stop, progress, allProperties, spillDir, reductions, n, checkpoints, bitstateBytes, offHeapBytes);
    }

    public CheckOptions withCheckpoints(Checkpoints c) {
        return new CheckOptions(maxStates, memoryFraction, stop, progress, allProperties, spillDir, reductions, workers, c, bitstateBytes, offHeapBytes);
    }

    public CheckOptions withBitstate(long bytes) {
        return new CheckOptions(maxStates, memoryFraction, stop, progress, allProperties, spillDir, reductions, workers, checkpoints, bytes, offHeapBytes);
    }

    public CheckOptions withAllProperties(boolean all) {
        return new CheckOptions(maxStates, memoryFraction, stop, progress, all, spillDir, reductions, workers, checkpoints, bitstateBytes, offHeapBytes);
    }

    public CheckOptions withOffHeap(long bytes) {
        return new CheckOptions(maxStates, memoryFraction, stop, progress, allProperties, spillDir, reductions, workers, checkpoints, bitstateBytes, bytes);
    }

    /**
     * What the visited set may hold off the heap when {@code --off-heap} gives no size: the machine's memory less the heap,
     * times the {@code --memory} share (the system's own and other processes' need the rest).
     */
    public long defaultOffHeapBytes() {
        long physical = java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : 0;
        return Math.max(64L << 20, (long) ((physical - Runtime.getRuntime().maxMemory()) * memoryFraction));
    }

    /** The directory the frontier spills to. */
    public Path spillDirectory() {
        return spillDir != null ? spillDir : Path.of(System.getProperty("java.io.tmpdir"));
    }
}
