package dev.shootdown.sim;

/**
 * How long to simulate, with which seed (TLB victims are the only random choice), how often the
 * kernel's periodic timer ticks on a busy CPU, and an optional trace hook.
 *
 * @param tickHz the scheduler tick rate (Linux CONFIG_HZ; 0 turns ticks off, as on a nohz_full CPU)
 * @param tickSkew whether each CPU's tick is offset as with Linux's {@code skew_tick=1} (CPU c by
 *     c x half a period / CPUs, kernel/time/tick-sched.c), instead of every CPU on the same edge
 * @param progress null, or told now and then how far the run has got, and may stop it there (Ctrl-C)
 */
public record SimOptions(double seconds, long seed, SimTrace trace, double tickHz, boolean tickSkew, Progress progress) {
    /** How far a run has got: called every {@value Engine#PROGRESS_EVERY} engine events; true stops the run at {@code cycles}. */
    @FunctionalInterface
    public interface Progress {
        boolean reached(long cycles, long endCycles);
    }

    /** CONFIG_HZ=250, the default of x86 distribution kernels (Debian, Ubuntu) and of the kernel's own Kconfig. */
    public static final double DEFAULT_TICK_HZ = 250;

    public SimOptions {
        if (!(seconds > 0) || seconds > 3600) {
            throw new IllegalArgumentException("simulated seconds must be in (0, 3600]");
        }
        if (!(tickHz >= 0) || tickHz > 100_000) {
            throw new IllegalArgumentException("tick rate must be in [0, 100000] Hz");
        }
    }

    public SimOptions(double seconds, long seed, SimTrace trace) {
        this(seconds, seed, trace, DEFAULT_TICK_HZ, false, null);
    }

    public SimOptions(double seconds, long seed, SimTrace trace, double tickHz) {
        this(seconds, seed, trace, tickHz, false, null);
    }

    public SimOptions(double seconds, long seed, SimTrace trace, double tickHz, boolean tickSkew) {
        this(seconds, seed, trace, tickHz, tickSkew, null);
    }

    public static SimOptions of(double seconds, long seed) {
        return new SimOptions(seconds, seed, null);
    }

    public SimOptions withTickHz(double hz) {
        return new SimOptions(seconds, seed, trace, hz, tickSkew, progress);
    }

    public SimOptions withTickSkew(boolean skew) {
        return new SimOptions(seconds, seed, trace, tickHz, skew, progress);
    }

    public SimOptions withProgress(Progress p) {
        return new SimOptions(seconds, seed, trace, tickHz, tickSkew, p);
    }
}
