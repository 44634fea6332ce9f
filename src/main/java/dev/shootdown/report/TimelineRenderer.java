package dev.shootdown.report;

import dev.shootdown.check.Counterexample;

import java.util.ArrayList;
import java.util.List;

/**
 * A counterexample as a per-CPU timeline for the terminal: one column per CPU, one row per step,
 * the statement on the first line and what the hardware did wrapped below it; the violating step
 * is marked with {@code >>} and explained at the end. The cycle of a lasso (work that can never
 * finish) is set off by a rule and its steps marked {@code ~}.
 */
public final class TimelineRenderer {
    private final int columnWidth;

    public TimelineRenderer(int columnWidth) {
        this.columnWidth = columnWidth;
    }

    public String render(Counterexample cx) {
        StringBuilder out = new StringBuilder();
        int cpus = cx.cpus();
        StringBuilder header = new StringBuilder("step ");
        StringBuilder rule = new StringBuilder("---- ");
        for (int c = 0; c < cpus; c++) {
            header.append(pad("| cpu" + c, columnWidth + 1));
            rule.append(pad("+" + "-".repeat(columnWidth), columnWidth + 1));
        }
        out.append(header.toString().stripTrailing()).append('\n').append(rule.toString().stripTrailing()).append('\n');
        for (Counterexample.Step step : cx.steps()) {
            if (step.number() == cx.loopStart()) {
                out.append("     ").append("~".repeat(Math.max(0, rule.toString().stripTrailing().length() - 5))).append('\n');
                out.append("     from here, steps ").append(cx.loopStart()).append('-').append(cx.steps().size()).append(" repeat for ever\n");
            }
            List<String> cell = new ArrayList<>(wrap(step.action() + (step.line() > 0 ? "  [line " + step.line() + "]" : ""), columnWidth - 2));
            if (!step.note().isEmpty()) {
                for (String line : wrap(step.note(), columnWidth - 4)) {
                    cell.add("  " + line);
                }
            }
            for (int i = 0; i < cell.size(); i++) {
                String num = i == 0 ? (step.violating() ? ">>" : cx.repeats(step.number()) ? "~" : "") + step.number() : "";
                StringBuilder row = new StringBuilder(padLeft(num, 4)).append(' ');
                for (int c = 0; c < cpus; c++) {
                    row.append(pad("| " + (c == step.cpu() ? cell.get(i) : ""), columnWidth + 1));
                }
                out.append(row.toString().stripTrailing()).append('\n');
            }
        }
        out.append('\n').append("!! ").append(cx.verdict().word());
        if (!cx.steps().isEmpty() && cx.steps().get(cx.steps().size() - 1).violating()) {
            out.append(" at step ").append(cx.steps().size());
        }
        if (cx.note() != null) {
            out.append(": ").append(cx.note());
        }
        return out.append('\n').toString();
    }

    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            while (word.length() > width) {
                if (line.length() > 0) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                lines.add(word.substring(0, width));
                word = word.substring(width);
            }
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0 || lines.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static String padLeft(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }
}
