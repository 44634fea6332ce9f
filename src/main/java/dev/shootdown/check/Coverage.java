package dev.shootdown.check;

/**
 * What a search with bit-state hashing ({@link BitstateSet}) had and probably missed.
 *
 * @param bits    the bit array's size
 * @param hashes  bits set for each state
 * @param bitsSet bits set when the search ended
 * @param states  states stored (each taken for new when first reached)
 * @param missed  the expected number of new states taken for seen where they were first reached
 */
public record Coverage(long bits, int hashes, long bitsSet, long states, double missed) {

    /** The share of the bits set: a new state is taken for seen with probability about {@code fill^hashes}. */
    public double fill() {
        return bitsSet / (double) bits;
    }

    /** SPIN's hash factor: bits per state stored (SPIN's manual: coverage is good above about 100). */
    public double hashFactor() {
        return bits / (double) Math.max(1, states);
    }

    /** The estimated share of the states reached that were explored: stored / (stored + missed). */
    public double estimate() {
        return states == 0 ? 1 : states / (states + missed);
    }

    /** A share as a percentage with the digits that tell it from 100%: 99.9997%, 87%. */
    public static String percent(double share) {
        double missing = 100 * (1 - share);
        int digits = missing <= 0 || missing >= 1 ? 0 : Math.min(8, (int) Math.ceil(-Math.log10(missing)));
        return String.format(java.util.Locale.ROOT, "%." + digits + "f%%", Math.floor(100 * share * Math.pow(10, digits)) / Math.pow(10, digits));
    }

}
