package dev.shootdown.report;

import dev.shootdown.sim.SimResult;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One simulation run as the sweep reports see it: what ran, and its metrics by name (a Double, or
 * a map of name to Double, as {@link dev.shootdown.sim.Metrics} makes them). Built from a
 * {@link SimResult}, or read back from the JSON of {@code simulate --json}, so reports of runs made
 * elsewhere (other machines, other shards) need no simulator.
 *
 * @param protocol the protocol's name (file name without directory and .sd)
 * @param profile  the hardware profile, or "" when the JSON did not say
 * @param point    the sweep point the run was, each axis's value as given to {@code --sweep}
 *                 ({@code tick_hz} to {@code 250}); empty for a run that was no sweep's
 * @param inputs   what the run itself records of its other inputs, by the name of the sweep axis that
 *                 sets each: {@code tick_hz} ({@code 250}), {@code tick_skew} ({@code on}, {@code off})
 *                 and each workload parameter; empty for JSON written before runs recorded them
 * @param title    the protocol's {@code title}, or null when it has none (or the JSON did not say)
 * @param spreads  for a point run under several seeds, each metric's {@link Spread} by {@code metric} or
 *                 {@code metric.part} ({@code metrics} then holds the means); empty for one seed
 * @param cdfs     latency distributions by metric name ({@code shootdown_latency_us}), as {@link LatencyCdf} points
 */
