package dev.shootdown.sim;

import dev.shootdown.model.Event;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.shootdown.sim.EngineTimelineTest.compile;
import static org.assertj.core.api.Assertions.assertThat;

/** Jitter, device interrupts and reschedule IPIs ({@link Noise}), on the 1 GHz test profile of {@link EngineTimelineTest}. */
class NoiseTest {
    static final String ONE_CPU = """
            hardware x86 { cpus 1 }
            mm A { page p -> frame f writable }
            cpu 0 runs A: WORK
            """;

    static final String TWO_CPUS = ONE_CPU.replace("cpus 1", "cpus 2").replace("cpu 0 runs", "cpu 0.. runs");

    record Run(SimResult result, RecordingTrace trace, Engine engine) {}

    static Run run(String model, String work, double seconds, SimOptions options) {
        RecordingTrace trace = RecordingTrace.all();
        Engine e = new Engine(compile(model.replace("WORK", work)), EngineTimelineTest.TEST, options.withSeconds(seconds).withTrace(trace));
        return new Run(e.result(e.run(), "t", "none", "", options.seed()), trace, e);
    }

    static SimOptions noTicks(long seed, Noise noise) {
        return SimOptions.of(1, seed).withTickHz(0).withNoise(noise);
    }

    /** The lengths of CPU {@code cpu}'s slices labelled {@code label}, but the last, which the end of the run may cut. */
    static List<Long> lengths(RecordingTrace t, int cpu, String label) {
        List<Long> all = t.of(cpu).stream().filter(s -> s.label().equals(label)).map(s -> s.end() - s.start()).toList();
        return all.subList(0, Math.max(0, all.size() - 1));
    }

    @Test
    void withoutNoiseEveryComputeIsExactlyN() {
        Run r = run(ONE_CPU, "loop { compute(1000) }", 1e-3, noTicks(1, Noise.NONE));
        // Each turn: the compute step's 1 cycle of issue is part of the slice, as in EngineTimelineTest.
        assertThat(lengths(r.trace(), 0, "compute(1000)")).isNotEmpty().allMatch(l -> l == 1001);
    }

    @Test
    void uniformJitterStaysWithinItsSpreadAndIsAFunctionOfTheSeed() {
        Noise half = Noise.NONE.withJitter(Noise.Jitter.UNIFORM, 0.5);
        List<Long> a = lengths(run(ONE_CPU, "loop { compute(1000) }", 1e-3, noTicks(1, half)).trace(), 0, "compute(1000)");
        // 1 cycle of issue plus 500 .. 1500 drawn.
        assertThat(a).hasSizeGreaterThan(100).allMatch(l -> l >= 501 && l <= 1501);
        assertThat(a.stream().distinct().count()).isGreaterThan(50);
        assertThat(lengths(run(ONE_CPU, "loop { compute(1000) }", 1e-3, noTicks(1, half)).trace(), 0, "compute(1000)")).isEqualTo(a);
        assertThat(lengths(run(ONE_CPU, "loop { compute(1000) }", 1e-3, noTicks(2, half)).trace(), 0, "compute(1000)")).isNotEqualTo(a);
    }

    @Test
    void exponentialJitterHasMeanN() {
        Noise exp = Noise.NONE.withJitter(Noise.Jitter.EXP, 0);
        List<Long> l = lengths(run(ONE_CPU, "loop { idle(1000) }", 0.02, noTicks(3, exp)).trace(), 0, "idle(1000)");
        double mean = l.stream().mapToLong(x -> x - 1).average().orElseThrow();
        // About 20,000 draws of an exponential of mean 1000: the sample mean's standard error is 7; 5% is seven of them.
        assertThat(l).hasSizeGreaterThan(15_000);
        assertThat(mean).isBetween(950.0, 1050.0);
        // Memoryless: about e^-2 of the draws exceed twice the mean.
        double over = l.stream().filter(x -> x - 1 > 2000).count() / (double) l.size();
        assertThat(over).isBetween(0.12, 0.15);
    }

    @Test
    void jitterTakesWorkersOutOfLockStep() {
        Run still = run(TWO_CPUS, "loop { compute(1000) }", 1e-4, noTicks(1, Noise.NONE));
        assertThat(still.trace().of(0)).extracting(RecordingTrace.Slice::start).isEqualTo(still.trace().of(1).stream().map(RecordingTrace.Slice::start).toList());
        Run apart = run(TWO_CPUS, "loop { compute(1000) }", 1e-4, noTicks(1, Noise.NONE.withJitter(Noise.Jitter.EXP, 0)));
        assertThat(apart.trace().of(0).get(3).start()).isNotEqualTo(apart.trace().of(1).get(3).start());
    }

    @Test
    void aDeviceInterruptCutsAComputeForItsCostAndTheWorkResumes() {
        // 1,000,000 cycles of work, device interrupts at 10 kHz (every 100,000 cycles on average), 700 cycles each.
        Run r = run(ONE_CPU, "compute(1000000)", 2e-3, noTicks(1, Noise.NONE.withDevice(10_000, 700)));
        List<Long> irqs = lengths(r.trace(), 0, "device interrupt");
        assertThat(irqs).hasSizeGreaterThan(3).allMatch(l -> l == 700);
        assertThat(r.result().deviceInterrupts()).isGreaterThanOrEqualTo(irqs.size());
        // The work is neither lost nor lengthened: the interrupts' time is added to it.
        long user = r.trace().of(0).stream().filter(s -> s.label().equals("compute(1000000)")).mapToLong(s -> s.end() - s.start()).sum();
        assertThat(user).isEqualTo(1_000_001);
        assertThat(r.result().count(Event.TIMER_TICK)).isZero();
        assertThat(r.result().reschedIpis()).isZero();
    }

    @Test
    void reschedIpisWakeAnIdleCpuWhichTicksNot() {
        // idle() does not tick, but a reschedule IPI is taken there: 1 kHz for a 10 ms idle, 900 cycles each.
        Run r = run(ONE_CPU, "idle(10000000)", 0.02, SimOptions.of(1, 1).withTickHz(1000).withNoise(Noise.NONE.withResched(1000, 900)));
        List<Long> ipis = lengths(r.trace(), 0, "reschedule IPI");
        assertThat(ipis).hasSizeGreaterThan(3).allMatch(l -> l == 900);
        assertThat(r.result().count(Event.TIMER_TICK)).isZero();
        long idle = r.trace().of(0).stream().filter(s -> s.label().equals("idle(10000000)")).mapToLong(s -> s.end() - s.start()).sum();
        assertThat(idle).isEqualTo(10_000_001);
        assertThat((double) Metrics.values(r.result()).get("resched_ipis_per_second")).isEqualTo(r.result().reschedIpis() / 0.02);
    }
}
