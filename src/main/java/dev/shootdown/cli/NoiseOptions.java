package dev.shootdown.cli;

import dev.shootdown.lang.UserError;
import dev.shootdown.sim.Noise;
import picocli.CommandLine.Option;

/** {@code simulate}'s noise: the jitter of the workload's think times and request sizes, device interrupts and reschedule IPIs. */
final class NoiseOptions {
    @Option(names = "--jitter", paramLabel = "none|exp|F", description = {"How each compute(n)/idle(n) varies around n, drawn from the seed per CPU:",
            "none (exactly n), exp (exponential, mean n), or F (uniform within n(1-F)..n(1+F), 0 < F <= 1) (default: none; exp with --hunt)."})
    String jitter;

    @Option(names = "--device-irq-hz", paramLabel = "HZ", description = "Device interrupts per CPU per second, Poisson arrivals (default: 0, none).")
    double deviceHz;

    @Option(names = "--device-irq-cycles", paramLabel = "C", description = "Cycles a device interrupt's handler takes, interrupts off (default: ${DEFAULT-VALUE}, an estimate).")
    long deviceCycles = Noise.DEFAULT_DEVICE_CYCLES;

    @Option(names = "--resched-hz", paramLabel = "HZ", description = "Reschedule IPIs per CPU per second, Poisson arrivals (default: 0, none).")
    double reschedHz;

    @Option(names = "--resched-cycles", paramLabel = "C", description = "Cycles a reschedule IPI's handler takes, interrupts off (default: ${DEFAULT-VALUE}, an estimate).")
    long reschedCycles = Noise.DEFAULT_RESCHED_CYCLES;

    /** The noise asked for; {@code hunting} makes the jitter exponential unless --jitter says otherwise. */
    Noise noise(boolean hunting) {
        Noise n = Noise.NONE.withDevice(deviceHz, deviceCycles).withResched(reschedHz, reschedCycles);
        String j = jitter != null ? jitter : hunting ? "exp" : "none";
        return switch (j) {
            case "none" -> n;
            case "exp" -> n.withJitter(Noise.Jitter.EXP, 0);
            default -> n.withJitter(Noise.Jitter.UNIFORM, spread(j));
        };
    }

    private static double spread(String j) {
        double f;
        try {
            f = Double.parseDouble(j);
        } catch (NumberFormatException e) {
            throw new UserError("--jitter " + j + ": expected none, exp or a fraction above 0 and at most 1");
        }
        if (!(f > 0) || f > 1) {
            throw new UserError("--jitter " + j + ": a uniform spread must be above 0 and at most 1");
        }
        return f;
    }
}