public record RunSummary(String protocol, String workload, String profile, int cpus, long seed, double simulatedSeconds,
                         Map<String, Object> metrics, Map<String, String> point, Map<String, String> inputs,
                         String title, Map<String, Spread> spreads, Map<String, List<double[]>> cdfs) {

    public RunSummary {
        point = Collections.unmodifiableMap(new LinkedHashMap<>(point));
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        spreads = Collections.unmodifiableMap(new LinkedHashMap<>(spreads));
        cdfs = Collections.unmodifiableMap(new LinkedHashMap<>(cdfs));
    }

    /** A run of one seed whose title and distributions are not known. */
    public RunSummary(String protocol, String workload, String profile, int cpus, long seed, double simulatedSeconds,
                      Map<String, Object> metrics, Map<String, String> point, Map<String, String> inputs) {
        this(protocol, workload, profile, cpus, seed, simulatedSeconds, metrics, point, inputs, null, Map.of(), Map.of());
    }

    /** A run known only by its sweep point (none of its own record of its inputs). */
    public RunSummary(String protocol, String workload, String profile, int cpus, long seed, double simulatedSeconds,
                      Map<String, Object> metrics, Map<String, String> point) {
        this(protocol, workload, profile, cpus, seed, simulatedSeconds, metrics, point, Map.of());
    }

    /**
     * The run's value of a sweep axis or input: its own record when it has one (the same spelling
     * for runs of a sweep and single runs), else its sweep point's; null when neither says.
     */
    public String input(String axis) {
        String recorded = inputs.get(axis);
        return recorded != null ? recorded : point.get(axis);
    }

    /** A run that was no sweep's. */
    public static RunSummary of(SimResult r) {
        return of(r, Map.of());
    }

    public static RunSummary of(SimResult r, Map<String, String> point) {
        return of(new SeedRuns(List.of(r)), point);
    }

    /**
     * A point and its runs: one seed's metrics as they are, several seeds' as their means with each
     * metric's spread; the latency CDFs of every seed's shootdowns together.
     */
    public static RunSummary of(SeedRuns runs, Map<String, String> point) {
        SimResult r = runs.first();
        SimResult.Inputs in = r.inputs();
        Map<String, String> inputs = in == null ? Map.of() : inputs(in.tickHz(), in.tickSkew(), in.params());
        boolean one = runs.runs().size() == 1;
        Map<String, List<double[]>> cdfs = new LinkedHashMap<>();
        cdfs.put("shootdown_latency_us", LatencyCdf.of(runs.pooled(SimResult::latencyCycles), r::micros));
        cdfs.put("shootdown_call_us", LatencyCdf.of(runs.pooled(SimResult::callCycles), r::micros));
        return new RunSummary(protocolName(r.file()), r.workload(), r.profile(), r.cpus(), r.seed(), r.simulatedSeconds(), one ? r.metrics() : runs.means(),
                point, inputs, r.title(), one ? Map.of() : runs.flatSpreads(), cdfs);
    }

    /** What a line is called: the protocol's title, or its file's name when it has none. */
    public String name() {
        return title == null || title.isBlank() ? protocol : title;
    }

    /** The spread over seeds of a scalar metric, or null for one seed. */
    public Spread spread(String metric) {
        return spreads.get(metric);
    }

    /** The spread over seeds of one part of a map-valued metric, or null for one seed. */
    public Spread spread(String metric, String part) {
        return spreads.get(metric + "." + part);
    }

    /** The inputs as the sweep axes name them, as text: a tick rate without a needless {@code .0}, the skew on or off. */
    private static Map<String, String> inputs(Double tickHz, Boolean tickSkew, Map<?, ?> params) {
        Map<String, String> out = new LinkedHashMap<>();
        if (tickHz != null) {
            out.put("tick_hz", new BigDecimal(Double.toString(tickHz)).stripTrailingZeros().toPlainString());
        }
        if (tickSkew != null) {
            out.put("tick_skew", tickSkew ? "on" : "off");
        }
        if (params != null) {
            params.forEach((name, value) -> {
                if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                    out.put(String.valueOf(name), String.valueOf(value));
                }
            });
        }
        return out;
    }

    /**
     * Reads one object of the {@code simulate --json} contract (file, workload, cpus, seed, metrics;
     * profile if present), with {@code point} the sweep point it was ({@code "point"} beside a sweep's
     * {@code "result"}; an empty map for none). Throws IllegalArgumentException naming what is missing.
     */
    public static RunSummary fromJson(Map<?, ?> json, Map<?, ?> point) {
        Object file = json.get("file");
        Object workload = json.get("workload");
        Object cpus = json.get("cpus");
        Object metrics = json.get("metrics");
        if (!(file instanceof String) || !(workload instanceof String) || !(cpus instanceof Number) || !(metrics instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("not a simulate --json result (needs file, workload, cpus and metrics)");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Spread> spreads = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String name = String.valueOf(e.getKey());
            Object v = e.getValue();
            Spread spread = Spread.fromJson(v);
            if (v instanceof Number n) {
                values.put(name, n.doubleValue());
            } else if (spread != null) {
                // A point run under several seeds: the mean is the value, the spread beside it.
                values.put(name, spread.mean());
                spreads.put(name, spread);
            } else if (v instanceof Map<?, ?> parts) {
                Map<String, Double> p = new LinkedHashMap<>();
                for (Map.Entry<?, ?> part : parts.entrySet()) {
                    String partName = String.valueOf(part.getKey());
                    Spread partSpread = Spread.fromJson(part.getValue());
                    if (part.getValue() instanceof Number n) {
                        p.put(partName, n.doubleValue());
                    } else if (partSpread != null) {
                        p.put(partName, partSpread.mean());
                        spreads.put(name + "." + partName, partSpread);
                    }
                }
                values.put(name, p);
            }
        }
        Map<String, List<double[]>> cdfs = new LinkedHashMap<>();
        if (json.get("cdf") instanceof Map<?, ?> cdf) {
            cdf.forEach((metric, points) -> cdfs.put(String.valueOf(metric), LatencyCdf.fromJson(points)));
        }
        return new RunSummary(protocolName((String) file), (String) workload, json.get("profile") instanceof String s ? s : "",
                ((Number) cpus).intValue(), json.get("seed") instanceof Number n ? n.longValue() : 0,
                json.get("simulated_seconds") instanceof Number n ? n.doubleValue() : 0, values, axisValues(point),
                inputs(json.get("tick_hz") instanceof Number hz ? hz.doubleValue() : null, json.get("tick_skew") instanceof Boolean skew ? skew : null,
                        json.get("params") instanceof Map<?, ?> params ? params : null),
                json.get("title") instanceof String t ? t : null, spreads, cdfs);
    }

    /** A point's values as text, as {@code --sweep} gave them (a hand-written file may hold numbers). */
    private static Map<String, String> axisValues(Map<?, ?> point) {
        Map<String, String> out = new LinkedHashMap<>();
        point.forEach((axis, v) -> {
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                out.put(String.valueOf(axis), String.valueOf(v));
            }
        });
        return out;
    }

    /** A scalar metric, or NaN when absent. */
    public double value(String metric) {
        return metrics.get(metric) instanceof Double d ? d : Double.NaN;
    }

    /** One part of a map-valued metric (e.g. p99 of shootdown_latency_us), or NaN when absent. */
    public double value(String metric, String part) {
        return metrics.get(metric) instanceof Map<?, ?> m && m.get(part) instanceof Double d ? d : Double.NaN;
    }

    static String protocolName(String file) {
        String name = file.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1);
        return name.endsWith(".sd") ? name.substring(0, name.length() - 3) : name;
    }
}
