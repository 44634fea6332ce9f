package dev.shootdown.report;

import dev.shootdown.check.Counterexample;
import dev.shootdown.check.Slice;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A counterexample as a per-CPU timeline for the terminal: one column per CPU, one row per step,
 * the statement on the first line and what the hardware did wrapped below it; the violating step
 * is marked with {@code >>} and explained at the end. The cycle of a lasso (work that can never
 * finish) is set off by a rule and its steps marked {@code ~}.
 *
 * <p>On request ({@link Options}) a row also says what its step read and what it changed; an IRQ
 * handler's run and a CPU's drains in a row fold into one row ({@link Folds}); and only the steps
 * the violation depends on ({@link Slice}) are shown, in the columns of the CPUs that took them.
 * Where the columns would be narrower than {@link #MIN_COLUMN}, the rows are one after another
 * instead, each naming its CPU.
 */
public final class TimelineRenderer {
    /** The narrowest column a CPU gets, where the width is limited, before the timeline is written row after row instead. */
    static final int MIN_COLUMN = 30;

    /**
     * @param columnWidth  a CPU column's width
     * @param reads        add to each row what its step read, with the values read
     * @param changes      add to each row what its step changed, with the new values
     * @param fold         fold handler runs and runs of drains into one row each
     * @param relevantOnly only the steps the violation depends on, and their CPUs
     * @param maxWidth     the widest a line may be, 0 for no limit: the columns shrink to fit it
     */
    public record Options(int columnWidth, boolean reads, boolean changes, boolean fold, boolean relevantOnly, int maxWidth) {
        public static Options plain(int columnWidth) {
            return new Options(columnWidth, false, false, false, false, 0);
        }
    }

    private final Options options;

    public TimelineRenderer(int columnWidth) {
        this(Options.plain(columnWidth));
    }

    public TimelineRenderer(Options options) {
        this.options = options;
    }

    /** One row: the steps it stands for (one, or a fold's), its CPU and what it says. */
    private record Row(List<Integer> steps, int cpu, String action, int line, String note, boolean violating, List<String> state) {}

    public String render(Counterexample cx) {
        Slice slice = options.relevantOnly() || options.fold() ? Slice.of(cx) : null;
        List<Row> rows = rows(cx, slice);
        List<Integer> cpus = new ArrayList<>();
        Set<Integer> acting = new TreeSet<>();
        rows.forEach(r -> acting.add(r.cpu()));
        for (int c = 0; c < cx.cpus(); c++) {
            if (!options.relevantOnly() || acting.contains(c)) {
                cpus.add(c);
            }
        }
        int width = options.columnWidth();
        if (options.maxWidth() > 0 && !cpus.isEmpty()) {
            width = Math.min(width, (options.maxWidth() - 5) / cpus.size() - 1);
        }
        StringBuilder out = new StringBuilder();
        if (width < MIN_COLUMN && options.maxWidth() > 0) {
            oneAfterAnother(out, cx, rows, options.maxWidth());
        } else {
            columns(out, cx, rows, cpus, width);
        }
        StringBuilder verdict = new StringBuilder("!! ").append(cx.verdict().word());
        if (!cx.steps().isEmpty() && cx.steps().get(cx.steps().size() - 1).violating()) {
            verdict.append(" at step ").append(cx.steps().size());
        }
        if (cx.note() != null) {
            verdict.append(": ").append(cx.note());
        }
        out.append('\n');
        if (options.maxWidth() > 0) {
            List<String> lines = wrap(verdict.toString(), options.maxWidth() - 3);
            out.append(lines.get(0)).append('\n');
            lines.subList(1, lines.size()).forEach(l -> out.append("   ").append(l).append('\n'));
        } else {
            out.append(verdict).append('\n');
        }
        if (options.relevantOnly()) {
            List<String> left = new ArrayList<>();
            for (int c = 0; c < cx.cpus(); c++) {
                if (!cpus.contains(c)) {
                    left.add("cpu" + c);
                }
            }
            String said = "Shown: the " + slice.steps().size() + " of " + cx.steps().size()
                    + " steps the violation depends on (by what each step read and changed)"
                    + (left.isEmpty() ? "" : "; " + String.join(", ", left) + " left out, none of " + (left.size() == 1 ? "its" : "their") + " steps matter")
                    + ".";
            wrapTo(out, said, options.maxWidth() > 0 ? options.maxWidth() : 100, "");
        }
        return out.toString();
    }

    private List<Row> rows(Counterexample cx, Slice slice) {
        Map<Integer, Folds.Fold> folds = options.fold() ? Folds.of(cx) : Map.of();
        Map<Integer, Integer> inside = Folds.inside(folds);
        List<Row> rows = new ArrayList<>();
        for (Counterexample.Step step : cx.steps()) {
            if (inside.containsKey(step.number())) {
                continue;
            }
            Folds.Fold fold = folds.get(step.number());
            List<Integer> steps = fold != null ? fold.steps() : List.of(step.number());
            if (options.relevantOnly() && steps.stream().noneMatch(slice::relevant)) {
                continue;
            }
            boolean violating = steps.stream().anyMatch(k -> cx.steps().get(k - 1).violating());
            List<String> state = state(cx, steps, options.reads(), options.changes());
            rows.add(fold != null ? new Row(steps, step.cpu(), fold.action() + "  [steps " + fold.numbers() + "]", 0, fold.note(), violating, state)
                    : new Row(steps, step.cpu(), step.action(), step.line(), step.note(), violating, state));
        }
        return rows;
    }

    /** What the steps read (before the first of them read it) and what they left changed, one line each, as asked. */
    private static List<String> state(Counterexample cx, List<Integer> steps, boolean reads, boolean changes) {
        Map<String, String> read = new LinkedHashMap<>();
        Set<String> changed = new java.util.LinkedHashSet<>();
        for (int k : steps) {
            Counterexample.Step s = cx.steps().get(k - 1);
            s.footprint().reads().forEach((path, value) -> {
                if (!changed.contains(path)) {
                    read.putIfAbsent(path, value);
                }
            });
            changed.addAll(s.footprint().changed());
        }
        var after = cx.steps().get(steps.get(steps.size() - 1) - 1).after().byPath();
        if (steps.size() > 1) {
            // A fold says where its steps left things: what a handler set and undid (its frame, the flag) is no news.
            var before = cx.before(steps.get(0)).byPath();
            changed.removeIf(path -> java.util.Objects.equals(before.get(path), after.get(path)));
        }
        List<String> lines = new ArrayList<>();
        if (reads && !read.isEmpty()) {
            List<String> parts = new ArrayList<>();
            read.forEach((path, value) -> parts.add(StateJson.shown(path) + " = " + value));
            lines.add("read " + String.join(", ", parts));
        }
        List<String> parts = new ArrayList<>();
        for (String path : changed) {
            if (path.endsWith("].at")) {
                continue; // where the CPU is now: the next row says it
            }
            var p = after.get(path);
            if (p == null && path.contains("locals.")) {
                continue; // a local whose life ended: nothing happened to it
            }
            parts.add(StateJson.shown(path) + (p == null ? " gone" : " = " + p.text()));
        }
        if (changes && !parts.isEmpty()) {
            lines.add("now " + String.join(", ", parts));
        }
        return lines;
    }

    private void columns(StringBuilder out, Counterexample cx, List<Row> rows, List<Integer> cpus, int width) {
        StringBuilder header = new StringBuilder("step ");
        StringBuilder rule = new StringBuilder("---- ");
        for (int c : cpus) {
            header.append(pad("| cpu" + c, width + 1));
            rule.append(pad("+" + "-".repeat(width), width + 1));
        }
        out.append(header.toString().stripTrailing()).append('\n').append(rule.toString().stripTrailing()).append('\n');
        boolean looping = false;
        for (Row row : rows) {
            int number = row.steps().get(0);
            if (!looping && cx.loopStart() > 0 && number >= cx.loopStart()) {
                looping = true;
                out.append("     ").append("~".repeat(Math.max(0, rule.toString().stripTrailing().length() - 5))).append('\n');
                out.append("     from here, steps ").append(cx.loopStart()).append('-').append(cx.steps().size()).append(" repeat for ever\n");
            }
            List<String> cell = new ArrayList<>(unbroken(wrap(row.action() + lineMark(row), width - 2)));
            if (!row.note().isEmpty()) {
                for (String line : wrap(row.note(), width - 4)) {
                    cell.add("  " + line);
                }
            }
            for (String s : row.state()) {
                for (String line : wrap(s, width - 4)) {
                    cell.add("  " + line);
                }
            }
            for (int i = 0; i < cell.size(); i++) {
                String num = i == 0 ? marker(cx, row) + number : "";
                StringBuilder line = new StringBuilder(padLeft(num, 4)).append(' ');
                for (int c : cpus) {
                    line.append(pad("| " + (c == row.cpu() ? cell.get(i) : ""), width + 1));
                }
                out.append(line.toString().stripTrailing()).append('\n');
            }
        }
    }

    /** Rows one after another, each naming its CPU: for many CPUs in a narrow width. */
    private void oneAfterAnother(StringBuilder out, Counterexample cx, List<Row> rows, int maxWidth) {
        out.append("step cpu   what\n---- ----- ").append("-".repeat(Math.max(4, maxWidth - 11))).append('\n');
        boolean looping = false;
        for (Row row : rows) {
            int number = row.steps().get(0);
            if (!looping && cx.loopStart() > 0 && number >= cx.loopStart()) {
                looping = true;
                out.append("     from here, steps ").append(cx.loopStart()).append('-').append(cx.steps().size()).append(" repeat for ever\n");
            }
            String indent = " ".repeat(11);
            List<String> first = unbroken(wrap(row.action() + lineMark(row), maxWidth - 11));
            out.append(padLeft(marker(cx, row) + number, 4)).append(' ').append(pad("cpu" + row.cpu(), 6)).append(first.get(0).stripTrailing()).append('\n');
            for (String l : first.subList(1, first.size())) {
                out.append(indent).append(l.stripTrailing()).append('\n');
            }
            if (!row.note().isEmpty()) {
                wrapTo(out, row.note(), maxWidth, indent + "  ");
            }
            for (String s : row.state()) {
                wrapTo(out, s, maxWidth, indent + "  ");
            }
        }
    }

    /** "  [line N]" after a statement, its words held together (a no-break space, made a space again once wrapped). */
    private static String lineMark(Row row) {
        return row.line() > 0 ? "  [line" + NO_BREAK + row.line() + "]" : "";
    }

    private static final char NO_BREAK = '\u00a0';

    /** Wrapped lines with their no-break spaces made spaces again. */
    private static List<String> unbroken(List<String> lines) {
        lines.replaceAll(l -> l.replace(NO_BREAK, ' '));
        return lines;
    }

    private static String marker(Counterexample cx, Row row) {
        return row.violating() ? ">>" : row.steps().stream().anyMatch(cx::repeats) ? "~" : "";
    }

    private static void wrapTo(StringBuilder out, String text, int width, String indent) {
        for (String line : wrap(text, width - indent.length())) {
            out.append(indent).append(line.stripTrailing()).append('\n');
        }
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
