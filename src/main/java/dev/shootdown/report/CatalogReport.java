package dev.shootdown.report;

import dev.shootdown.check.Catalog;
import dev.shootdown.check.CatalogGrader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The catalog's verdict table, and the {@code catalog --json} contract {@code {"entries": [...]}}. A run
 * cut short (Ctrl-C) lists the entries graded so far and is marked partial: the table ends with
 * {@code partial: N of M entries not checked (why), from NAME on}, the JSON gains {@code "partial": true},
 * {@code stop_reason} and {@code "missing": [{name, file}]}; a complete run has none of these.
 */
public final class CatalogReport {
    private CatalogReport() {}

    /** The table of {@code grades}, then the line that says which entries are {@code missing}, if any, and why. */
    public static String table(List<CatalogGrader.Grade> grades, List<Catalog.Entry> missing, String stopReason, boolean explain) {
        int nameWidth = Math.max(5, grades.stream().mapToInt(g -> g.entry().name().length()).max().orElse(5));
        StringBuilder out = new StringBuilder();
        String fmt = "%-" + nameWidth + "s  %-4s  %-20s %-20s %-6s %10s %8s%n";
        out.append(String.format(Locale.ROOT, fmt, "entry", "seed", "expected", "actual", "agrees", "states", "seconds"));
        out.append("-".repeat(nameWidth + 75)).append('\n');
        int agree = 0;
        long states = 0;
        double seconds = 0;
        for (CatalogGrader.Grade g : grades) {
            // A violation found by a search that stopped early is still a violation ("?": the other properties are undecided).
            String actual = g.result().verdictWord() + (g.result().complete() || g.result().violations().isEmpty() ? "" : "?");
            out.append(String.format(Locale.ROOT, fmt, g.entry().name(), g.program().meta().seed(), g.expected().word(), actual,
                    g.agrees() ? "yes" : "NO", g.result().stats().states(), String.format(Locale.ROOT, "%.2f", g.result().stats().seconds())));
            agree += g.agrees() ? 1 : 0;
            states += g.result().stats().states();
            seconds += g.result().stats().seconds();
        }
        out.append(String.format(Locale.ROOT, "%n%d of %d entries agree with their expected verdicts; %d states in %.1f s%s%n",
                agree, grades.size(), states, seconds, grades.stream().anyMatch(g -> !g.result().complete()) ? " ('?': search incomplete; 'unknown': stopped before it found a violation)" : ""));
        if (!missing.isEmpty()) {
            out.append(String.format(Locale.ROOT, "partial: %d of %d entries not checked%s, from %s on%n", missing.size(), grades.size() + missing.size(),
                    stopReason == null ? "" : " (" + stopReason + ")", missing.get(0).name()));
        }
        if (explain) {
            for (CatalogGrader.Grade g : grades) {
                out.append('\n').append(g.entry().name());
                if (g.program().meta().title() != null) {
                    out.append(": ").append(g.program().meta().title());
                }
                out.append('\n');
                if (g.program().meta().explanation() != null) {
                    for (String line : TimelineRenderer.wrap(g.program().meta().explanation().replaceAll("\\s+", " "), 96)) {
                        out.append("  ").append(line).append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    public static Map<String, Object> json(List<CatalogGrader.Grade> grades, List<Catalog.Entry> missing, String stopReason) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (CatalogGrader.Grade g : grades) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", g.entry().name());
            e.put("file", g.entry().file());
            e.put("seed", g.program().meta().seed());
            e.put("expected", g.expected().word());
            e.put("actual", g.result().verdictWord());
            e.put("agrees", g.agrees());
            e.put("states", g.result().stats().states());
            e.put("seconds", g.result().stats().seconds());
            e.put("collision_probability", g.result().stats().collisionProbability());
            e.put("complete", g.result().complete());
            if (g.program().meta().title() != null) {
                e.put("title", g.program().meta().title());
            }
            entries.add(e);
        }
        List<Map<String, Object>> names = new ArrayList<>();
        for (Catalog.Entry m : missing) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", m.name());
            e.put("file", m.file());
            names.add(e);
        }
        return PartialJson.of(Map.of(), "entries", entries, names, stopReason);
    }
}
