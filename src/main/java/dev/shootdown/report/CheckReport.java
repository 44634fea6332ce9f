package dev.shootdown.report;

import dev.shootdown.check.CheckResult;
import dev.shootdown.check.PartialOrderStats;
import dev.shootdown.check.Coverage;
import dev.shootdown.check.Counterexample;
import dev.shootdown.check.Slice;
import dev.shootdown.check.Stats;
import dev.shootdown.check.Violation;
import dev.shootdown.model.Verdict;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The result of {@code check FILE}: a per-property verdict table for people, or the JSON contract for scripts. */
public final class CheckReport {
    private CheckReport() {}

    /** Per-property lines, the statistics, and the counterexample timeline of the shallowest violation. */
    public static String text(String file, CheckResult r, Counterexample cx, int columnWidth) {
        return text(file, r, cx, TimelineRenderer.Options.plain(columnWidth));
    }

    /** The same, with the timeline drawn as {@code timeline} asks (the state at each step, folds, only the steps that matter). */
    public static String text(String file, CheckResult r, Counterexample cx, TimelineRenderer.Options timeline) {
        StringBuilder out = new StringBuilder();
        out.append(file).append(": ").append(headline(r)).append('\n');
        for (Verdict v : r.program().properties()) {
            Violation x = r.violation(v);
            String status = x != null ? "VIOLATED (" + v.word() + ", step " + x.depth() + ")" : r.complete() ? "holds" : "unknown (no violation found; search incomplete: " + r.stopReason() + ")";
            out.append(String.format(Locale.ROOT, "  %-24s %s%n", v.property(), status));
        }
        out.append(stats(r.stats())).append('\n');
        out.append(String.format(Locale.ROOT, "  fingerprint collision probability %.1e (TLC's optimistic estimate)%n", r.stats().collisionProbability()));
        String reductions = reductions(r);
        if (reductions != null) {
            out.append("  ").append(reductions).append('\n');
        }
        if (r.accessedBitsUntracked()) {
            out.append("  accessed bits: not tracked, nothing in the model reads them (--no-reductions: tracked)\n");
        }
        String partialOrder = partialOrder(r.partialOrder());
        if (partialOrder != null) {
            out.append("  ").append(partialOrder).append('\n');
        }
        if (r.coverage() != null) {
            out.append("  ").append(bitstate(r)).append('\n');
        }
        if (cx != null) {
            boolean shortest = r.partialOrder() == null || r.partialOrder().shortest();
            out.append('\n').append(shortest ? "Shortest counterexample (" : "Counterexample, not guaranteed shortest (").append(cx.steps().size())
                    .append(" steps):\n\n");
            out.append(new TimelineRenderer(timeline).render(cx));
        }
        return out.toString();
    }

    /** The statistics' lines on the partial-order reduction, or null when it took no step alone. */
    static String partialOrder(PartialOrderStats p) {
        if (p == null || p.ample() == 0) {
            return null;
        }
        String line = String.format(Locale.ROOT, "partial-order reduction: %,d states took one step alone, %,d transitions fewer (--no-reductions: off)",
                p.ample(), p.skipped());
        if (p.rerun() >= 0) {
            line += p.shortest() ? String.format(Locale.ROOT, "%n  counterexamples made shortest by the search without it, to their depth (%,d states)", p.rerun())
                    : String.format(Locale.ROOT, "%n  the search without it stopped early: the counterexample is not guaranteed shortest");
        }
        return line;
    }

    public static String headline(CheckResult r) {
        if (!r.violations().isEmpty()) {
            return r.verdict().word();
        }
        return r.complete() ? "safe (all " + r.stats().states() + " reachable states explored" + (r.symmetry().isEmpty() ? "" : ", up to CPU symmetry") + ")"
                : "no violation in " + r.stats().states() + " states, search incomplete (" + r.stopReason() + ")";
    }

    /** A property's word in the JSON contract and the HTML page: violated, holds or unknown (search incomplete). */
    public static String propertyStatus(CheckResult r, Verdict property) {
        return r.violation(property) != null ? "violated" : r.complete() ? "holds" : "unknown";
    }

    /** The reductions line of the text report: the symmetry groups, or why there are none; null when nothing is to say. */
    static String reductions(CheckResult r) {
        if (!r.symmetry().isEmpty()) {
            List<String> groups = new ArrayList<>();
            for (int[] g : r.symmetry()) {
                groups.add("cpus " + dev.shootdown.model.Symmetry.list(g));
            }
            return "symmetry: " + String.join("; ", groups) + " interchangeable, one state explored per renumbering (--no-reductions: every state)"
                    + (r.reductionNotes().isEmpty() ? "" : "; " + String.join("; ", r.reductionNotes()));
        }
        return r.reductionNotes().isEmpty() ? null : "symmetry: none (" + String.join("; ", r.reductionNotes()) + ")";
    }

