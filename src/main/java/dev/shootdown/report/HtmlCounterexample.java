package dev.shootdown.report;

import dev.shootdown.check.CheckResult;
import dev.shootdown.check.Counterexample;
import dev.shootdown.check.Slice;
import dev.shootdown.model.Program;
import dev.shootdown.model.Snapshot;
import dev.shootdown.model.Verdict;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The result of {@code check FILE --html OUT}: one self-contained page (inline CSS, no script, no
 * network) with the verdict, a per-CPU timeline whose rows also show every PTE, PMD and mm_cpumask
 * and every CPU's TLB and paging-structure cache after the step, what else the step changed and what
 * it read (changes marked), the violating step highlighted, the steps the violation depends on
 * marked ({@link Slice}), and the model's source with each step linked to its line. Checkboxes the
 * stylesheet reads hide the other steps and the CPUs that take none, and open the folded handler
 * runs and drains ({@link Folds}). Without a counterexample the page says which properties hold.
 *
 * <p>The markup is well-formed XML as well as HTML (every element closed, only the five XML entities)
 * so that tests can read it with an XML parser; the rest of a CPU's state after a step (where it is,
 * every variable) sits in a {@code <details>} element, which opens without script.
 */
public final class HtmlCounterexample {
    /** CSS class of the violating row (and of the closing row of a deadlock). */
    public static final String VIOLATING = "violating";

    private final CheckResult result;
    private final Counterexample cx;
    private final Program program;
    /** The steps the violation depends on; null without a counterexample. */
    private final Slice slice;
    /** The folds shown folded, by first step: a handler's run or drains, unless the violating step is in it. */
    private final Map<Integer, Folds.Fold> folds = new LinkedHashMap<>();
    /** For each step in a fold, the fold's first step. */
    private final Map<Integer, Integer> inFold;
    private final StringBuilder out = new StringBuilder();

    private HtmlCounterexample(CheckResult result, Counterexample cx) {
        this.result = result;
        this.cx = cx;
        this.program = result.program();
        this.slice = cx == null ? null : Slice.of(cx);
        if (cx != null) {
            Folds.of(cx).forEach((first, f) -> {
                if (f.steps().stream().noneMatch(k -> cx.steps().get(k - 1).violating())) {
                    folds.put(first, f);
                }
            });
        }
        this.inFold = new LinkedHashMap<>();
        folds.values().forEach(f -> f.steps().forEach(k -> inFold.put(k, f.first())));
    }

    /** The page for {@code result}; {@code cx} is the shallowest violation's counterexample, or null. */
    public static String page(CheckResult result, Counterexample cx) {
        return new HtmlCounterexample(result, cx).render();
    }

    /**
     * What the page template (src/main/jte/counterexample.jte) shows: the header's and the source listing's
     * plain values, escaped there, and the timeline and the switches' style rules as built here.
     *
     * @param hardware     the profile, CPUs and memory model, said in one line
     * @param verdictClass bad, good or unknown
     * @param lastStep     the step the verdict links to (the violating one, or the last before a deadlock); 0 for none
     * @param endsOnStep   whether the last step violates (else the timeline ends in a row of where each CPU waits)
     * @param steps        the counterexample's steps, or -1 without one (no legend then)
     */
    public record Page(String title, String word, String file, String hardware, String verdictClass, String headline, int lastStep, boolean endsOnStep,
                       String note, List<Property> properties, String stats, String explanation, int steps, String toggles, String timeline,
                       List<SourceLine> source) {}

    /** A property of the model and what became of it ({@code status}: holds, violated, ...). */
    public record Property(String status, String name, String result) {}

    /** A line of the model's source: its class (bad for the violating step's, hit for another step's, null), and the steps taken at it. */
    public record SourceLine(int number, String cls, String code, List<Integer> steps) {}

