package dev.shootdown.check;

import dev.shootdown.model.Verdict;

/**
 * The first violation found of one property: the state it was found from ({@code parent}, an index
 * into the trace log), the action that broke the property (-1 when the state itself is the
 * violation, as for a deadlock) and the BFS depth of the violating step (of {@code parent} for a
 * state violation).
 *
 * @param lasso the state is one from which the kernel work can never finish although some CPU can
 *              always move: its counterexample goes on into a cycle that repeats for ever
 */
public record Violation(Verdict verdict, int parent, int action, int depth, String note, boolean lasso) {

    public Violation(Verdict verdict, int parent, int action, int depth, String note) {
        this(verdict, parent, action, depth, note, false);
    }

    static Violation lasso(Verdict verdict, int state, int depth) {
        return new Violation(verdict, state, -1, depth, "the work left can never finish", true);
    }
}
