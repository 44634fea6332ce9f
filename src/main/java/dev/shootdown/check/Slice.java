package dev.shootdown.check;

import dev.shootdown.model.Footprint;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The steps a counterexample's violation depends on: a backwards slice over what each step read and
 * changed ({@link Footprint}, measured on the replay). It starts from the violating step (or, for a
 * deadlock, from what keeps the CPUs stuck; for a livelock, from every step of the cycle) and keeps,
 * for each thing a kept step read, the last step before it that changed that thing; and for a kept
 * statement, the steps that decided it would run: the earlier branches, waits and choices of the same
 * run of its code (its CPU's program, or one run of a handler, which also depends on the step that
 * took the interrupt). A branch counts for everything after it in that run, not only for its own
 * block: the statements an {@code if} skipped are often the story (a flush that did not happen).
 */
public final class Slice {
    private final Map<Integer, String> kept;
    private final Set<Integer> cpus;

    private Slice(Map<Integer, String> kept, Set<Integer> cpus) {
        this.kept = kept;
        this.cpus = cpus;
    }

    public static Slice of(Counterexample cx) {
        int n = cx.steps().size();
        Map<Integer, String> kept = new LinkedHashMap<>();
        Deque<Integer> work = new ArrayDeque<>();
        if (n > 0 && cx.steps().get(n - 1).violating()) {
            keep(kept, work, n, "breaks the property");
        }
        if (cx.loopStart() > 0) {
            for (int k = cx.loopStart(); k <= n; k++) {
                keep(kept, work, k, "repeats for ever");
            }
        }
        cx.endReads().forEach((path, value) -> {
            int w = lastWriter(cx, path, n + 1);
            if (w > 0) {
                keep(kept, work, w, "changed " + path + ", which the end depends on");
            }
        });
        while (!work.isEmpty()) {
            int k = work.pop();
            Counterexample.Step step = cx.steps().get(k - 1);
            for (String path : step.footprint().reads().keySet()) {
                int w = lastWriter(cx, path, k);
                if (w > 0) {
                    keep(kept, work, w, "changed " + path + ", which step " + k + " read");
                }
            }
            for (int d : deciders(cx, k)) {
                keep(kept, work, d, "decided that step " + k + " would run");
            }
        }
        Set<Integer> cpus = new TreeSet<>();
        for (int k : kept.keySet()) {
            cpus.add(cx.steps().get(k - 1).cpu());
        }
        return new Slice(kept, Collections.unmodifiableSet(cpus));
    }

    /** Whether step {@code number} is one the violation depends on. */
    public boolean relevant(int number) {
        return kept.containsKey(number);
    }

    /** Why step {@code number} is kept (the first reason found), or null when it is not. */
    public String why(int number) {
        return kept.get(number);
    }

    /** The numbers of the steps kept, in order. */
    public Set<Integer> steps() {
        return new TreeSet<>(kept.keySet());
    }

    /** The CPUs with at least one step kept. */
    public Set<Integer> cpus() {
        return cpus;
    }

    private static void keep(Map<Integer, String> kept, Deque<Integer> work, int k, String why) {
        if (kept.putIfAbsent(k, why) == null) {
            work.push(k);
        }
    }

    /** The last step before step {@code before} that changed {@code path}, or 0 (the initial state). */
    private static int lastWriter(Counterexample cx, String path, int before) {
        for (int j = before - 1; j >= 1; j--) {
            if (cx.steps().get(j - 1).footprint().changed().contains(path)) {
                return j;
            }
        }
        return 0;
    }

    /**
     * The steps that decided step {@code k} would run: the deciding steps of the same run of the same
     * code on the same CPU before it, and for a handler's statement the step that took the interrupt.
     */
    private static Set<Integer> deciders(Counterexample cx, int k) {
        Counterexample.Step step = cx.steps().get(k - 1);
        Footprint.Role role = step.footprint().role();
        Set<Integer> out = new TreeSet<>();
        if (role != Footprint.Role.PROGRAM && role != Footprint.Role.HANDLER) {
            return out;
        }
        for (int j = k - 1; j >= 1; j--) {
            Counterexample.Step s = cx.steps().get(j - 1);
            if (s.cpu() != step.cpu()) {
                continue;
            }
            Footprint.Role r = s.footprint().role();
            if (role == Footprint.Role.HANDLER && r == Footprint.Role.ENTERS_HANDLER) {
                out.add(j);
                break;
            }
            if (r == role && s.footprint().decides()) {
                out.add(j);
            }
        }
        return out;
    }
}