    private String render() {
        String file = program.source().name();
        String title = program.meta() != null && program.meta().title() != null ? program.meta().title() : file;
        var hw = program.hardware();
        String hardware = hw.profile() + ", " + hw.cpus() + (hw.cpus() == 1 ? " CPU" : " CPUs") + ", memory " + hw.memory().name().toLowerCase(Locale.ROOT);
        List<Property> properties = new ArrayList<>();
        for (Verdict v : program.properties()) {
            String status = CheckReport.propertyStatus(result, v);
            properties.add(new Property(status, v.property(), status.equals("violated") ? "violated (" + v.word() + ", step " + result.violation(v).depth() + ")" : status));
        }
        Counterexample.Step last = cx == null || cx.steps().isEmpty() ? null : cx.steps().get(cx.steps().size() - 1);
        String explanation = program.meta() != null && program.meta().explanation() != null && !program.meta().explanation().isBlank()
                ? program.meta().explanation().strip() : null;
        if (cx != null) {
            timeline();
        }
        String verdictClass = !result.violations().isEmpty() ? "bad" : result.complete() ? "good" : "unknown";
        return Templates.render("counterexample.jte", "page", new Page(title, result.verdictWord(), file, hardware, verdictClass,
                CheckReport.headline(result), cx == null ? 0 : last != null && last.violating() ? last.number() : cx.steps().size(), last != null && last.violating(),
                cx == null ? null : cx.note(), properties, CheckReport.stats(result.stats()).strip(), explanation, cx == null ? -1 : cx.steps().size(),
                toggles(), out.toString(), source()));
    }

    // ---------------------------------------------------------------- timeline

    private void timeline() {
        int cpus = cx.cpus();
        controls();
        out.append("<table class=\"timeline\" id=\"timeline\">\n<thead><tr><th class=\"num\">step</th>");
        for (int c = 0; c < cpus; c++) {
            out.append("<th class=\"cpu\" data-col=\"").append(c).append("\">cpu").append(c).append("</th>");
        }
        out.append("<th class=\"mem\">memory</th></tr></thead>\n<tbody>\n");
        Snapshot prev = cx.initial();
        out.append("<tr class=\"initial\" id=\"step-0\"><td class=\"num\" title=\"initial state\">init</td>");
        for (int c = 0; c < cpus; c++) {
            out.append("<td class=\"cpu\" data-col=\"").append(c).append("\">");
            cpuState(c, prev, prev, List.of());
            cpuDetails(c, prev);
            out.append("</td>");
        }
        memoryCell(prev, prev, List.of());
        out.append("</tr>\n");
        for (Counterexample.Step step : cx.steps()) {
            Snapshot now = step.after();
            if (step.number() == cx.loopStart()) {
                out.append("<tr class=\"loop-start\" id=\"loop\"><td class=\"num\">&#8635;</td><td colspan=\"").append(cpus + 1)
                        .append("\">from here, steps ").append(cx.loopStart()).append('-').append(cx.steps().size())
                        .append(" repeat for ever: the state after the last is the state before the first</td></tr>\n");
            }
            Folds.Fold fold = folds.get(step.number());
            if (fold != null) {
                foldRow(fold);
            }
            boolean kept = slice.relevant(step.number());
            out.append("<tr class=\"step").append(step.violating() ? " " + VIOLATING : "").append(cx.repeats(step.number()) ? " repeats" : "")
                    .append(kept ? " kept" : " aside").append(inFold.containsKey(step.number()) ? " in-fold" : "")
                    .append("\" id=\"step-").append(step.number()).append("\" data-cpu=\"").append(step.cpu()).append("\"");
            if (inFold.containsKey(step.number())) {
                out.append(" data-fold=\"").append(inFold.get(step.number())).append("\"");
            }
            out.append(">");
            out.append("<td class=\"num\"").append(kept ? " title=\"" + esc("kept: " + slice.why(step.number())) + "\"" : " title=\"the violation does not depend on this step\"")
                    .append("><a href=\"#step-").append(step.number()).append("\">").append(step.number()).append("</a></td>");
            for (int c = 0; c < cpus; c++) {
                out.append("<td class=\"cpu").append(c == step.cpu() ? " act" : "").append("\" data-col=\"").append(c).append("\">");
                if (c == step.cpu()) {
                    action(step);
                }
                cpuState(c, prev, now, step.footprint().changed());
                cpuDetails(c, now);
                out.append("</td>");
            }
            memoryCell(prev, now, step.footprint().changed());
            out.append("</tr>\n");
            prev = now;
        }
        boolean lastViolates = !cx.steps().isEmpty() && cx.steps().get(cx.steps().size() - 1).violating();
        if (!lastViolates) {
            // A deadlock is a state, not a step: close the timeline with a row that says where each CPU waits (or spins, for a lasso).
            boolean lasso = cx.loopStart() > 0;
            out.append("<tr class=\"stuck ").append(VIOLATING).append("\" id=\"stuck\"><td class=\"num\" title=\"")
                    .append(lasso ? "back to step " + cx.loopStart() + ", for ever" : "no CPU can make progress").append("\">")
                    .append(lasso ? "&#8635;" : "&#8734;").append("</td>");
            for (Snapshot.CpuView v : prev.cpus()) {
                out.append("<td class=\"cpu\" data-col=\"").append(v.cpu()).append("\"><div class=\"stmt\">")
                        .append(v.where().equals("done") ? "done" : (lasso ? "at: <code>" : "stuck: <code>") + esc(v.where()) + "</code>")
                        .append("</div></td>");
            }
            out.append("<td class=\"mem\"><div class=\"why\">").append(esc(cx.verdict().word())).append("</div>")
                    .append(cx.note() != null ? "<div class=\"note\">" + esc(cx.note()) + "</div>" : "");
            if (!cx.endReads().isEmpty()) {
                out.append("<div class=\"reads\"><span class=\"k\">depends on</span><span class=\"vs\">");
                cx.endReads().forEach((path, value) -> out.append("<span class=\"v\">").append(esc(StateJson.shown(path) + " = " + value)).append("</span>"));
                out.append("</span></div>");
            }
            out.append("</td></tr>\n");
        }
        out.append("</tbody>\n</table>\n");
    }

