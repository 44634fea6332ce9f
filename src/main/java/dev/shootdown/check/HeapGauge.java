package dev.shootdown.check;

/**
 * The heap beyond the search's own tables, as the collector sees it: the part of the heap the
 * {@link MemoryGuard} cannot count itself (the model, the collector's waste around large arrays,
 * garbage not yet reclaimed).
 */
interface HeapGauge extends AutoCloseable {
    /** Tells the gauge what the tables hold now, to subtract from the heap it measures at the next collection. */
    void publish(long tablesBytes);

    /** Heap in use after the last collection beyond what the tables held then (unreclaimed garbage included); 0 before any. */
    long other();

    /** Collects now, and returns {@link #other} for tables of {@code tablesBytes}: a measure without garbage. */
    long collect(long tablesBytes);

    @Override
    void close();
}
