package dev.shootdown.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Where runs go on the sweep page: what the x axis is and which runs make one line. x is the CPU
 * count when it varies; otherwise the first swept axis whose values vary and are all numbers
 * ({@code tick_hz}, {@code user_cycles}), or for single runs the first recorded input that does;
 * otherwise the CPU count still. A line is a protocol, named by its title (its file name when it has
 * none, and beside the title when two files share one), told apart by everything else that varies
 * (workload, profile, seed, the other swept axes, the tick rate, skew and workload parameters runs
 * record), so no line joins runs that differ in anything but x.
 *
 * @param xName the quantity on x as a column is headed ({@code CPUs}, {@code tick_hz})
 * @param axis  how the plots draw x
 * @param x     a run's x value
 * @param lines the runs of each line, by the line's name, in order of first appearance, each sorted by x
 */
public record SweepLayout(String xName, SvgPlot.XAxis axis, ToDoubleFunction<RunSummary> x, Map<String, List<RunSummary>> lines) {
    /** From this ratio of largest to smallest value (two decades) on, an axis is drawn on a log scale. */
    static final double LOG_SPAN = 100;

    private static final String CPUS = "cpus";

    public static SweepLayout of(List<RunSummary> runs) {
        Map<String, Function<RunSummary, String>> varying = new LinkedHashMap<>();
        axes(runs).forEach((axis, value) -> {
            if (runs.stream().map(value).distinct().count() > 1) {
                varying.put(axis, value);
            }
        });
        String xAxis = xAxis(runs, varying);
        ToDoubleFunction<RunSummary> x = xAxis.equals(CPUS) ? RunSummary::cpus : r -> number(varying.get(xAxis).apply(r));
        // Two protocols of one title (copies of a file, edited) are still two lines: their file names tell them apart.
        Map<String, Set<String>> files = new LinkedHashMap<>();
        runs.forEach(r -> files.computeIfAbsent(r.name(), k -> new LinkedHashSet<>()).add(r.protocol()));
        Map<String, List<RunSummary>> lines = new LinkedHashMap<>();
        for (RunSummary r : runs) {
            List<String> parts = new ArrayList<>();
            varying.forEach((axis, value) -> {
                if (!axis.equals(xAxis)) {
                    parts.add(part(axis, value.apply(r)));
                }
            });
            String protocol = files.get(r.name()).size() > 1 ? r.name() + " [" + r.protocol() + "]" : r.name();
            String name = protocol + (parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")");
            lines.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
        }
        lines.values().forEach(l -> l.sort(Comparator.comparingDouble(x)));
        if (xAxis.equals(CPUS)) {
            return new SweepLayout("CPUs", SvgPlot.XAxis.CPUS, x, lines);
        }
        double min = runs.stream().mapToDouble(x).min().orElseThrow();
        double max = runs.stream().mapToDouble(x).max().orElseThrow();
        boolean log = min > 0 && max / min >= LOG_SPAN;
        return new SweepLayout(xAxis, new SvgPlot.XAxis(xAxis + (log ? " (log scale)" : ""), log ? SvgPlot.Scale.LOG10 : SvgPlot.Scale.LINEAR,
                xAxis + " ", ""), x, lines);
    }

    /**
     * The CPUs if they vary, else the first swept axis (then recorded input, for runs that were no
     * sweep's) that varies and is a number in every run, else the CPUs.
     */
    private static String xAxis(List<RunSummary> runs, Map<String, Function<RunSummary, String>> varying) {
        if (varying.containsKey(CPUS)) {
            return CPUS;
        }
        return runs.stream().flatMap(r -> java.util.stream.Stream.concat(r.point().keySet().stream(), r.inputs().keySet().stream())).distinct()
                .filter(a -> varying.containsKey(a) && runs.stream().allMatch(r -> number(varying.get(a).apply(r)) != null))
                .findFirst().orElse(CPUS);
    }

    /**
     * Every swept axis with its values, in order of first appearance ({@code tick_hz 0 to 1000 (3
     * values)}, {@code profile skylake, milan}); none for runs that were no sweep's.
     */
    public static List<String> sweptRanges(List<RunSummary> runs) {
        Map<String, Set<String>> values = new LinkedHashMap<>();
        for (RunSummary r : runs) {
            r.point().forEach((axis, v) -> values.computeIfAbsent(axis, k -> new LinkedHashSet<>()).add(v));
        }
        List<String> out = new ArrayList<>();
        values.forEach((axis, vs) -> {
            if (vs.size() > 1 && vs.stream().allMatch(v -> number(v) != null)) {
                Comparator<String> byValue = Comparator.comparingDouble(SweepLayout::number);
                out.add(axis + " " + vs.stream().min(byValue).orElseThrow() + " to " + vs.stream().max(byValue).orElseThrow() + " (" + vs.size() + " values)");
            } else {
                out.add(axis + " " + String.join(", ", vs));
            }
        });
        return out;
    }

    /**
     * What runs can differ in: the fields every run has (so known also of runs that were no sweep's,
     * and the truth for an axis of the same name), then the sweep points' other axes, then the inputs
     * runs record (tick rate, skew, workload parameters), each in order of first appearance. A run's
     * value is its own record when it has one, so a single run and a sweep's point of the same tick
     * rate are alike (a run that says nothing: null).
     */
    private static Map<String, Function<RunSummary, String>> axes(List<RunSummary> runs) {
        Map<String, Function<RunSummary, String>> axes = new LinkedHashMap<>();
        axes.put("workload", RunSummary::workload);
        axes.put("profile", RunSummary::profile);
        axes.put("seed", r -> Long.toString(r.seed()));
        axes.put(CPUS, r -> Integer.toString(r.cpus()));
        for (RunSummary r : runs) {
            for (String axis : r.point().keySet()) {
                axes.putIfAbsent(axis, run -> run.input(axis));
            }
        }
        for (RunSummary r : runs) {
            for (String axis : r.inputs().keySet()) {
                axes.putIfAbsent(axis, run -> run.input(axis));
            }
        }
        return axes;
    }

    /** How a line's name says an axis's value: the workload and profile bare (as before sweeps had points), the rest after the axis's name. */
    private static String part(String axis, String value) {
        return switch (axis) {
            case "workload" -> value;
            case "profile" -> value.isEmpty() ? "?" : value;
            default -> axis + " " + (value == null ? "?" : value);
        };
    }

    /** The value as a number, or null when it is none (a profile's name, {@code on}). */
    static Double number(String v) {
        if (v == null) {
            return null;
        }
        try {
            return new BigDecimal(v.strip()).doubleValue();
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
