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

    /** What the page template (src/main/jte/sim-report.jte) shows: plain values, escaped there; the figures' SVG as built. */
    public record Page(String title, String meta, List<String> figures, List<MetricTable> tables, List<Definition> definitions) {}

    /** Every metric of one line's runs: a row per metric (or part of one), a column per x value. */
    public record MetricTable(String name, String colour, List<String> columns, List<MetricRow> rows) {}

    /** One metric (or part: "" for none), its unit, and its value in each run, as text ("" where a run has none). */
    public record MetricRow(String metric, String part, String unit, List<String> cells) {}

    public record Definition(String name, String unit, String description) {}

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
        List<String> figures = new ArrayList<>();
        for (Figure fig : FIGURES) {
            figures.add(plot(fig, layout, colour).svg());
        }
        SvgPlot cdf = LatencyCdfPlot.of(layout, colour);
        if (cdf != null) {
            figures.add(cdf.svg());
        }
        List<MetricTable> tables = new ArrayList<>();
        for (Map.Entry<String, List<RunSummary>> e : layout.lines().entrySet()) {
            tables.add(table(e.getKey(), colour.get(e.getKey()), e.getValue(), layout));
        }
        List<Definition> definitions = new ArrayList<>();
        for (Metric m : Metrics.ALL) {
            definitions.add(new Definition(m.name(), m.unit(), m.description()));
        }
        return Templates.render("sim-report.jte", "page", new Page(title, describe(runs), figures, tables, definitions));
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
    private static MetricTable table(String name, String colour, List<RunSummary> runs, SweepLayout layout) {
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
        List<String> columns = new ArrayList<>();
        for (RunSummary r : runs) {
            columns.add(layout.axis().name(layout.x().applyAsDouble(r)));
        }
        List<MetricRow> out = new ArrayList<>();
        for (Map.Entry<String, Set<String>> row : rows.entrySet()) {
            String metric = row.getKey();
            if (runs.stream().noneMatch(r -> r.metrics().containsKey(metric))) {
                continue;
            }
            List<String> parts = row.getValue().isEmpty() ? List.of("") : List.copyOf(row.getValue());
            for (String part : parts) {
                // A part's own unit where it has one (a latency's count is a count, not us).
                String unit = Metric.unitOf(metric, part);
                List<String> cells = new ArrayList<>();
                for (RunSummary r : runs) {
                    double v = part.isEmpty() ? r.value(metric) : r.value(metric, part);
                    Spread spread = part.isEmpty() ? r.spread(metric) : r.spread(metric, part);
                    String ci = spread == null || Double.isNaN(spread.ci95()) ? "" : " ± " + SimReport.number(spread.ci95(), unit);
                    cells.add(Double.isNaN(v) ? "" : SimReport.number(v, unit) + ci);
                }
                out.add(new MetricRow(metric, part, unit, cells));
            }
        }
        return new MetricTable(name, colour, columns, out);
    }
}
