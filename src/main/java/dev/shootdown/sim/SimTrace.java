package dev.shootdown.sim;

/**
 * A per-event hook for traces (Perfetto, timelines): the engine calls it for every slice of CPU
 * time and every machine event, with times in cycles of the profile's clock. Null means none, and
 * then the engine builds no labels.
 */
public interface SimTrace {
    /** CPU {@code cpu} was busy (or blocked) from {@code start} to {@code end} in {@code phase}; {@code label} is the source statement. */
    void slice(int cpu, long start, long end, int phase, String label);

    /** A {@link dev.shootdown.model.Event} at {@code time} on {@code cpu} (an IPI_SEND names its target in {@code a}). */
    void event(long time, int cpu, int kind, int a, int b);
}
