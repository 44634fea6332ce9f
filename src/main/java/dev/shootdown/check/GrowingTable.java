package dev.shootdown.check;

/**
 * A table of the search that grows as states are found. It grows only when asked ({@link #grow}),
 * so that every large allocation of the search is made by the {@link MemoryGuard}, after it has
 * checked that the allocation fits.
 */
public interface GrowingTable {
    /** What {@link #bytesToGrow} says of a table already as large as a Java array can be: more than any heap. */
    long CANNOT_GROW = Long.MAX_VALUE / 4;

    /** Bytes held. */
    long bytes();

    /** Bytes {@link #grow grow(adds)} would allocate on top of {@link #bytes()}: 0 when {@code adds} more entries fit as it is. */
    long bytesToGrow(int adds);

    /** Makes room for {@code adds} more entries, allocating {@link #bytesToGrow bytesToGrow(adds)} bytes. */
    void grow(int adds);

    /** Whether its bytes are outside the Java heap ({@link MappedFingerprintSet}): the guard counts them on their own budget. */
    default boolean offHeap() {
        return false;
    }
}
