package dev.shootdown.sim;

import dev.shootdown.model.Event;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MetricsTest {
    @Test
    void metricsFollowFromTheRawCountersAsDefined() {
        long[] counts = new long[Event.COUNT];
        counts[Event.IPI_SEND] = 400;
        counts[Event.IPI_ENTER] = 300;
        counts[Event.TLB_MISS] = 50;
        long[] phases = new long[Phase.COUNT];
        phases[Phase.USER] = 600;
        phases[Phase.SHOOTDOWN] = 100;
        phases[Phase.HANDLER] = 200;
        phases[Phase.KERNEL] = 100;
        Histogram lat = new Histogram(3);
        for (int v = 1; v <= 100; v++) {
            lat.recordValue(v * 1000L); // 1..100 us at 1 GHz
        }
        SimResult r = new SimResult("f", null, "w", "op", "p", 1.0, 4, 1, 2.0, 10, 20, 0.1, 0.1, counts, phases, lat, new Histogram(3), 10, 80,
                5, 25, List.of(), null, null, null, 0, 0, 0, SimResult.Switches.NONE);
        Map<String, Object> m = r.metrics();
        assertThat(m.keySet()).startsWith("shootdown_latency_us").contains("ipis_per_second", "throughput_ops_per_second", "shootdown_cpu_share");
        assertThat((double) m.get("ipis_per_second")).isEqualTo(200.0);
        assertThat((double) m.get("interrupts_per_second")).isEqualTo(150.0);
        assertThat((double) m.get("throughput_ops_per_second")).isEqualTo(40.0);
        assertThat((double) m.get("shootdown_cpu_share")).isCloseTo(0.3, within(1e-12));
        assertThat((double) m.get("handler_cpu_share")).isEqualTo(0.2);
        assertThat((double) m.get("refill_cpu_share")).isEqualTo(0.025);
        @SuppressWarnings("unchecked")
        Map<String, Double> l = (Map<String, Double>) m.get("shootdown_latency_us");
        assertThat(l.get("p50")).isCloseTo(50.0, within(0.1));
        assertThat(l.get("p99")).isCloseTo(99.0, within(0.1));
        assertThat(l.get("max")).isCloseTo(100.0, within(0.1));
        @SuppressWarnings("unchecked")
        Map<String, Double> shares = (Map<String, Double>) m.get("time_share");
        assertThat(shares.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void everyMetricHasADescriptionAndAUniqueName() {
        assertThat(Metrics.ALL).extracting(Metric::name).doesNotHaveDuplicates();
        assertThat(Metrics.ALL).allSatisfy(x -> assertThat(x.description()).isNotBlank());
    }
}
