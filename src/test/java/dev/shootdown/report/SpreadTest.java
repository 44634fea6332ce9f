package dev.shootdown.report;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Means and 95% intervals over seeds, t quantiles, and the CDF points a run keeps of its latencies. */
class SpreadTest {
    @Test
    void tQuantilesAreTheTablesAndTheExpansionJoinsThemSmoothly() {
        assertThat(StudentT.quantile975(1)).isEqualTo(12.706);
        assertThat(StudentT.quantile975(4)).isEqualTo(2.776);
        assertThat(StudentT.quantile975(30)).isEqualTo(2.042);
        // NIST's table beyond 30: 40 -> 2.021, 60 -> 2.000, 100 -> 1.984; the normal's 1.960 in the limit.
        assertThat(StudentT.quantile975(40)).isCloseTo(2.021, within(0.0015));
        assertThat(StudentT.quantile975(60)).isCloseTo(2.000, within(0.0015));
        assertThat(StudentT.quantile975(100)).isCloseTo(1.984, within(0.0015));
        assertThat(StudentT.quantile975(31)).isLessThan(2.042).isGreaterThan(StudentT.quantile975(32));
        assertThat(StudentT.quantile975(1_000_000)).isCloseTo(1.960, within(0.001));
    }

    @Test
    void theIntervalIsTTimesTheStandardErrorOnNMinusOneDegreesOfFreedom() {
        Spread s = Spread.of(List.of(1.0, 2.0, 3.0, 4.0, 5.0));
        // Sample sd sqrt(10/4) = 1.5811; standard error 1.5811 / sqrt(5) = 0.70711; t(0.975, 4) = 2.776.
        assertThat(s.mean()).isEqualTo(3.0);
        assertThat(s.ci95()).isCloseTo(2.776 * 0.707107, within(1e-5));
        assertThat(Spread.of(List.of(7.0)).ci95()).as("one seed: no interval").isNaN();
        assertThat(Spread.of(List.of(0.1 + 0.2, 0.1 + 0.2, 0.1 + 0.2)).ci95()).as("seeds that agree: exactly none").isZero();
    }

    @Test
    void aSpreadReadsBackFromItsJsonAndALatencysOwnMeanIsNotTakenForOne() {
        Spread s = Spread.of(List.of(1.5, 2.5));
        assertThat(Spread.fromJson(s.json())).isEqualTo(s);
        Map<String, Object> single = Map.of("mean", 1.0, "ci95", 0.0);
        assertThat(Spread.fromJson(single)).isNull();
        assertThat(Spread.fromJson(Map.of("p50", 1.0, "mean", 1.2, "count", 3.0))).isNull();
        Spread one = Spread.fromJson(Spread.of(List.of(4.0)).json());
        assertThat(one.ci95()).isNaN();
        assertThat(one.values()).containsExactly(4.0);
    }

    @Test
    void aCdfRisesToOneThroughTheRecordedLatencies() {
        Histogram h = new Histogram(3);
        for (int v = 1; v <= 100; v++) {
            h.recordValue(v * 1000L); // 1..100 us at 1 GHz
        }
        List<double[]> cdf = LatencyCdf.of(h, cycles -> cycles / 1000.0);

        assertThat(cdf.get(0)[0]).isCloseTo(1.0, within(0.01));
        assertThat(cdf.get(cdf.size() - 1)[0]).isCloseTo(100.0, within(0.1));
        assertThat(cdf.get(cdf.size() - 1)[1]).isEqualTo(1.0);
        for (int i = 1; i < cdf.size(); i++) {
            assertThat(cdf.get(i)[0]).isGreaterThan(cdf.get(i - 1)[0]);
            assertThat(cdf.get(i)[1]).isGreaterThanOrEqualTo(cdf.get(i - 1)[1]);
        }
        // Each point is the share of values at or below it: k of the 100 at k us.
        for (double[] p : cdf) {
            assertThat(p[1]).isCloseTo(Math.floor(p[0] + 1e-6) / 100, within(0.011));
        }
        assertThat(LatencyCdf.of(new Histogram(3), c -> c)).isEmpty();
    }
}
