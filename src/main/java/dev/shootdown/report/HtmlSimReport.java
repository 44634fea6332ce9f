package dev.shootdown.report;

import dev.shootdown.sim.Metric;
import dev.shootdown.sim.Metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Simulation runs (one, or a sweep) as one self-contained HTML page: plots of shootdown latency (p50
 * solid, p99 dashed), IPIs per second, throughput and the CPU time spent in shootdowns against what
 * was swept (the CPU count on a log scale, or another swept axis: {@link SweepLayout}), a line per
 * protocol and value of every other axis that varies, then every metric of every run in a table per
 * line, printed generically from the metrics' names and units, and what each metric means. Inline
 * CSS and SVG; no script, no network. Well-formed XML too, so tests read it with an XML parser.
 */
public final class HtmlSimReport {
    /** Okabe and Ito's colour-blind-safe palette (black last). */
    static final String[] PALETTE = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"};

    /** A plot of one metric (or one part of one, scaled) against x, a line per series and variant. */
    record Figure(String title, String yLabel, List<Variant> variants) {}

    /** One line style of a figure: a metric (a part of it, "" for a scalar) times {@code scale}. */
    record Variant(String name, boolean dashed, String metric, String part, double scale) {
        double value(RunSummary r) {
            return scale * (part.isEmpty() ? r.value(metric) : r.value(metric, part));
        }

        /** The spread over seeds, scaled, or null for one seed. */
        Spread spread(RunSummary r) {
            Spread s = part.isEmpty() ? r.spread(metric) : r.spread(metric, part);
            return s == null ? null : new Spread(scale * s.mean(), scale * s.ci95(), s.values());
        }

        /** The plotted point: the value, with the 95% interval of the mean when several seeds ran. */
        SvgPlot.Point point(double x, RunSummary r) {
            Spread s = spread(r);
            double y = value(r);
            return s == null || Double.isNaN(s.ci95()) ? new SvgPlot.Point(x, y) : new SvgPlot.Point(x, y, y - s.ci95(), y + s.ci95());
        }
    }

    static final List<Figure> FIGURES = List.of(
            new Figure("Shootdown latency", "latency (us)", List.of(
                    new Variant("p50", false, "shootdown_latency_us", "p50", 1),
                    new Variant("p99", true, "shootdown_latency_us", "p99", 1))),
            new Figure("IPIs per second", "IPIs / s", List.of(new Variant("", false, "ipis_per_second", "", 1))),
            new Figure("Throughput", "operations / s", List.of(new Variant("", false, "throughput_ops_per_second", "", 1))),
            new Figure("CPU time in shootdowns", "% of all CPU time", List.of(new Variant("", false, "shootdown_cpu_share", "", 100))));

    private HtmlSimReport() {}