    /**
     * The reader's switches, checkboxes the stylesheet reads (no script): only the steps the violation
     * depends on, only the CPUs that take them, every fold open.
     */
    private void controls() {
        int kept = slice.steps().size();
        List<String> aside = new ArrayList<>();
        for (int c = 0; c < cx.cpus(); c++) {
            if (!slice.cpus().contains(c)) {
                aside.add("cpu" + c);
            }
        }
        out.append("<div class=\"controls\">")
                .append("<label><input type=\"checkbox\" id=\"only-kept\"/> only the ").append(kept).append(" of ").append(cx.steps().size())
                .append(" steps the violation depends on</label>")
                .append("<label><input type=\"checkbox\" id=\"only-cpus\"/> only their CPUs")
                .append(aside.isEmpty() ? " (all CPUs take some)" : " (hides " + String.join(", ", aside) + ")").append("</label>");
        if (!folds.isEmpty()) {
            out.append("<label><input type=\"checkbox\" id=\"open-folds\"/> open every folded handler run and drain</label>");
        }
        out.append("</div>\n");
    }

    /** The row that stands for a fold's steps while it is closed; its checkbox opens it. */
    private void foldRow(Folds.Fold fold) {
        boolean kept = fold.steps().stream().anyMatch(slice::relevant);
        out.append("<tr class=\"fold").append(kept ? " kept" : " aside").append("\" id=\"fold-").append(fold.first()).append("\" data-cpu=\"")
                .append(fold.cpu()).append("\"><td class=\"num\">").append(fold.first()).append("&#8230;</td>");
        for (int c = 0; c < cx.cpus(); c++) {
            out.append("<td class=\"cpu").append(c == fold.cpu() ? " act" : "").append("\" data-col=\"").append(c).append("\">");
            if (c == fold.cpu()) {
                out.append("<label class=\"opener\"><input type=\"checkbox\" id=\"open-").append(fold.first()).append("\"/> <code>")
                        .append(esc(fold.action())).append("</code> <span class=\"steps\">steps ").append(esc(fold.numbers())).append("</span></label>");
                if (!fold.note().isEmpty()) {
                    out.append("<ul class=\"narr\">");
                    for (String part : fold.note().split("; ")) {
                        out.append("<li>").append(esc(part)).append("</li>");
                    }
                    out.append("</ul>");
                }
            }
            out.append("</td>");
        }
        out.append("<td class=\"mem\"></td></tr>\n");
    }

