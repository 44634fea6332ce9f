package dev.shootdown.report;

import dev.shootdown.sim.SimResult;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One point run under several seeds ({@code --seeds N}): the runs, in seed order, and each metric over
 * them as a {@link Spread} (a map-valued metric, such as a latency's p50 and p99, a Spread per part).
 */
public record SeedRuns(List<SimResult> runs) {
    public SeedRuns {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs");
        }
        runs = List.copyOf(runs);
    }

    /**
     * The seeds of {@code n} runs from {@code seed}: {@code seed, seed + 1, ..., seed + n - 1} (the
     * simulator's SplittableRandom mixes its seed, so neighbours are as unrelated as any two), so the
     * first is the single run's and any one repeats alone with {@code --seed}.
     */
    public static List<Long> seeds(long seed, int n) {
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            seeds.add(seed + i);
        }
        return seeds;
    }

    public SimResult first() {
        return runs.get(0);
    }

    public List<Long> seeds() {
        return runs.stream().map(SimResult::seed).toList();
    }

    /** Each metric by name: a Spread, or a map of part to Spread, in registry order. */
    public Map<String, Object> spreads() {
        List<Map<String, Object>> values = runs.stream().map(SimResult::metrics).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        for (String metric : values.get(0).keySet()) {
            if (values.get(0).get(metric) instanceof Map<?, ?> parts) {
                Map<String, Spread> p = new LinkedHashMap<>();
                for (Object part : parts.keySet()) {
                    p.put((String) part, Spread.of(values.stream().map(v -> (Double) ((Map<?, ?>) v.get(metric)).get(part)).toList()));
                }
                out.put(metric, p);
            } else {
                out.put(metric, Spread.of(values.stream().map(v -> (Double) v.get(metric)).toList()));
            }
        }
        return out;
    }

    /** The means of {@link #spreads}, in the form of one run's metrics (a Double, or a map of part to Double). */
    public Map<String, Object> means() {
        Map<String, Object> out = new LinkedHashMap<>();
        spreads().forEach((metric, s) -> {
            if (s instanceof Spread spread) {
                out.put(metric, spread.mean());
            } else {
                Map<String, Double> parts = new LinkedHashMap<>();
                ((Map<?, ?>) s).forEach((part, p) -> parts.put((String) part, ((Spread) p).mean()));
                out.put(metric, parts);
            }
        });
        return out;
    }

    /** The spreads keyed as {@link RunSummary#spread} looks them up: {@code metric}, or {@code metric.part}. */
    Map<String, Spread> flatSpreads() {
        Map<String, Spread> out = new LinkedHashMap<>();
        spreads().forEach((metric, s) -> {
            if (s instanceof Spread spread) {
                out.put(metric, spread);
            } else {
                ((Map<?, ?>) s).forEach((part, p) -> out.put(metric + "." + part, (Spread) p));
            }
        });
        return out;
    }

    /** Every seed's values of one histogram together: the distribution a CDF of the point draws. */
    public Histogram pooled(Function<SimResult, Histogram> histogram) {
        Histogram h = histogram.apply(first()).copy();
        for (SimResult r : runs.subList(1, runs.size())) {
            h.add(histogram.apply(r));
        }
        return h;
    }

    /** Whether any seed's run broke a property or stalled: the point fails, as a single run would. */
    public boolean failed() {
        return runs.stream().anyMatch(r -> r.liveness() != null || r.violationSteps() > 0);
    }

    /** The first run that ended before its time or found a liveness failure, or null. */
    SimResult firstStopped() {
        return runs.stream().filter(r -> r.stall() != null || r.liveness() != null).findFirst().orElse(null);
    }
}