    /** The page for {@code runs}, titled {@code title}. */
    public static String page(List<RunSummary> runs, String title) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to report");
        }
        SweepLayout layout = SweepLayout.of(runs);
        Map<String, String> colour = new LinkedHashMap<>();
        for (String name : layout.lines().keySet()) {
            colour.put(name, PALETTE[colour.size() % PALETTE.length]);
        }
        StringBuilder out = new StringBuilder();
        out.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>").append(CSS).append("</style>\n</head>\n<body>\n");
        out.append("<h1>").append(esc(title)).append("</h1>\n");
        out.append("<p class=\"meta\">").append(esc(describe(runs))).append("</p>\n");

        out.append("<div class=\"figures\">\n");
        for (Figure fig : FIGURES) {
            out.append("<figure>\n").append(plot(fig, layout, colour).svg()).append("</figure>\n");
        }
        SvgPlot cdf = LatencyCdfPlot.of(layout, colour);
        if (cdf != null) {
            out.append("<figure>\n").append(cdf.svg()).append("</figure>\n");
        }
        out.append("</div>\n");

        out.append("<h2>Every metric</h2>\n");
        for (Map.Entry<String, List<RunSummary>> e : layout.lines().entrySet()) {
            table(out, e.getKey(), colour.get(e.getKey()), e.getValue(), layout);
        }
        out.append("<h2>What the metrics mean</h2>\n<dl class=\"defs\">\n");
        for (Metric m : Metrics.ALL) {
            out.append("<dt><code>").append(esc(m.name())).append("</code> <span class=\"unit\">").append(esc(m.unit())).append("</span></dt><dd>")
                    .append(esc(m.description())).append("</dd>\n");
        }
        out.append("</dl>\n</body>\n</html>\n");
        return out.toString();
    }

    /** The plot of one figure: a line per series and variant. */
    static SvgPlot plot(Figure fig, SweepLayout layout, Map<String, String> colour) {
        List<SvgPlot.Series> lines = new ArrayList<>();
        for (Variant v : fig.variants()) {
            for (Map.Entry<String, List<RunSummary>> e : layout.lines().entrySet()) {
                List<SvgPlot.Point> pts = new ArrayList<>();
                for (RunSummary r : e.getValue()) {
                    pts.add(v.point(layout.x().applyAsDouble(r), r));
                }
                lines.add(new SvgPlot.Series(e.getKey(), v.name(), colour.get(e.getKey()), v.dashed(), pts));
            }
        }
        return new SvgPlot(fig.title(), layout.axis(), fig.yLabel(), lines);
    }

    private static String describe(List<RunSummary> runs) {
        Set<String> protocols = new LinkedHashSet<>();
        Set<String> workloads = new LinkedHashSet<>();
        Set<String> profiles = new LinkedHashSet<>();
        TreeSet<Integer> cpus = new TreeSet<>();
        TreeSet<Double> seconds = new TreeSet<>();
        for (RunSummary r : runs) {
            protocols.add(r.protocol());
            workloads.add(r.workload());
            if (!r.profile().isEmpty()) {
                profiles.add(r.profile());
            }
            cpus.add(r.cpus());
            seconds.add(r.simulatedSeconds());
        }
        StringBuilder b = new StringBuilder();
        b.append(runs.size()).append(runs.size() == 1 ? " run" : " runs").append(": protocol ").append(String.join(", ", protocols))
                .append("; workload ").append(String.join(", ", workloads));
        if (!profiles.isEmpty()) {
            b.append("; profile ").append(String.join(", ", profiles));
        }
        b.append("; ").append(cpus.size() == 1 ? cpus.first() + " CPUs" : cpus.first() + " to " + cpus.last() + " CPUs");
        if (seconds.size() == 1 && seconds.first() > 0) {
            b.append("; ").append(SvgPlot.num(seconds.first())).append(" simulated s each");
        }
        List<String> swept = SweepLayout.sweptRanges(runs);
        if (!swept.isEmpty()) {
            b.append("; swept ").append(String.join(", ", swept));
        }
        return b.toString();
    }

    /** Every metric of one line's runs: a row per metric (or part of one), a column per x value. */
    private static void table(StringBuilder out, String name, String colour, List<RunSummary> runs, SweepLayout layout) {
        Map<String, String> units = new LinkedHashMap<>();
        for (Metric m : Metrics.ALL) {
            units.put(m.name(), m.unit());
        }
        // Rows in registry order, then whatever else the runs carry (JSON written by a newer version).
        Map<String, Set<String>> rows = new LinkedHashMap<>();
        for (Metric m : Metrics.ALL) {
            rows.put(m.name(), new LinkedHashSet<>());
        }
        for (RunSummary r : runs) {
            for (Map.Entry<String, Object> e : r.metrics().entrySet()) {
                Set<String> parts = rows.computeIfAbsent(e.getKey(), k -> new LinkedHashSet<>());
                if (e.getValue() instanceof Map<?, ?> m) {
                    m.keySet().forEach(k -> parts.add(String.valueOf(k)));
                }
            }
        }
        out.append("<table class=\"metrics\">\n<caption><span class=\"key\" style=\"background:").append(colour).append("\"></span>")
                .append(esc(name)).append("</caption>\n<thead><tr><th>metric</th><th>unit</th>");
        for (RunSummary r : runs) {
            out.append("<th class=\"num\">").append(esc(layout.axis().name(layout.x().applyAsDouble(r)))).append("</th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        for (Map.Entry<String, Set<String>> row : rows.entrySet()) {
            String metric = row.getKey();
            String unit = units.getOrDefault(metric, "");
            if (runs.stream().noneMatch(r -> r.metrics().containsKey(metric))) {
                continue;
            }
            List<String> parts = row.getValue().isEmpty() ? List.of("") : List.copyOf(row.getValue());
            for (String part : parts) {
                // A part's own unit where it has one (a latency's count is a count, not us).
                String partUnit = part.isEmpty() ? unit : Metric.unitOf(metric, part);
                out.append("<tr><th><code>").append(esc(metric)).append("</code>").append(part.isEmpty() ? "" : " " + esc(part))
                        .append("</th><td class=\"unit\">").append(esc(partUnit)).append("</td>");
                for (RunSummary r : runs) {
                    double v = part.isEmpty() ? r.value(metric) : r.value(metric, part);
                    Spread spread = part.isEmpty() ? r.spread(metric) : r.spread(metric, part);
                    String ci = spread == null || Double.isNaN(spread.ci95()) ? "" : " ± " + SimReport.number(spread.ci95(), partUnit);
                    out.append("<td class=\"num\">").append(Double.isNaN(v) ? "" : esc(SimReport.number(v, partUnit) + ci)).append("</td>");
                }
                out.append("</tr>\n");
            }
        }
        out.append("</tbody>\n</table>\n");
    }

    private static String esc(String s) {
        return HtmlCounterexample.esc(s);
    }

    private static final String CSS = """

            * { box-sizing: border-box; }
            body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; padding: 16px 20px 40px; color: #1f2328; background: #fff; }
            code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
            h1 { font-size: 20px; margin: 0 0 4px; }
            h2 { font-size: 16px; margin: 28px 0 8px; }
            .meta { color: #6e7781; margin: 4px 0 12px; }
            .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 12px; max-width: 1240px; }
            figure { margin: 0; border: 1px solid #d0d7de; border-radius: 6px; padding: 4px; background: #fff; }
            figure svg { display: block; width: 100%; height: auto; }
            table.metrics { border-collapse: collapse; margin: 10px 0 18px; font-size: 12.5px; }
            table.metrics caption { text-align: left; font-weight: 600; padding: 4px 0; }
            table.metrics th, table.metrics td { border: 1px solid #d0d7de; padding: 2px 8px; text-align: left; vertical-align: top; }
            table.metrics thead th { background: #f6f8fa; }
            table.metrics tbody th { font-weight: 400; white-space: nowrap; }
            table.metrics .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            table.metrics td.unit, .unit { color: #6e7781; }
            .key { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
            dl.defs { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; font-size: 13px; }
            dl.defs dt { margin: 0; }
            dl.defs dd { margin: 0; color: #424a53; }
            """;
}
