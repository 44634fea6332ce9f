package dev.shootdown.report;

import dev.shootdown.check.Counterexample;
import dev.shootdown.model.Footprint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runs of steps a short telling folds into one row: an IRQ handler's run on a CPU (the step that
 * took the interrupt and each statement of the handler up to its return, even where other CPUs' steps
 * come between) and a CPU's store-buffer drains one right after another. A fold is shown where its
 * first step is, and names all its steps, since folding moves the later ones up.
 */
final class Folds {
    /** One fold: its CPU, its steps in order (at least two), and one line saying what they did. */
    record Fold(int cpu, List<Integer> steps, String action, String note) {
        int first() {
            return steps.get(0);
        }

        /** The step numbers as a reader scans them: "4-6", or "4, 6, 9" where others came between. */
        String numbers() {
            boolean consecutive = steps.get(steps.size() - 1) - first() == steps.size() - 1;
            if (consecutive) {
                return first() + "-" + steps.get(steps.size() - 1);
            }
            List<String> n = new ArrayList<>();
            steps.forEach(k -> n.add(Integer.toString(k)));
            return String.join(", ", n);
        }
    }

    private Folds() {}

    /** The folds of {@code cx}, by their first step. */
    static Map<Integer, Fold> of(Counterexample cx) {
        Map<Integer, Fold> folds = new LinkedHashMap<>();
        List<Counterexample.Step> steps = cx.steps();
        for (int i = 0; i < steps.size(); i++) {
            Counterexample.Step first = steps.get(i);
            Footprint.Role role = first.footprint().role();
            List<Counterexample.Step> run = new ArrayList<>(List.of(first));
            if (role == Footprint.Role.ENTERS_HANDLER) {
                for (int j = i + 1; j < steps.size(); j++) {
                    Counterexample.Step s = steps.get(j);
                    if (s.cpu() != first.cpu()) {
                        continue;
                    }
                    if (s.footprint().role() != Footprint.Role.HANDLER) {
                        break;
                    }
                    run.add(s);
                }
            } else if (role == Footprint.Role.DRAIN && (i == 0 || !drainOf(steps.get(i - 1), first.cpu()))) {
                for (int j = i + 1; j < steps.size() && drainOf(steps.get(j), first.cpu()); j++) {
                    run.add(steps.get(j));
                }
            }
            if (run.size() < 2) {
                continue;
            }
            List<Integer> numbers = new ArrayList<>();
            List<String> statements = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            for (Counterexample.Step s : run) {
                numbers.add(s.number());
                if (s != first) {
                    statements.add(s.action());
                }
                if (!s.note().isEmpty()) {
                    notes.add(s.note());
                }
            }
            String action = role == Footprint.Role.DRAIN ? first.action() + " x" + run.size() : first.action() + ": " + String.join("; ", statements);
            folds.put(first.number(), new Fold(first.cpu(), numbers, action, String.join("; ", notes)));
        }
        return folds;
    }

    private static boolean drainOf(Counterexample.Step s, int cpu) {
        return s.cpu() == cpu && s.footprint().role() == Footprint.Role.DRAIN;
    }

    /** For each step inside a fold (not its first), the fold's first step. */
    static Map<Integer, Integer> inside(Map<Integer, Fold> folds) {
        Map<Integer, Integer> in = new LinkedHashMap<>();
        for (Fold f : folds.values()) {
            for (int k : f.steps().subList(1, f.steps().size())) {
                in.put(k, f.first());
            }
        }
        return in;
    }
}
