package dev.shootdown.sim;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import dev.shootdown.lang.Sources;
import dev.shootdown.model.Compiler;
import dev.shootdown.model.Program;
import dev.shootdown.model.Verdict;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code simulate --hunt} over unsafe/fixed pairs the checker decides: under a workload whose threads
 * touch the page being unmapped, the hunt finds the unsafe protocol's race (the property the checker
 * says it breaks) at a rate, and none in the fixed one's run of the same simulated time.
 */
class HuntTest {
    /** An unsafe protocol, its fix, and the profile both run on (the ARM pair needs broadcast invalidation). */
    record Pair(String unsafe, String fixed, String profile) {}

    static final List<Pair> PAIRS = List.of(
            // seed 000: munmap that frees the frame without waiting for the responders' acks, and the one that waits.
            new Pair("catalog/000-pte-first-no-wait.sd", "catalog/000-pte-first-wait.sd", "skylake"),
            // seed 004: ARM's munmap before and after 06824ba824b3 (free, then TLBI IS; TLBI IS, then free).
            new Pair("protocols/hunt/arm-free-before-flush.sd", "protocols/hunt/arm-gather-flush-free.sd", "arm64"));

    static final String WORKLOAD = "docs/examples/hunt/shared-page.sdw";
    static final double SECONDS = 0.02;

    static SimOptions hunting(double seconds, long seed) {
        return SimOptions.of(seconds, seed).withNoise(Noise.NONE.withJitter(Noise.Jitter.EXP, 0));
    }

    static Hunt.Result hunt(SourceFile protocol, String profile, int cpus, SimOptions options) {
        Workload w = Workloads.byName(WORKLOAD);
        Profile p = Profiles.byName(profile);
        SimResult counted = Simulation.run(protocol, w, Map.of(), cpus, p, options);
        return Hunt.of(counted, (seconds, trace) -> Simulation.run(protocol, w, Map.of(), cpus, p, options.withSeconds(seconds).withTrace(trace)), null);
    }

    static Verdict checked(SourceFile f) {
        Program p = Compiler.compile(Parser.parse(f));
        CheckResult r = new BfsExplorer(p, CheckOptions.defaults()).run();
        assertThat(r.complete()).isTrue();
        assertThat(r.verdict()).isEqualTo(p.meta().expected());
        return r.verdict();
    }

    @TestFactory
    Stream<DynamicTest> theHuntFindsTheUnsafeProtocolsRaceAndNoneInItsFix() {
        return PAIRS.stream().map(pair -> DynamicTest.dynamicTest(pair.unsafe() + " / " + pair.fixed(), () -> {
            SourceFile unsafe = Sources.read(Path.of(pair.unsafe()));
            SourceFile fixed = Sources.read(Path.of(pair.fixed()));
            Verdict broken = checked(unsafe);
            assertThat(broken).isNotEqualTo(Verdict.SAFE);
            assertThat(checked(fixed)).isEqualTo(Verdict.SAFE);

            Hunt.Result bad = hunt(unsafe, pair.profile(), 4, hunting(SECONDS, 1));
            assertThat(bad.violations()).isPositive();
            assertThat(bad.perHour()).isEqualTo(bad.violations() / SECONDS * 3600);
            Hunt.First first = bad.first();
            assertThat(first).isNotNull();
            assertThat(first.verdict()).isEqualTo(broken.word());
            // The timeline starts with the CPU that broke the property, its last step the violating one.
            Hunt.CpuTimeline own = first.cpus().get(0);
            assertThat(own.cpu()).isEqualTo(first.cpu());
            assertThat(own.steps().get(own.steps().size() - 1).atMicros()).isEqualTo(first.atMicros());
            assertThat(own.steps().get(own.steps().size() - 1).what()).startsWith("read(");
            // The initiator's munmap is on it too: CPU 0, in the kernel or shootdown work just before.
            assertThat(first.cpus()).anySatisfy(t -> {
                assertThat(t.cpu()).isZero();
                assertThat(t.steps()).anySatisfy(s -> assertThat(s.what()).contains("ptep_get_and_clear"));
            });

            Hunt.Result good = hunt(fixed, pair.profile(), 4, hunting(SECONDS, 1));
            assertThat(good.violations()).isZero();
            assertThat(good.first()).isNull();
            assertThat(good.perHour()).isZero();
        }));
    }

    @Test
    void aViolationIsCountedAndTheRunGoesOn() {
        SourceFile unsafe = Sources.read(Path.of(PAIRS.get(0).unsafe()));
        SimResult r = Simulation.run(unsafe, Workloads.byName(WORKLOAD), Map.of(), 4, Profiles.byName("skylake"), hunting(SECONDS, 1));
        // One named per kind, every one counted; the run reached its end.
        assertThat(r.violations()).hasSize(1);
        assertThat(r.violationSteps()).isGreaterThan(1);
        assertThat(r.stall()).isNull();
        assertThat(r.simulatedSeconds()).isEqualTo(SECONDS);
        // Twice the time finds more.
        SimResult longer = Simulation.run(unsafe, Workloads.byName(WORKLOAD), Map.of(), 4, Profiles.byName("skylake"), hunting(2 * SECONDS, 1));
        assertThat(longer.violationSteps()).isGreaterThan(r.violationSteps());
    }

    @Test
    void theHuntIsAFunctionOfTheSeed() {
        SourceFile unsafe = Sources.read(Path.of(PAIRS.get(0).unsafe()));
        Hunt.Result a = hunt(unsafe, "skylake", 4, hunting(SECONDS, 5));
        Hunt.Result b = hunt(unsafe, "skylake", 4, hunting(SECONDS, 5));
        assertThat(b).isEqualTo(a);
        Hunt.Result other = hunt(unsafe, "skylake", 4, hunting(SECONDS, 6));
        assertThat(other.violations()).isNotEqualTo(a.violations());
    }
}
