package dev.shootdown.report;

import dev.shootdown.sim.SimResult;
import dev.shootdown.sim.Sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sweep's results: {"sweep": {file, workload, axes, shard, points_total}, "runs": [{index, point, result}]}, with
 * {@code partial}, {@code stop_reason} and {@code missing} when points are lacking; and a table.
 */
public final class SweepReport {
    private SweepReport() {}

    /**
     * The sweep's header: what it sweeps, then {@code options}, every other input its runs share (the
     * options no axis overrides, digests of the protocol and workload texts), so that {@code merge}
     * can tell shards of one sweep from shards of another.
     */
    public static Map<String, Object> header(String file, String workload, Map<String, List<String>> axes, String shard, int total, Map<String, Object> options) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("file", file);
        h.put("workload", workload);
        h.put("axes", axes);
        h.put("shard", shard);
        h.put("points_total", total);
        h.putAll(options);
        return h;
    }

    /** The runs of the finished points, {index, point, result} each, in the order given; {@code results} are their JSON ({@link SimReport#json}). */
    public static List<Map<String, Object>> runs(List<Sweep.Point> points, List<Map<String, Object>> results) {
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("index", points.get(i).index());
            run.put("point", points.get(i).values());
            run.put("result", results.get(i));
            runs.add(run);
        }
        return runs;
    }

    /**
     * A sweep's JSON. One that lacks some of its points (a failure, Ctrl-C, missing shards) also says
     * {@code "partial": true}, why when known ({@code stop_reason}) and which points it lacks
     * ({@code "missing": [{index, point}]}); a complete one has none of these keys.
     */
    public static Map<String, Object> json(Map<String, Object> header, List<Map<String, Object>> runs, List<Sweep.Point> missing, String stopReason) {
        List<Map<String, Object>> points = new ArrayList<>();
        for (Sweep.Point p : missing) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", p.index());
            m.put("point", p.values());
            points.add(m);
        }
        return PartialJson.of(Map.of("sweep", header), "runs", runs, points, stopReason);
    }

    /** One row per run: the point, then the headline metrics. Works on the JSON form, so merged files print the same. */
    @SuppressWarnings("unchecked")
    public static String text(Map<String, Object> sweep) {
        Map<String, Object> h = (Map<String, Object>) sweep.get("sweep");
        List<Map<String, Object>> runs = (List<Map<String, Object>>) sweep.get("runs");
        // The profile, when every run names the same one (a profile axis shows it per row; results written before it was in the JSON do not name it).
        List<Object> profiles = runs.stream().map(run -> ((Map<String, Object>) run.get("result")).get("profile")).distinct().toList();
        String on = profiles.size() == 1 && profiles.get(0) instanceof String p ? " on " + p : "";
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s: workload %s%s, %d of %d points%s%n%n", h.get("file"), h.get("workload"), on, runs.size(),
                ((Number) h.get("points_total")).intValue(), h.get("shard") == null ? "" : " (shard " + h.get("shard") + ")"));
        Map<String, Object> axes = (Map<String, Object>) h.get("axes");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%5s", "#"));
        for (String a : axes.keySet()) {
            head.append(String.format(Locale.ROOT, " %12s", a));
        }
        // Under --seeds a cell is the mean and the half-width of its 95% interval, twice as wide.
        boolean seeds = h.get("seeds") != null;
        int[] widths = seeds ? new int[] {17, 17, 17, 24, 24, 13} : new int[] {10, 10, 10, 14, 14, 9};
        String[] heads = {"p50_us", "p99_us", "max_us", "ipis/s", "ops/s", "sd_share"};
        for (int i = 0; i < heads.length; i++) {
            head.append(String.format(Locale.ROOT, " %" + widths[i] + "s", heads[i]));
        }
        out.append(head).append('\n');
        // Points not run sit in index order among the runs, so a partial table shows its holes.
        List<Map<String, Object>> missing = (List<Map<String, Object>>) sweep.getOrDefault("missing", List.of());
        List<Map<String, Object>> rows = new ArrayList<>(runs);
        rows.addAll(missing);
        rows.sort(Comparator.comparingInt(row -> ((Number) row.get("index")).intValue()));
        int stalled = 0;
        for (Map<String, Object> run : rows) {
            Map<String, Object> point = (Map<String, Object>) run.get("point");
            out.append(String.format(Locale.ROOT, "%5d", ((Number) run.get("index")).intValue()));
            for (String a : axes.keySet()) {
                out.append(String.format(Locale.ROOT, " %12s", point.get(a)));
            }
            if (!(run.get("result") instanceof Map<?, ?> result)) {
                out.append(String.format(Locale.ROOT, " %10s%n", "not run"));
                continue;
            }
            Map<String, Object> m = (Map<String, Object>) result.get("metrics");
            Map<String, Object> lat = (Map<String, Object>) m.get("shootdown_latency_us");
            String[] cells = {cell(lat.get("p50"), "%.3f", 1), cell(lat.get("p99"), "%.3f", 1), cell(lat.get("max"), "%.3f", 1),
                    cell(m.get("ipis_per_second"), "%,.0f", 1), cell(m.get("throughput_ops_per_second"), "%,.0f", 1), cell(m.get("shootdown_cpu_share"), "%.1f%%", 100)};
            for (int i = 0; i < cells.length; i++) {
                out.append(String.format(Locale.ROOT, " %" + widths[i] + "s", cells[i]));
            }
            if (result.get("stall") instanceof Map<?, ?> stall) {
                // A liveness failure is never a clean row: its figures are those of a run that got stuck.
                out.append("  ").append(String.valueOf(stall.get("kind")).toUpperCase(Locale.ROOT));
                stalled++;
            }
            out.append('\n');
        }
        if (stalled > 0) {
            out.append(String.format(Locale.ROOT, "%n%d point%s stalled: CPUs with work left made no progress (--json shows where each waits)%n",
                    stalled, stalled == 1 ? "" : "s"));
        }
        if (Boolean.TRUE.equals(sweep.get("partial"))) {
            out.append(String.format(Locale.ROOT, "%npartial: %d point%s not run%s%n", missing.size(), missing.size() == 1 ? "" : "s",
                    sweep.get("stop_reason") == null ? "" : " (" + sweep.get("stop_reason") + ")"));
        }
        return out.toString();
    }

    /** A figure times {@code scale} in {@code format}: a number, or a point's spread over seeds as mean±ci95. */
    private static String cell(Object o, String format, double scale) {
        Spread s = Spread.fromJson(o);
        if (s == null) {
            return String.format(Locale.ROOT, format, scale * ((Number) o).doubleValue());
        }
        return String.format(Locale.ROOT, format, scale * s.mean()) + (Double.isNaN(s.ci95()) ? "" : "±" + String.format(Locale.ROOT, format, scale * s.ci95()));
    }
}
