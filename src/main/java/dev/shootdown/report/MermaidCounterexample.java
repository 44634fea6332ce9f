package dev.shootdown.report;

import dev.shootdown.check.CheckResult;
import dev.shootdown.check.Counterexample;
import dev.shootdown.model.Snapshot;
import dev.shootdown.model.Verdict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The result of {@code check FILE --mermaid OUT}: a Mermaid {@code sequenceDiagram} with one
 * participant per CPU and one for memory. A step that changes a PTE, a frame or a shared variable is
 * a message to Memory; an IPI is an arrow from sender to target and its ack one back; any other step
 * is a note over its CPU. The violation sits in a red {@code rect}. Folded ({@code check --fold}), an
 * IPI handler's run and a CPU's drains one after another are one note each ({@link Folds}), naming
 * their steps, with every memory change, ack and IPI of the steps they stand for; a fold that holds
 * the violating step or where a livelock's loop starts is not folded, as in the HTML page.
 *
 * <p>Text goes through {@link #text}: Mermaid ends a statement at ';' and reads '#' as the start of
 * an entity code, and its HTML labels would swallow '&lt;...&gt;', so those become entity codes.
 */
public final class MermaidCounterexample {
    public static final String MEMORY = "Memory";
    static final String VIOLATION_RGB = "rgb(255, 205, 205)";
    private static final int NOTE_WIDTH = 52;

    // Narration written by model.Machine: "IPI h sent to {cpu1,cpu2}", "ack to cpu0 becomes visible".
    private static final Pattern IPI_SENT = Pattern.compile("IPI (\\S+) sent to \\{([^}]*)\\}");
    private static final Pattern ACK_VISIBLE = Pattern.compile("ack to cpu(\\d+) becomes visible");
    private static final Pattern IPI_TAKEN = Pattern.compile("<IPI (\\S+) from cpu(\\d+)>");
    private static final Pattern CPU = Pattern.compile("cpu(\\d+)");

    private final List<String> lines = new ArrayList<>();
    private boolean usesMemory;

    private MermaidCounterexample() {}

    /** The diagram for {@code result}; {@code cx} is the shallowest violation's counterexample, or null. */
    public static String diagram(CheckResult result, Counterexample cx) {
        return diagram(result, cx, false);
    }

    /** The diagram, with each IPI handler's run and each CPU's drains in a row one note when {@code fold}. */
    public static String diagram(CheckResult result, Counterexample cx, boolean fold) {
        return new MermaidCounterexample().render(result, cx, fold);
    }

    private String render(CheckResult result, Counterexample cx, boolean fold) {
        int cpus = result.program().cpus();
        String all = cpus > 1 ? "cpu0,cpu" + (cpus - 1) : "cpu0";
        if (cx == null) {
            List<String> props = new ArrayList<>();
            for (Verdict v : result.program().properties()) {
                props.add(v.property() + ": " + CheckReport.propertyStatus(result, v));
            }
            emit("Note over " + all + ": " + text(CheckReport.headline(result) + "\n" + String.join("\n", props)));
            return document(result);
        }
        int[] handlerFrom = new int[cpus];
        Arrays.fill(handlerFrom, -1);
        Map<Integer, Folds.Fold> folds = new java.util.LinkedHashMap<>();
        if (fold) {
            Folds.of(cx).forEach((first, f) -> {
                if (f.steps().stream().noneMatch(k -> cx.steps().get(k - 1).violating() || k == cx.loopStart() && k != first)) {
                    folds.put(first, f);
                }
            });
        }
        Map<Integer, Integer> inside = Folds.inside(folds);
        Snapshot prev = cx.initial();
        for (Counterexample.Step step : cx.steps()) {
            if (inside.containsKey(step.number())) {
                prev = step.after();
                continue;
            }
            Folds.Fold f = folds.get(step.number());
            if (f != null) {
                if (step.number() == cx.loopStart()) {
                    emit("loop steps " + cx.loopStart() + "-" + cx.steps().size() + " repeat for ever");
                }
                folded(cx, f, prev, handlerFrom);
                prev = step.after();
                continue;
            }
            if (step.number() == cx.loopStart()) {
                emit("loop steps " + cx.loopStart() + "-" + cx.steps().size() + " repeat for ever");
            }
            if (step.violating()) {
                emit("rect " + VIOLATION_RGB);
            }
            step(step, prev, handlerFrom, step.violating() ? "VIOLATION " + cx.verdict().word() + (cx.note() != null ? ": " + cx.note() : "") : null);
            if (step.violating()) {
                emit("end");
            }
            prev = step.after();
        }
        if (cx.loopStart() > 0) {
            emit("end");
        }
        boolean lastViolates = !cx.steps().isEmpty() && cx.steps().get(cx.steps().size() - 1).violating();
        if (!lastViolates) {
            emit("rect " + VIOLATION_RGB);
            emit("Note over " + all + ": " + text(cx.verdict().word() + (cx.note() != null ? "\n" + cx.note().replace("; ", "\n") : "")));
            emit("end");
        }
        return document(result);
    }

    /** The header (title, participants: every CPU, and Memory once a step touched it) and the body. */
    private String document(CheckResult result) {
        List<String> doc = new ArrayList<>();
        doc.add("sequenceDiagram");
        doc.add("    title " + escape(result.program().source().name() + ": " + CheckReport.headline(result)));
        for (int c = 0; c < result.program().cpus(); c++) {
            doc.add("    participant cpu" + c);
        }
        if (usesMemory) {
            doc.add("    participant " + MEMORY);
        }
        doc.addAll(lines);
        return String.join("\n", doc) + "\n";
    }

    /** One step as a message or note, then its IPIs and acks; {@code violation}, when not null, closes the step's note. */
    private void step(Counterexample.Step step, Snapshot before, int[] handlerFrom, String violation) {
        String me = "cpu" + step.cpu();
        // A no-break space keeps "[line N]" together when the note is wrapped.
        String head = step.number() + ". " + step.action() + (step.line() > 0 ? " [line\u00a0" + step.line() + "]" : "");
        Matcher taken = IPI_TAKEN.matcher(step.action());
        if (taken.matches() && violation == null) {
            handlerFrom[step.cpu()] = Integer.parseInt(taken.group(2));
            emit("Note over " + me + ": " + text(step.number() + ". interrupt: " + taken.group(1) + " from cpu" + taken.group(2)));
            return;
        }
        List<String> body = new ArrayList<>();
        body.add(head);
        for (String part : step.note().isEmpty() ? new String[0] : step.note().split("; ")) {
            if (!IPI_SENT.matcher(part).matches()) {
                body.add(part);  // a sent IPI is drawn as arrows below
            }
        }
        List<String> memory = memoryChanges(before, step.after());
        if (!memory.isEmpty()) {
            body.addAll(memory);
            usesMemory = true;
            emit(me + "->>" + MEMORY + ": " + text(String.join("\n", body)));
            if (violation != null) {
                emit("Note over " + me + ": " + text(violation));
            }
        } else {
            if (violation != null) {
                body.add(violation);
            }
            emit("Note over " + me + ": " + text(String.join("\n", body)));
        }
        arrows(step, handlerFrom);
    }

    /** A step's IPIs sent, as arrows to their targets, and its acks, as arrows back to the CPU whose IPI it handles. */
    private void arrows(Counterexample.Step step, int[] handlerFrom) {
        String me = "cpu" + step.cpu();
        Matcher sent = IPI_SENT.matcher(step.note());
        while (sent.find()) {
            Matcher target = CPU.matcher(sent.group(2));
            while (target.find()) {
                emit(me + "-)cpu" + target.group(1) + ": " + text("IPI " + sent.group(1)));
            }
        }
        Matcher acked = ACK_VISIBLE.matcher(step.note());
        while (acked.find()) {
            emit(me + "--)cpu" + acked.group(1) + ": " + text("ack (store buffer drains)"));
        }
        // Under SC an ack takes effect at once and the narration is silent: the target is the CPU whose IPI is being handled.
        if (step.action().startsWith("ack(") && !step.note().contains("buffered") && handlerFrom[step.cpu()] >= 0) {
            emit(me + "--)cpu" + handlerFrom[step.cpu()] + ": " + text("ack"));
        }
    }

    /**
     * A fold as one note over its CPU (or one message to Memory when its steps changed memory): the steps'
     * numbers and what they did, each step's memory changes, then the arrows of the IPIs and acks of its steps.
     */
    private void folded(Counterexample cx, Folds.Fold fold, Snapshot before, int[] handlerFrom) {
        String me = "cpu" + fold.cpu();
        List<String> body = new ArrayList<>(List.of(fold.numbers() + ". " + fold.action()));
        List<String> memory = new ArrayList<>();
        for (int k : fold.steps()) {
            Counterexample.Step s = cx.steps().get(k - 1);
            memory.addAll(memoryChanges(k == 1 ? cx.initial() : cx.steps().get(k - 2).after(), s.after()));
            for (String part : s.note().isEmpty() ? new String[0] : s.note().split("; ")) {
                if (!IPI_SENT.matcher(part).matches()) {
                    body.add(part);
                }
            }
        }
        Matcher taken = IPI_TAKEN.matcher(cx.steps().get(fold.first() - 1).action());
        if (taken.matches()) {
            handlerFrom[fold.cpu()] = Integer.parseInt(taken.group(2));
        }
        body.addAll(memory);
        if (!memory.isEmpty()) {
            usesMemory = true;
            emit(me + "->>" + MEMORY + ": " + text(String.join("\n", body)));
        } else {
            emit("Note over " + me + ": " + text(String.join("\n", body)));
        }
        for (int k : fold.steps()) {
            arrows(cx.steps().get(k - 1), handlerFrom);
        }
    }

    /** PTE, frame and shared-variable changes, as "name: old -> new". */
    private static List<String> memoryChanges(Snapshot before, Snapshot after) {
        List<String> out = new ArrayList<>();
        changes("PTE ", before.ptes(), after.ptes(), out);
        changes("frame ", before.frames(), after.frames(), out);
        changes("", before.shared(), after.shared(), out);
        return out;
    }

    private static void changes(String prefix, Map<String, String> before, Map<String, String> after, List<String> out) {
        SnapshotDiff d = SnapshotDiff.of(before, after);
        for (String k : after.keySet()) {
            if (d.touched(k)) {
                out.add(prefix + k + ": " + (before.containsKey(k) ? before.get(k) + " -> " : "") + after.get(k));
            }
        }
    }

    private void emit(String line) {
        lines.add("    " + line);
    }

    /**
     * Label text: wrapped to a note's width with {@code <br/>}, and the characters Mermaid's lexer or
     * its HTML labels mishandle replaced by entity codes ({@code #59;} and friends).
     */
    static String text(String s) {
        List<String> wrapped = new ArrayList<>();
        for (String para : s.split("\n")) {
            for (String w : TimelineRenderer.wrap(para.strip(), NOTE_WIDTH)) {
                wrapped.add(w.strip());
            }
        }
        List<String> escaped = new ArrayList<>();
        for (String w : wrapped) {
            escaped.add(escape(w));
        }
        String joined = String.join("<br/>", escaped);
        return joined.isBlank() ? "-" : joined;
    }

    /** One line of label text with the characters Mermaid mishandles as entity codes. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '#' -> b.append("#35;");
                case ';' -> b.append("#59;");
                case '%' -> b.append("#37;");
                case '&' -> b.append("#amp;");
                case '<' -> b.append("#lt;");
                case '>' -> b.append("#gt;");
                case '"' -> b.append("#quot;");
                default -> {
                    if (ch >= 0x20) {
                        b.append(ch);
                    }
                }
            }
        }
        return b.toString();
    }
}
