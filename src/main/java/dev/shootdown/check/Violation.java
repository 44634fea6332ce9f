package dev.shootdown.check;

import dev.shootdown.model.Verdict;

/**
 * The first violation found of one property: the state it was found from ({@code parent}, an index
 * into the trace log), the action that broke the property (-1 when the state itself is the
 * violation, as for a deadlock) and the BFS depth of the violating step.
 */
public record Violation(Verdict verdict, int parent, int action, int depth, String note) {}
