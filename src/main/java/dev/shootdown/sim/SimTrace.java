package dev.shootdown.sim;

/**
 * A per-event hook for traces (Perfetto, timelines): the engine calls it for every slice of CPU
 * time and every machine event, with times in cycles of the profile's clock. Null means none, and
 * then the engine builds no labels.
 */
public interface SimTrace {
    /**
     * Whether a slice starting at {@code time} could still be recorded. When false the engine builds
     * no label for it (a trace past its event cap or its window would only drop it) and passes null;
     * it still reports the slice. Asked once per step, so it must be cheap.
     */
    default boolean wants(long time) {
        return true;
    }

    /**
     * CPU {@code cpu} was busy (or blocked) from {@code start} to {@code end} in {@code phase};
     * {@code label} is the source statement. A CPU's slices never overlap and end by the end of the
     * run. An interrupt cuts a {@code compute(n)}/{@code idle(n)}: its slice ends where the handler
     * begins, the handler's slices follow, and the rest of the work is a slice of its own after the
     * return, with the same label and phase.
     */
    void slice(int cpu, long start, long end, int phase, String label);

    /** A {@link dev.shootdown.model.Event} at {@code time} on {@code cpu} (an IPI_SEND names its target in {@code a}). */
    void event(long time, int cpu, int kind, int a, int b);
}