    /** Generated rules for the switches: a fold's rows show when its box (or the open-all box) is checked; CPUs none of whose steps matter hide. */
    private String toggles() {
        if (cx == null) {
            return "";
        }
        StringBuilder css = new StringBuilder("\n");
        for (int first : folds.keySet()) {
            css.append("body:has(#open-").append(first).append(":checked) tr.in-fold[data-fold=\"").append(first).append("\"] { display: table-row; }\n");
        }
        for (int c = 0; c < cx.cpus(); c++) {
            if (!slice.cpus().contains(c)) {
                css.append("body:has(#only-cpus:checked) [data-col=\"").append(c).append("\"] { display: none; }\n");
            }
        }
        return css.toString();
    }

    private void action(Counterexample.Step step) {
        out.append("<div class=\"stmt\"><code>").append(esc(step.action())).append("</code>");
        if (step.line() > 0) {
            out.append(" <a class=\"line\" href=\"#L").append(step.line()).append("\">line ").append(step.line()).append("</a>");
        }
        out.append("</div>");
        if (!step.note().isEmpty()) {
            out.append("<ul class=\"narr\">");
            for (String part : step.note().split("; ")) {
                out.append("<li>").append(esc(part)).append("</li>");
            }
            out.append("</ul>");
        }
        if (!step.footprint().reads().isEmpty()) {
            out.append("<div class=\"reads\"><span class=\"k\">read</span><span class=\"vs\">");
            // The acting CPU's own things by their name within it (tlb.p), others' and memory's by their whole path.
            step.footprint().reads().forEach((path, value) -> out.append("<span class=\"v\" data-key=\"").append(esc(path)).append("\">")
                    .append(esc((path.startsWith(cpu(step.cpu())) ? path.substring(cpu(step.cpu()).length()) : StateJson.shown(path)) + " = " + value))
                    .append("</span>"));
            out.append("</span></div>");
        }
        if (step.violating()) {
            out.append("<div class=\"why\">").append(esc(cx.verdict().word())).append(cx.note() != null ? ": " + esc(cx.note()) : "")
                    .append("</div>");
        }
    }

