package dev.shootdown.check;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Limits and hooks of one search.
 *
 * @param maxStates      stop (incomplete) after this many distinct states
 * @param memoryFraction stop (incomplete) before the search's own structures pass this share of the heap
 * @param stop           set from outside (Ctrl-C) to stop at the next state
 * @param progress       called about once a second with the running statistics; may be null
 * @param allProperties  keep searching after the first violation until every property has a verdict
 * @param reductions     explore one state per symmetry orbit ({@code --no-reductions} turns it off)
 */
public record CheckOptions(long maxStates, double memoryFraction, AtomicBoolean stop, Consumer<Stats> progress, boolean allProperties,
                           boolean reductions) {

    public CheckOptions(long maxStates, double memoryFraction, AtomicBoolean stop, Consumer<Stats> progress, boolean allProperties) {
        this(maxStates, memoryFraction, stop, progress, allProperties, true);
    }

    public static CheckOptions defaults() {
        return new CheckOptions(Long.MAX_VALUE, 0.7, new AtomicBoolean(), null, true, true);
    }

    public CheckOptions withMaxStates(long max) {
        return new CheckOptions(max, memoryFraction, stop, progress, allProperties, reductions);
    }

    public CheckOptions withProgress(Consumer<Stats> p) {
        return new CheckOptions(maxStates, memoryFraction, stop, p, allProperties, reductions);
    }

    public CheckOptions withStop(AtomicBoolean s) {
        return new CheckOptions(maxStates, memoryFraction, s, progress, allProperties, reductions);
    }

    public CheckOptions withReductions(boolean on) {
        return new CheckOptions(maxStates, memoryFraction, stop, progress, allProperties, on);
    }
}
