package dev.shootdown.report;

import dev.shootdown.sim.Experiments;
import dev.shootdown.sim.SimResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Published against simulated figures ({@code reproduce}): a table, or
 * {@code {"rows": [{source, metric, published, simulated, tolerance, within}]}} (under {@code --seeds}, simulated is
 * the mean over the seeds, with {@code simulated_ci95} and {@code simulated_seeds} beside it). When some runs did
 * not finish (a failure, Ctrl-C) their experiments are not rows: the JSON then also says
 * {@code "partial": true}, {@code stop_reason} and {@code "missing": [{source, metric}]}, and the table
 * shows them as {@code not run}; a complete result has none of these keys.
 */
public final class ReproduceReport {
    private ReproduceReport() {}

    /**
     * An experiment, a description of its run, and that run's result under each seed (none when a seed's run did
     * not finish); {@code seeded} when it ran under {@code --seeds}, so that the figure is shown with its interval.
     */
    public record Row(Experiments.Experiment experiment, String run, List<SimResult> results, boolean seeded) {
        public Row(Experiments.Experiment experiment, String run, SimResult result) {
            this(experiment, run, result == null ? List.of() : List.of(result), false);
        }

        boolean ran() {
            return !results.isEmpty();
        }

        /** The simulated figure over the seeds: their mean, and the interval of it. */
        Spread spread() {
            return Spread.of(results.stream().map(r -> experiment.simulated().applyAsDouble(r)).toList());
        }

        double simulated() {
            return spread().mean();
        }

        boolean within() {
            return Math.abs(simulated() - experiment.published()) <= experiment.tolerance();
        }
    }

    /** The JSON: the rows of the experiments whose run finished, and, when some did not, why and which. */
    public static Map<String, Object> json(List<Row> rows, String stopReason) {
        List<Map<String, Object>> done = new ArrayList<>();
        List<Map<String, Object>> missing = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("source", r.experiment().source());
            row.put("metric", r.experiment().metric());
            if (r.ran()) {
                row.put("published", r.experiment().published());
                row.put("simulated", r.simulated());
                if (r.seeded()) {
                    Spread s = r.spread();
                    row.put("simulated_ci95", Double.isNaN(s.ci95()) ? null : s.ci95());
                    row.put("simulated_seeds", s.values());
                }
                row.put("tolerance", r.experiment().tolerance());
                row.put("within", r.within());
                done.add(row);
            } else {
                missing.add(row);
            }
        }
        return PartialJson.of(Map.of(), "rows", done, missing, stopReason);
    }

    /** Two lines per experiment (its source, then the figures and the run); one not run says so, and a last line says how many. */
    public static String text(List<Row> rows, String stopReason) {
        StringBuilder out = new StringBuilder();
        int missing = 0;
        for (Row r : rows) {
            Experiments.Experiment e = r.experiment();
            out.append(e.source()).append('\n');
            if (r.ran()) {
                Spread s = r.spread();
                String simulated = number(s.mean()) + (r.seeded() && !Double.isNaN(s.ci95()) ? " ± " + number(s.ci95()) : "");
                out.append(String.format(Locale.ROOT, "    %-28s published %-12s simulated %-12s tolerance %-10s %s   [%s]%n", e.metric(),
                        number(e.published()), simulated, number(e.tolerance()), r.within() ? "WITHIN" : "OUTSIDE", r.run()));
            } else {
                missing++;
                out.append(String.format(Locale.ROOT, "    %-28s not run   [%s]%n", e.metric(), r.run()));
            }
        }
        if (missing > 0) {
            out.append(String.format(Locale.ROOT, "%npartial: %d of %d rows not run%s%n", missing, rows.size(), stopReason == null ? "" : " (" + stopReason + ")"));
        }
        return out.toString();
    }

    private static String number(double v) {
        return Math.abs(v) >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
