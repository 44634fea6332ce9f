package dev.shootdown.check;

/**
 * The set of visited states, each kept only as a 64-bit fingerprint (TLC's FPSet idea). {@link #add}
 * grows the table itself if it must, but the search calls {@link #grow} first, under the guard.
 */
public interface FingerprintSet extends GrowingTable {
    /** Adds {@code fp}; returns true when it was not there before. */
    boolean add(long fp);

    long size();

    /** Writes the set as it is, for a checkpoint (each kind has a {@code readFrom} that reads it back). */
    void writeTo(java.io.DataOutputStream out) throws java.io.IOException;
}
