package dev.shootdown.sim;

/**
 * How long to simulate, with which seed (TLB victims are the only random choice), how often the
 * kernel's periodic timer ticks on a busy CPU, and an optional trace hook.
 *
 * @param tickHz the scheduler tick rate (Linux CONFIG_HZ; 0 turns ticks off, as on a nohz_full CPU)
 * @param tickSkew whether each CPU's tick is offset as with Linux's {@code skew_tick=1} (CPU c by
 *     c x half a period / CPUs, kernel/time/tick-sched.c), instead of every CPU on the same edge
 * @param progress null, or told now and then how far the run has got, and may stop it there (Ctrl-C)
 * @param stallSeconds the least simulated time a CPU with work left may stay blocked before the run is
 *     reported as a stall; the engine waits longer when the run shows longer operations (see {@link Engine})
 * @param noise the run's jitter, device interrupts and reschedule IPIs ({@link Noise#NONE}: none)
 */
public record SimOptions(double seconds, long seed, SimTrace trace, double tickHz, boolean tickSkew, Progress progress, double stallSeconds, Noise noise) {
    /** How far a run has got: called every {@value Engine#PROGRESS_EVERY} engine events; true stops the run at {@code cycles}. */
    @FunctionalInterface
    public interface Progress {
        boolean reached(long cycles, long endCycles);
    }

    /** CONFIG_HZ=250, the default of x86 distribution kernels (Debian, Ubuntu) and of the kernel's own Kconfig. */
    public static final double DEFAULT_TICK_HZ = 250;

    /**
     * 10 ms: hundreds of times a healthy shootdown's wait (linux-ipi's call: 1.5 us on 8 CPUs, 11 on
     * 128). The engine stretches it for runs whose operations or waits are longer.
     */
    public static final double DEFAULT_STALL_SECONDS = 0.01;

    public SimOptions {
        if (!(seconds > 0) || seconds > 3600) {
            throw new IllegalArgumentException("simulated seconds must be in (0, 3600]");
        }
        if (!(tickHz >= 0) || tickHz > 100_000) {
            throw new IllegalArgumentException("tick rate must be in [0, 100000] Hz");
        }
        if (!(stallSeconds > 0) || stallSeconds > 3600) {
            throw new IllegalArgumentException("the stall bound must be in (0, 3600] simulated seconds");
        }
        java.util.Objects.requireNonNull(noise, "noise");
    }

    public SimOptions(double seconds, long seed, SimTrace trace, double tickHz, boolean tickSkew, Progress progress, double stallSeconds) {
        this(seconds, seed, trace, tickHz, tickSkew, progress, stallSeconds, Noise.NONE);
    }

    public SimOptions(double seconds, long seed, SimTrace trace, double tickHz, boolean tickSkew, Progress progress) {
        this(seconds, seed, trace, tickHz, tickSkew, progress, DEFAULT_STALL_SECONDS);
    }

    public SimOptions(double seconds, long seed, SimTrace trace) {
        this(seconds, seed, trace, DEFAULT_TICK_HZ, false, null, DEFAULT_STALL_SECONDS);
    }

    public SimOptions(double seconds, long seed, SimTrace trace, double tickHz) {
        this(seconds, seed, trace, tickHz, false, null, DEFAULT_STALL_SECONDS);
    }

    public SimOptions(double seconds, long seed, SimTrace trace, double tickHz, boolean tickSkew) {
        this(seconds, seed, trace, tickHz, tickSkew, null, DEFAULT_STALL_SECONDS);
    }

    public static SimOptions of(double seconds, long seed) {
        return new SimOptions(seconds, seed, null);
    }

    public SimOptions withTickHz(double hz) {
        return new SimOptions(seconds, seed, trace, hz, tickSkew, progress, stallSeconds, noise);
    }

    public SimOptions withTickSkew(boolean skew) {
        return new SimOptions(seconds, seed, trace, tickHz, skew, progress, stallSeconds, noise);
    }

    public SimOptions withProgress(Progress p) {
        return new SimOptions(seconds, seed, trace, tickHz, tickSkew, p, stallSeconds, noise);
    }

    public SimOptions withStallSeconds(double s) {
        return new SimOptions(seconds, seed, trace, tickHz, tickSkew, progress, s, noise);
    }

    public SimOptions withNoise(Noise n) {
        return new SimOptions(seconds, seed, trace, tickHz, tickSkew, progress, stallSeconds, n);
    }

    public SimOptions withSeconds(double s) {
        return new SimOptions(s, seed, trace, tickHz, tickSkew, progress, stallSeconds, noise);
    }

    public SimOptions withTrace(SimTrace t) {
        return new SimOptions(seconds, seed, t, tickHz, tickSkew, progress, stallSeconds, noise);
    }
}