    /**
     * CPU {@code c}'s state after the step: its TLB and paging-structure cache, store buffer, pending
     * IPIs and interrupt flag (as before), then whatever else of it this step changed, each part by its
     * path (CR3, locals, variables, the handler, acks awaited...), read off the snapshot's parts.
     */
    private void cpuState(int c, Snapshot beforeAll, Snapshot afterAll, List<String> changed) {
        Snapshot.CpuView before = beforeAll.cpus().get(c);
        Snapshot.CpuView after = afterAll.cpus().get(c);
        Map<String, String> ptes = afterAll.ptes();
        out.append("<div class=\"state\">");
        tlb(before.tlb(), after.tlb(), ptes);
        if (!program.tableNames().isEmpty()) {
            entries("pwc", "walk cache", section(beforeAll, cpu(c) + "pwc."), section(afterAll, cpu(c) + "pwc."), " &#8594; ");
        }
        if (!after.storeBuffer().isEmpty() || !before.storeBuffer().isEmpty()) {
            out.append("<div class=\"sb\"><span class=\"k\">store buffer</span><span class=\"vs\">");
            if (after.storeBuffer().isEmpty()) {
                out.append("<span class=\"v chg\">drained</span>");
            }
            for (String e : after.storeBuffer()) {
                out.append("<span class=\"v ").append(before.storeBuffer().contains(e) ? "same" : "chg").append("\">").append(esc(e)).append("</span>");
            }
            out.append("</span></div>");
        }
        if (!after.pendingIpis().isEmpty() || !before.pendingIpis().isEmpty()) {
            out.append("<div class=\"ipi\"><span class=\"k\">pending IPI</span><span class=\"vs\">");
            for (String p : after.pendingIpis()) {
                out.append("<span class=\"v ").append(before.pendingIpis().contains(p) ? "same" : "chg").append("\">").append(esc(p)).append("</span>");
            }
            for (String p : before.pendingIpis()) {
                if (!after.pendingIpis().contains(p)) {
                    out.append("<del class=\"v gone\" title=\"taken by this step\">").append(esc(p)).append("</del>");
                }
            }
            out.append("</span></div>");
        }
        if (!after.interruptsOn() || before.interruptsOn() != after.interruptsOn()) {
            out.append("<div class=\"irq\"><span class=\"k\">irq</span><span class=\"vs\"><span class=\"v ")
                    .append(before.interruptsOn() != after.interruptsOn() ? "chg" : "same").append("\">")
                    .append(after.interruptsOn() ? "on" : "off").append("</span></span></div>");
        }
        SnapshotDiff vars = SnapshotDiff.of(before.vars(), after.vars());
        if (!vars.isEmpty()) {
            out.append("<div class=\"vars\"><span class=\"k\">vars</span><span class=\"vs\">");
            for (String k : after.vars().keySet()) {
                if (vars.touched(k)) {
                    entry(k, " = ", after.vars().get(k), "chg", before.vars().get(k), null);
                }
            }
            out.append("</span></div>");
        }
        // The rest of the CPU that this step changed, whatever mechanism it belongs to.
        Map<String, Snapshot.Part> now = afterAll.byPath();
        Map<String, Snapshot.Part> was = beforeAll.byPath();
        List<String> rest = new ArrayList<>();
        for (String path : changed) {
            if (path.startsWith(cpu(c)) && !SHOWN_ABOVE.contains(section(path.substring(cpu(c).length())))) {
                rest.add(path);
            }
        }
        // A local whose life ended: nothing happened to it.
        rest.removeIf(path -> !now.containsKey(path) && path.contains("locals."));
        if (!rest.isEmpty()) {
            out.append("<div class=\"changed\"><span class=\"k\">changed</span><span class=\"vs\">");
            for (String path : rest) {
                String key = path.substring(cpu(c).length());
                Snapshot.Part p = now.get(path);
                if (p == null) {
                    out.append("<del class=\"v gone\" data-key=\"").append(esc(key)).append("\">").append(esc(key + " = " + was.get(path).text())).append("</del>");
                } else {
                    entry(key, " = ", p.text(), "chg", was.containsKey(path) ? was.get(path).text() : null, null);
                }
            }
            out.append("</span></div>");
        }
        out.append("</div>");
    }

    /** Sections of a CPU the cell shows whether or not they changed (or, for "at", as the statement). */
    private static final java.util.Set<String> SHOWN_ABOVE = java.util.Set.of("at", "tlb", "pwc", "store_buffer", "pending_ipis", "irq", "vars");

    private static String cpu(int c) {
        return "cpus[" + c + "].";
    }

    /** The section of a path below its owner: "tlb" of "tlb.p", "cr3" of "cr3". */
    private static String section(String path) {
        int dot = path.indexOf('.');
        return dot < 0 ? path : path.substring(0, dot);
    }

