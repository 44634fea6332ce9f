package dev.shootdown.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs as a terminal table: a row per run, grouped by line as the HTML report groups them, its x value, a column per plotted
 * figure (the mean ± the 95% interval of the mean for a point run under several seeds).
 */
public final class SweepTable {
    private SweepTable() {}

    public static String text(List<RunSummary> runs) {
        SweepLayout layout = SweepLayout.of(runs);
        List<String> header = new ArrayList<>(List.of("line", layout.xName()));
        for (HtmlSimReport.Figure f : HtmlSimReport.FIGURES) {
            for (HtmlSimReport.Variant v : f.variants()) {
                header.add(f.yLabel() + (v.name().isEmpty() ? "" : " " + v.name()));
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, List<RunSummary>> e : layout.lines().entrySet()) {
            for (RunSummary r : e.getValue()) {
                List<String> row = new ArrayList<>(List.of(e.getKey(), SvgPlot.num(layout.x().applyAsDouble(r))));
                for (HtmlSimReport.Figure f : HtmlSimReport.FIGURES) {
                    for (HtmlSimReport.Variant v : f.variants()) {
                        double x = v.value(r);
                        Spread spread = v.spread(r);
                        row.add(Double.isNaN(x) ? "-" : SimReport.number(x, "")
                                + (spread == null || Double.isNaN(spread.ci95()) ? "" : " ± " + SimReport.number(spread.ci95(), "")));
                    }
                }
                rows.add(row);
            }
        }
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> row : rows) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, header, width);
        for (List<String> row : rows) {
            line(out, row, width);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            // The line's name left-aligned, numbers right-aligned.
            String fmt = i == 0 ? "%-" + width[i] + "s" : "  %" + width[i] + "s";
            b.append(String.format(Locale.ROOT, fmt, cells.get(i)));
        }
        out.append(b.toString().stripTrailing()).append('\n');
    }
}