    /** The bit-state line: the array, how full, SPIN's hash factor and the coverage estimated from them. */
    static String bitstate(CheckResult r) {
        Coverage c = r.coverage();
        return String.format(Locale.ROOT, "bitstate: %s bits (%s), %d a state, %.2g%% set, hash factor %.3g; about %.3g states taken for seen when new: "
                        + "estimated coverage %s%s", Long.toString(c.bits()).length() > 6 ? "2^" + Long.numberOfTrailingZeros(c.bits()) : Long.toString(c.bits()),
                size(c.bits() / 8), c.hashes(), 100 * c.fill(), c.hashFactor(), c.missed(), Coverage.percent(c.estimate()),
                r.program().properties().contains(Verdict.DEADLOCK) ? " (no_deadlock: deadlocked states only, busy-waits that never end need the exact search)" : "");
    }

    private static String size(long bytes) {
        return bytes >= 1 << 30 ? (bytes >> 30) + " GiB" : bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }

    /** The search's statistics in a line: the deepest level finished when the search stopped before it finished the last one. */
    public static String stats(Stats s) {
        return String.format(Locale.ROOT, "  %d distinct states, %d transitions, depth %d%s, %.2f s (%.0f states/s)%s",
                s.states(), s.transitions(), s.depth(), s.finishedLevel() < s.depth() ? " (deepest level finished: " + s.finishedLevel() + ")" : "",
                s.seconds(), s.statesPerSecond(), s.spilled() > 0 ? ", " + s.spilled() + " queued states written to disk" : "");
    }

    /** The {@code check --json} contract. */
    public static Map<String, Object> json(String file, CheckResult r, Counterexample cx) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file);
        m.put("verdict", r.verdictWord());
        m.put("states", r.stats().states());
        m.put("transitions", r.stats().transitions());
        m.put("depth", r.stats().depth());
        m.put("deepest_level_finished", r.stats().finishedLevel());
        m.put("seconds", r.stats().seconds());
        m.put("collision_probability", r.stats().collisionProbability());
        m.put("spilled_states", r.stats().spilled());
        m.put("complete", r.complete());
        if (r.stopReason() != null) {
            m.put("stop_reason", r.stopReason());
        }
        Map<String, Object> reductions = new LinkedHashMap<>();
        List<List<Integer>> groups = new ArrayList<>();
        for (int[] g : r.symmetry()) {
            groups.add(java.util.Arrays.stream(g).boxed().toList());
        }
        reductions.put("symmetry", groups);
        reductions.put("notes", r.reductionNotes());
        reductions.put("accessed_bits", r.accessedBitsUntracked() ? "untracked" : "tracked");
        PartialOrderStats p = r.partialOrder();
        if (p != null) {
            Map<String, Object> po = new LinkedHashMap<>();
            po.put("states_expanded_alone", p.ample());
            po.put("transitions_left_out", p.skipped());
            po.put("shortest_search_states", p.rerun() >= 0 ? p.rerun() : null);
            po.put("counterexamples_shortest", p.shortest());
            reductions.put("partial_order", po);
        } else {
            reductions.put("partial_order", "off");
        }
        m.put("reductions", reductions);
        if (r.coverage() != null) {
            Coverage c = r.coverage();
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("bits", c.bits());
            b.put("hashes", c.hashes());
            b.put("bits_set", c.bitsSet());
            b.put("hash_factor", c.hashFactor());
            b.put("missed_estimate", c.missed());
            b.put("coverage_estimate", c.estimate());
            m.put("bitstate", b);
        }
        Map<String, Object> props = new LinkedHashMap<>();
        for (Verdict v : r.program().properties()) {
            props.put(v.property(), propertyStatus(r, v));
        }
        m.put("properties", props);
        List<Map<String, Object>> steps = new ArrayList<>();
        if (cx != null) {
            Slice slice = Slice.of(cx);
            for (Counterexample.Step s : cx.steps()) {
                Map<String, Object> st = new LinkedHashMap<>();
                st.put("step", s.number());
                st.put("cpu", s.cpu());
                st.put("action", s.action());
                st.put("note", s.note());
                if (s.line() > 0) {
                    st.put("line", s.line());
                }
                if (s.violating()) {
                    st.put("violation", true);
                }
                if (cx.repeats(s.number())) {
                    st.put("repeats", true);
                }
                st.put("relevant", slice.relevant(s.number()));
                st.put("reads", s.footprint().reads());
                st.put("changed", s.footprint().changed());
                st.put("state", StateJson.of(s.after()));
                steps.add(st);
            }
            m.put("violation_note", cx.note());
            if (cx.loopStart() > 0) {
                m.put("loop_start", cx.loopStart());
            }
        }
        m.put("counterexample", steps);
        if (cx != null) {
            Slice slice = Slice.of(cx);
            m.put("relevant_steps", slice.steps());
            m.put("relevant_cpus", slice.cpus());
            if (!cx.endReads().isEmpty()) {
                m.put("end_reads", cx.endReads());
            }
            m.put("initial_state", StateJson.of(cx.initial()));
        }
        return m;
    }
}
