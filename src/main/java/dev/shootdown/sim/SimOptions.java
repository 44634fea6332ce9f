package dev.shootdown.sim;

/**
 * How long to simulate, with which seed (TLB victims are the only random choice), and an optional trace hook.
 */
public record SimOptions(double seconds, long seed, SimTrace trace) {
    public SimOptions {
        if (!(seconds > 0) || seconds > 3600) {
            throw new IllegalArgumentException("simulated seconds must be in (0, 3600]");
        }
    }

    public static SimOptions of(double seconds, long seed) {
        return new SimOptions(seconds, seed, null);
    }
}
