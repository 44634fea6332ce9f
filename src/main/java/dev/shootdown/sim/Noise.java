package dev.shootdown.sim;

import java.util.Locale;

/**
 * What disturbs a run besides its protocol and workload, all drawn from the run's seed: the spread of
 * the workload's think times and request sizes, and interrupts the protocol does not send (device
 * interrupts, reschedule IPIs). Without it (the default, {@link #NONE}) every {@code compute(n)} takes
 * exactly n cycles and only IPIs and timer ticks interrupt, so a steady workload runs in lock-step.
 *
 * @param jitter        how {@code compute(n)} and {@code idle(n)} vary around n
 * @param spread        for {@link Jitter#UNIFORM}, the half-width as a fraction of n (0 to 1)
 * @param deviceHz      device interrupts per CPU per second, a Poisson stream (0: none)
 * @param deviceCycles  cycles a device interrupt takes, entry to return, with interrupts off
 * @param reschedHz     reschedule IPIs per CPU per second, a Poisson stream (0: none)
 * @param reschedCycles cycles a reschedule IPI takes, entry to return, with interrupts off
 */
public record Noise(Jitter jitter, double spread, double deviceHz, long deviceCycles, double reschedHz, long reschedCycles) {
    /** How a {@code compute(n)} or {@code idle(n)} of mean n is drawn. */
    public enum Jitter {
        /** Exactly n. */
        NONE,
        /** Exponential with mean n: the think time of the closed-system users of queueing models (memoryless arrivals). */
        EXP,
        /** Uniform in n(1 - spread) .. n(1 + spread). */
        UNIFORM
    }

    /**
     * A device interrupt's handler, entry to return: the order of the timer tick's (interrupt entry,
     * a top half that acks the device and schedules its softirq or NAPI poll, exit), about 2 us at
     * 2 GHz: ESTIMATE.
     */
    public static final long DEFAULT_DEVICE_CYCLES = 4000;
    /**
     * A reschedule IPI (RESCHEDULE_VECTOR, scheduler_ipi() in kernel/sched/core.c, which only sets
     * need_resched and processes the wake list): interrupt entry and exit as for the profiles' IPIs
     * (500 + 300 cycles on skylake) and a few hundred cycles of body: ESTIMATE.
     */
    public static final long DEFAULT_RESCHED_CYCLES = 1200;

    public static final Noise NONE = new Noise(Jitter.NONE, 0, 0, DEFAULT_DEVICE_CYCLES, 0, DEFAULT_RESCHED_CYCLES);

    public Noise {
        if (!(spread >= 0) || spread > 1) {
            throw new IllegalArgumentException("jitter spread must be in [0, 1]");
        }
        if (!(deviceHz >= 0) || !(reschedHz >= 0) || deviceCycles < 0 || reschedCycles < 0) {
            throw new IllegalArgumentException("interrupt rates and costs must be 0 or more");
        }
    }

    /** Whether anything is drawn at all: without, the engine keeps none of the noise's state. */
    public boolean any() {
        return jitter != Jitter.NONE || deviceHz > 0 || reschedHz > 0;
    }

    /** The jitter as the {@code --jitter} option writes it: none, exp, or the uniform spread (0.2). */
    public String jitterName() {
        return switch (jitter) {
            case NONE -> "none";
            case EXP -> "exp";
            case UNIFORM -> String.format(Locale.ROOT, "%s", spread);
        };
    }

    public Noise withJitter(Jitter j, double s) {
        return new Noise(j, s, deviceHz, deviceCycles, reschedHz, reschedCycles);
    }

    public Noise withDevice(double hz, long cycles) {
        return new Noise(jitter, spread, hz, cycles, reschedHz, reschedCycles);
    }

    public Noise withResched(double hz, long cycles) {
        return new Noise(jitter, spread, deviceHz, deviceCycles, hz, cycles);
    }
}
