package dev.shootdown.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The shootdown latency distribution of a page's runs as CDFs: per line, its run at the largest x
 * (the most CPUs of a CPU sweep), the share of shootdowns that took at most each latency. The latency
 * axis is logarithmic when the latencies span two decades or more.
 */
final class LatencyCdfPlot {
    static final String METRIC = "shootdown_latency_us";

    private LatencyCdfPlot() {}

    /** The plot, or null when no run recorded a distribution (JSON written before runs did, or no shootdown). */
    static SvgPlot of(SweepLayout layout, Map<String, String> colour) {
        List<SvgPlot.Series> lines = new ArrayList<>();
        List<Double> xs = new ArrayList<>();
        for (Map.Entry<String, List<RunSummary>> e : layout.lines().entrySet()) {
            List<RunSummary> runs = e.getValue();
            RunSummary last = runs.get(runs.size() - 1);
            List<double[]> cdf = last.cdfs().getOrDefault(METRIC, List.of());
            if (cdf.isEmpty()) {
                continue;
            }
            // The step up from 0 at the least latency: a distribution of one value is a vertical line, not a dot.
            List<SvgPlot.Point> pts = new ArrayList<>(List.of(new SvgPlot.Point(cdf.get(0)[0], 0)));
            for (double[] p : cdf) {
                pts.add(new SvgPlot.Point(p[0], 100 * p[1]));
            }
            xs.add(layout.x().applyAsDouble(last));
            lines.add(new SvgPlot.Series(e.getKey(), "", colour.get(e.getKey()), false, pts));
        }
        if (lines.isEmpty()) {
            return null;
        }
        // One x for every line is said in the title; otherwise each line's name says its own.
        boolean oneX = xs.stream().distinct().count() == 1;
        if (!oneX) {
            List<SvgPlot.Series> named = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                SvgPlot.Series s = lines.get(i);
                named.add(new SvgPlot.Series(s.name() + ", " + layout.axis().name(xs.get(i)), s.variant(), s.color(), s.dashed(), s.points()));
            }
            lines = named;
        }
        double min = lines.stream().flatMap(s -> s.points().stream()).mapToDouble(SvgPlot.Point::x).filter(v -> v > 0).min().orElse(1);
        double max = lines.stream().flatMap(s -> s.points().stream()).mapToDouble(SvgPlot.Point::x).max().orElse(1);
        boolean log = max / min >= SweepLayout.LOG_SPAN;
        SvgPlot.XAxis axis = new SvgPlot.XAxis("shootdown latency (us" + (log ? ", log scale)" : ")"), log ? SvgPlot.Scale.LOG10 : SvgPlot.Scale.LINEAR, "", " us");
        return new SvgPlot("Shootdown latency distribution" + (oneX ? " at " + layout.axis().name(xs.get(0)) : ""), axis,
                "% of shootdowns at or below", lines);
    }
}