    /** The parts whose path starts with {@code prefix}, by the rest of the path, as text. */
    private static Map<String, String> section(Snapshot snap, String prefix) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Snapshot.Part p : snap.parts()) {
            if (p.path().startsWith(prefix)) {
                m.put(p.path().substring(prefix.length()), p.text());
            }
        }
        return m;
    }

    /** Memory after the step: PTEs, PMDs, mm_cpumasks, frames and shared variables, then any other part of the machine outside the CPUs. */
    private void memoryCell(Snapshot before, Snapshot after, List<String> changed) {
        out.append("<td class=\"mem\"><div class=\"state\">");
        entries("pte", "PTE", before.ptes(), after.ptes(), ": ");
        // The entries that hook tables, a row per level the model has: PMDs, then PUDs and P4Ds.
        dev.shootdown.model.PageTableTree tree = new dev.shootdown.model.PageTableTree(program);
        for (int level = 0; level <= dev.shootdown.model.PageTableTree.MAX_LEVEL; level++) {
            String section = dev.shootdown.model.PageTableTree.section(level);
            if (level == 0 ? !program.tableNames().isEmpty() : tree.depth() > level) {
                entries(dev.shootdown.model.PageTableTree.prefix(level), dev.shootdown.model.PageTableTree.entry(level),
                        section(before, section + "."), section(after, section + "."), ": ");
            }
        }
        entries("cpumask", "cpumask", section(before, "mm_cpumask."), section(after, "mm_cpumask."), ": ");
        entries("frames", "frame", before.frames(), after.frames(), ": ");
        if (!after.shared().isEmpty()) {
            entries("shared", "shared", before.shared(), after.shared(), " = ");
        }
        Map<String, String> was = new LinkedHashMap<>();
        Map<String, String> now = new LinkedHashMap<>();
        for (Snapshot.Part p : before.parts()) {
            if (!p.path().startsWith("cpus[") && !MEMORY_SHOWN.contains(section(p.path()))) {
                was.put(p.path(), p.text());
            }
        }
        for (Snapshot.Part p : after.parts()) {
            if (!p.path().startsWith("cpus[") && !MEMORY_SHOWN.contains(section(p.path()))) {
                now.put(p.path(), p.text());
            }
        }
        if (!now.isEmpty() || !was.isEmpty()) {
            entries("other", "other", was, now, " = ");
        }
        out.append("</div></td>");
    }

    /** Sections of the memory column that have their own rows. */
    private static final java.util.Set<String> MEMORY_SHOWN = java.util.Set.of("ptes", "pmds", "puds", "p4ds", "mm_cpumask", "frames", "vars");

    /** One labelled list of name/value entries, each marked changed or unchanged against {@code before}. */
    private void entries(String cls, String label, Map<String, String> before, Map<String, String> after, String sep) {
        SnapshotDiff d = SnapshotDiff.of(before, after);
        out.append("<div class=\"").append(cls).append("\"><span class=\"k\">").append(label).append("</span><span class=\"vs\">");
        if (after.isEmpty()) {
            out.append("<span class=\"v none\">empty</span>");
        }
        for (Map.Entry<String, String> e : after.entrySet()) {
            entry(e.getKey(), sep, e.getValue(), d.touched(e.getKey()) ? "chg" : "same", d.changed().contains(e.getKey()) ? before.get(e.getKey()) : null, null);
        }
        out.append("</span></div>");
    }

    /**
     * A CPU's TLB entries: changed ones marked, flushed ones struck through, and entries that no longer
     * agree with their PTE (another frame, or writable where the PTE is not) marked stale.
     */
    private void tlb(Map<String, String> before, Map<String, String> after, Map<String, String> ptes) {
        SnapshotDiff d = SnapshotDiff.of(before, after);
        out.append("<div class=\"tlb\"><span class=\"k\">TLB</span><span class=\"vs\">");
        if (after.isEmpty() && d.removed().isEmpty()) {
            out.append("<span class=\"v none\">empty</span>");
        }
        for (Map.Entry<String, String> e : after.entrySet()) {
            String pte = ptes.get(e.getKey());
            boolean stale = pte != null && isStale(e.getValue(), pte);
            String cls = (d.touched(e.getKey()) ? "chg" : "same") + (stale ? " stale" : "");
            entry(e.getKey(), " &#8594; ", e.getValue(), cls, d.changed().contains(e.getKey()) ? before.get(e.getKey()) : null,
                    stale ? "stale: the PTE is " + pte : null);
        }
        for (String k : d.removed()) {
            out.append("<del class=\"v gone\" data-key=\"").append(esc(k)).append("\" title=\"flushed by this step\">").append(esc(k))
                    .append(" &#8594; ").append(esc(before.get(k))).append("</del>");
        }
        out.append("</span></div>");
    }

    private void entry(String key, String sep, String value, String cls, String was, String title) {
        out.append("<span class=\"v ").append(cls).append("\" data-key=\"").append(esc(key)).append("\"");
        if (title != null) {
            out.append(" title=\"").append(esc(title)).append("\"");
        }
        out.append(">").append(esc(key)).append(sep).append(esc(value));
        if (was != null) {
            out.append(" <span class=\"was\">(was ").append(esc(was)).append(")</span>");
        }
        if (title != null) {
            out.append(" <span class=\"flag\">stale</span>");
        }
        out.append("</span>");
    }

    /**
     * A cached translation is stale when its PTE no longer maps the same frame with at least the same
     * rights (Pte.describe: "f RW A D", "none", "not present ..."); A and D bits may legitimately differ.
     */
    static boolean isStale(String cached, String pte) {
        String[] c = cached.split(" ");
        String[] p = pte.split(" ");
        if (p.length < 2 || !(p[1].equals("RW") || p[1].equals("RO"))) {
            return true;
        }
        return c.length < 2 || !c[0].equals(p[0]) || c[1].equals("RW") && p[1].equals("RO");
    }

    /** Everything about a CPU after the step, behind a disclosure: every part of it the machine has, by path. */
    private void cpuDetails(int c, Snapshot snap) {
        out.append("<details class=\"full\"><summary>more</summary><table class=\"snap\">");
        for (Snapshot.Part p : snap.parts()) {
            if (p.path().startsWith(cpu(c))) {
                out.append("<tr><th>").append(esc(p.path().substring(cpu(c).length()))).append("</th><td>").append(esc(p.text())).append("</td></tr>");
            }
        }
        out.append("</table></details>");
    }

    // ---------------------------------------------------------------- source

    /** The model's source, a line each, with the steps taken at each line. */
    private List<SourceLine> source() {
        Map<Integer, List<Integer>> stepsAt = new TreeMap<>();
        int bad = -1;
        if (cx != null) {
            for (Counterexample.Step s : cx.steps()) {
                if (s.line() > 0) {
                    stepsAt.computeIfAbsent(s.line(), k -> new ArrayList<>()).add(s.number());
                    if (s.violating()) {
                        bad = s.line();
                    }
                }
            }
        }
        String[] lines = program.source().text().split("\n", -1);
        int count = lines.length > 0 && lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length;
        List<SourceLine> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            List<Integer> steps = stepsAt.getOrDefault(i, List.of());
            out.add(new SourceLine(i, i == bad ? "bad" : steps.isEmpty() ? null : "hit", lines[i - 1].replace("\r", ""), steps));
        }
        return out;
    }

    /** Text and attribute escaping; control characters other than tab and newline are not valid XML, so they go. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (ch >= 0x20 || ch == '\n' || ch == '\t') {
                        b.append(ch);
                    }
                }
            }
        }
        return b.toString();
    }
}
