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
 */
public record CheckOptions(long maxStates, double memoryFraction, AtomicBoolean stop, Consumer<Stats> progress, boolean allProperties, Path spillDir,
                           boolean reductions, int workers) {

    public CheckOptions(long maxStates, double memoryFraction, AtomicBoolean stop, Consumer<Stats> progress, boolean allProperties) {
        this(maxStates, memoryFraction, stop, progress, allProperties, null, true, defaultWorkers());
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
        return new CheckOptions(max, memoryFraction, stop, progress, allProperties, spillDir, reductions, workers);
    }

    public CheckOptions withProgress(Consumer<Stats> p) {
        return new CheckOptions(maxStates, memoryFraction, stop, p, allProperties, spillDir, reductions, workers);
    }

    public CheckOptions withStop(AtomicBoolean s) {
        return new CheckOptions(maxStates, memoryFraction, s, progress, allProperties, spillDir, reductions, workers);
    }

    public CheckOptions withSpillDir(Path dir) {
        return new CheckOptions(maxStates, memoryFraction, stop, progress, allProperties, dir, reductions, workers);
    }

    public CheckOptions withReductions(boolean on) {
        return new CheckOptions(maxStates, memoryFraction, stop, progress, allProperties, spillDir, on, workers);
    }

    public CheckOptions withWorkers(int n) {
        return new CheckOptions(maxStates, memoryFraction, stop, progress, allProperties, spillDir, reductions, n);
    }

    /** The directory the frontier spills to. */
    public Path spillDirectory() {
        return spillDir != null ? spillDir : Path.of(System.getProperty("java.io.tmpdir"));
    }
}
