package dev.shootdown;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.check.Counterexample;
import dev.shootdown.check.Violation;
import dev.shootdown.lang.Sources;
import dev.shootdown.model.Program;
import dev.shootdown.model.Verdict;
import dev.shootdown.report.CheckReport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bit-state hashing against the exact search: with an array far larger than the state space it explores the same
 * states and finds the same violations with the same counterexamples (all but no_deadlock's busy-waits, which need
 * the state graph), yet never says that a property holds; with small arrays it loses states, and its coverage
 * estimate follows the share it really explored.
 */
class BitstateTest {
    private static final long CAP = 40_000;
    /** 2^25 bits: a hash factor above 800 for the largest models here. */
    private static final long LARGE = 4 << 20;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.shootdown.OracleModels#catalogAndDocs")
    @DisplayName("catalog and docs: a large bit array finds what the exact search finds, and never says 'holds'")
    void catalogAndDocs(String name, String source) {
        Program program = OracleModels.compileOrNull(source);
        if (program != null) {
            same(name, program, CheckOptions.defaults().withMaxStates(CAP));
        }
    }

    @Test
    @DisplayName("40 seeded random models: a large bit array finds what the exact search finds")
    void randomModels() {
        SplittableRandom random = new SplittableRandom(0xb175);
        int compared = 0;
        for (int i = 0; i < 40; i++) {
            String source = SymmetryTest.randomModel(random);
            Program program = OracleModels.compileOrNull(source);
            if (program != null) {
                same("random model " + i + ":\n" + source, program, CheckOptions.defaults().withMaxStates(CAP).withReductions(i % 2 == 0));
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(30);
    }

    private static void same(String name, Program program, CheckOptions options) {
        BfsExplorer exact = new BfsExplorer(program, options);
        CheckResult x = exact.run();
        BfsExplorer bits = new BfsExplorer(program, options.withBitstate(LARGE));
        CheckResult y = bits.run();

        assertThat(y.coverage()).as(name).isNotNull();
        assertThat(y.stats().states()).as(name).isEqualTo(x.stats().states());
        assertThat(y.stats().transitions()).as(name).isEqualTo(x.stats().transitions());
        assertThat(y.stats().depth()).as(name).isEqualTo(x.stats().depth());
        // The lassos of no_deadlock's progress half need the state graph: the bit-state search does not look for them.
        assertThat(y.violations()).as(name).isEqualTo(x.violations().stream().filter(v -> !v.lasso()).toList());
        for (Violation v : y.violations()) {
            Counterexample a = exact.rebuilder().rebuild(v);
            assertThat(bits.rebuilder().rebuild(v)).as(name).isEqualTo(a);
        }
        for (Verdict p : program.properties()) {
            assertThat(CheckReport.propertyStatus(y, p)).as(name + ": " + p).isNotEqualTo("holds");
        }
        if (y.violations().isEmpty()) {
            assertThat(y.complete()).as(name).isFalse();
            assertThat(CheckReport.headline(y)).as(name).doesNotContain("safe");
            assertThat(CheckReport.json("m.sd", y, null).get("verdict")).as(name).isEqualTo("unknown");
        }
        if (x.stopReason() == null || !x.stopReason().startsWith("state limit")) {
            assertThat(y.coverage().missed()).as(name).isLessThan(0.01);
        }
    }

    @Test
    @DisplayName("small arrays lose states, and the coverage estimate follows the share explored until the array is nearly full")
    void coverageEstimateAtSmallSizes() {
        Program program = OracleModels.compile(Sources.text(Path.of("bench/checker/tlb-N4-K1.sd")));
        CheckOptions options = CheckOptions.defaults().withReductions(false);
        long all = new BfsExplorer(program, options).run().stats().states();
        double lastEstimate = 0;
        for (long bytes = 1 << 10; bytes <= 1 << 18; bytes *= 2) {
            CheckResult r = new BfsExplorer(program, options.withBitstate(bytes)).run();
            double explored = r.stats().states() / (double) all;
            double estimate = r.coverage().estimate();
            String at = bytes + " bytes: explored " + explored + ", estimated " + estimate + ", fill " + r.coverage().fill();
            assertThat(r.complete()).as(at).isFalse();
            assertThat(r.coverage().bits()).as(at).isEqualTo(bytes * 8);
            assertThat(r.coverage().bitsSet()).as(at).isLessThanOrEqualTo(3 * r.stats().states()).isLessThanOrEqualTo(bytes * 8);
            // Lost states take their successors with them, which the estimate does not count: it errs high, never low.
            assertThat(estimate).as(at).isGreaterThanOrEqualTo(explored - 0.01).isGreaterThan(lastEstimate);
            if (r.coverage().fill() < 0.9) {
                assertThat(estimate).as(at).isCloseTo(explored, org.assertj.core.data.Offset.offset(0.05));
            }
            if (bytes == 1 << 10) {
                assertThat(explored).as(at).isLessThan(0.5);
                assertThat(estimate).as(at).isLessThan(0.9);
            }
            lastEstimate = estimate;
        }
    }
}
