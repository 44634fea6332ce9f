package dev.shootdown.sim;

import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Published figures and the runs that should reproduce them: one place to add one. The published
 * value and its tolerance come from the source; the simulated value is whatever the run gives.
 */
public final class Experiments {
    /**
     * @param source    who measured it, where
     * @param metric    what is compared (a metric name, with the field for latencies)
     * @param published the published figure, in the metric's unit
     * @param tolerance how far from it still agrees (absolute, in the same unit)
     */
    public record Experiment(String source, String metric, double published, double tolerance, String protocol, String workload, int cpus,
                             String profile, double seconds, Map<String, String> params, ToDoubleFunction<SimResult> simulated) {}

    public static final List<Experiment> ALL = List.of(
            new Experiment("seed 001: Dillon 2004, synchronous IPI call to completion on a 2x1.1 GHz Pentium III, 4-5 us",
                    "shootdown_call_us.p50", 4.5, 0.5, "dfly-cpusync", "munmap", 2, "p3", 0.05, Map.of(), r -> latency(r, "shootdown_call_us", "p50")),
            new Experiment("van Riel 2024 (INVLPGB series for Linux 6.15): tlb_flush2_threads, 36-core Milan, IPI flushes: ~40% of CPU time invalidating",
                    "shootdown_cpu_share", 0.40, 0.10, "linux-ipi", "tlb_flush2", 36, "milan", 0.01, Map.of(), r -> (double) r.metrics().get("shootdown_cpu_share")),
            new Experiment("van Riel 2024: same test with INVLPGB: ~4% of CPU time invalidating",
                    "shootdown_cpu_share", 0.04, 0.03, "invlpgb", "tlb_flush2", 36, "milan", 0.01, Map.of(), r -> (double) r.metrics().get("shootdown_cpu_share")),
            new Experiment("van Riel 2024, derived: 40% of 36 CPUs at 527k loops/s = 27.3 us of CPU time invalidating per loop (IPI flushes)",
                    "shootdown_cpu_us_per_op", 0.40 * 36 / 527_000 * 1e6, 0.25 * 0.40 * 36 / 527_000 * 1e6, "linux-ipi", "tlb_flush2", 36, "milan", 0.01, Map.of(),
                    r -> (double) r.metrics().get("shootdown_cpu_us_per_op")),
            new Experiment("van Riel 2024, derived: 4% of 36 CPUs at 527k loops/s = 2.7 us of CPU time invalidating per loop (INVLPGB)",
                    "shootdown_cpu_us_per_op", 0.04 * 36 / 527_000 * 1e6, 0.25 * 0.04 * 36 / 527_000 * 1e6, "invlpgb", "tlb_flush2", 36, "milan", 0.01, Map.of(),
                    r -> (double) r.metrics().get("shootdown_cpu_us_per_op")),
            new Experiment("van Riel 2024: tlb_flush2_threads loops/s, vanilla kernel (IPI flushes): 527k",
                    "throughput_ops_per_second", 527_000, 130_000, "linux-ipi", "tlb_flush2", 36, "milan", 0.01, Map.of(), r -> (double) r.metrics().get("throughput_ops_per_second")),
            new Experiment("van Riel 2024: tlb_flush2_threads loops/s, INVLPGB only (LRU lock contention unchanged): 527k",
                    "throughput_ops_per_second", 527_000, 130_000, "invlpgb", "tlb_flush2", 36, "milan", 0.01, Map.of(), r -> (double) r.metrics().get("throughput_ops_per_second")));

    private Experiments() {}

    @SuppressWarnings("unchecked")
    private static double latency(SimResult r, String metric, String field) {
        return ((Map<String, Double>) r.metrics().get(metric)).get(field);
    }
}
