package dev.shootdown.check;

/**
 * What the partial-order reduction did in a search (see docs/language.md, "Partial-order reduction").
 *
 * @param ample   the states expanded by one step alone (a singleton ample set) instead of every enabled action
 * @param skipped the transitions those states did not take
 * @param rerun   when the search found violations: the states of the search without the reduction, to the depth of
 *                the deepest violation, that found the shortest counterexamples reported; -1 when there was none
 * @param shortest whether the counterexamples reported are shortest: false only when that search stopped early
 */
public record PartialOrderStats(long ample, long skipped, long rerun, boolean shortest) {
}
