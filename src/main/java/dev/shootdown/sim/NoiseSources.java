package dev.shootdown.sim;

import java.util.SplittableRandom;

import static dev.shootdown.sim.CpuRecords.NEVER;

/**
 * A run's {@link Noise} as it happens: per CPU a {@link SplittableRandom} split from the run's seed
 * (so what one CPU draws does not depend on how often another drew), the jittered length of each
 * {@code compute(n)}/{@code idle(n)}, and when each CPU's next device interrupt and reschedule IPI
 * arrive. Arrivals are Poisson streams (exponential gaps), independent per CPU, as irqbalance spreads
 * device interrupts and wake-ups come from many senders. Made only when the run has noise.
 */
final class NoiseSources {
    /** What a local interrupt that is not the tick is. */
    static final int DEVICE = 1;
    static final int RESCHED = 2;

    private final Noise noise;
    private final SplittableRandom[] random;
    private final long[] nextDevice;
    private final long[] nextResched;
    /** Mean gaps in cycles, or 0 for a stream that is off. */
    private final double deviceGap;
    private final double reschedGap;
    long deviceTaken;
    long reschedTaken;

    NoiseSources(Noise noise, int cpus, long seed, double ghz) {
        this.noise = noise;
        this.random = new SplittableRandom[cpus];
        // A stream of its own, so a run without noise draws its TLB victims and choices exactly as before.
        SplittableRandom root = new SplittableRandom(seed ^ 0x6e6f697365L);
        this.nextDevice = new long[cpus];
        this.nextResched = new long[cpus];
        this.deviceGap = noise.deviceHz() > 0 ? ghz * 1e9 / noise.deviceHz() : 0;
        this.reschedGap = noise.reschedHz() > 0 ? ghz * 1e9 / noise.reschedHz() : 0;
        for (int c = 0; c < cpus; c++) {
            random[c] = root.split();
            nextDevice[c] = arrival(c, 0, deviceGap);
            nextResched[c] = arrival(c, 0, reschedGap);
        }
    }

    private long arrival(int c, long after, double gap) {
        return gap == 0 ? NEVER : after + 1 + (long) exponential(c, gap);
    }

    private double exponential(int c, double mean) {
        return -mean * Math.log(1 - random[c].nextDouble());
    }

    /** The length of a {@code compute(n)} or {@code idle(n)} of CPU {@code c}, drawn around n. */
    long draw(int c, int n) {
        return switch (noise.jitter()) {
            case NONE -> n;
            case EXP -> Math.round(exponential(c, n));
            case UNIFORM -> Math.round(n * (1 + noise.spread() * (2 * random[c].nextDouble() - 1)));
        };
    }

    /** When CPU {@code c}'s next device interrupt or reschedule IPI arrives (NEVER without either). */
    long next(int c) {
        return Math.min(nextDevice[c], nextResched[c]);
    }

    /**
     * CPU {@code c} takes, at {@code t}, the earlier of its device interrupt and reschedule IPI that is
     * due: which it was ({@link #DEVICE} or {@link #RESCHED}); the stream's next arrival follows it.
     */
    int take(int c, long t) {
        if (nextDevice[c] <= nextResched[c]) {
            nextDevice[c] = arrival(c, t, deviceGap);
            deviceTaken++;
            return DEVICE;
        }
        nextResched[c] = arrival(c, t, reschedGap);
        reschedTaken++;
        return RESCHED;
    }

    /** The cycles the handler of {@code kind} takes. */
    long cycles(int kind) {
        return kind == DEVICE ? noise.deviceCycles() : noise.reschedCycles();
    }

    static String label(int kind) {
        return kind == DEVICE ? "device interrupt" : "reschedule IPI";
    }
}
