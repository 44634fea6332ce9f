package dev.shootdown.check;

/** The set of visited states, each kept only as a 64-bit fingerprint (TLC's FPSet idea). */
public interface FingerprintSet {
    /** Adds {@code fp}; returns true when it was not there before. */
    boolean add(long fp);

    long size();

    /** Bytes held, for the memory guard. */
    long bytes();

    /** Bytes the next growth would need on top of {@link #bytes()}; 0 if none is due. */
    long bytesToGrow();
}
