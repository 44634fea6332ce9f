package dev.shootdown.check;

import dev.shootdown.model.Program;
import dev.shootdown.model.Verdict;

import java.util.List;

/**
 * The outcome of a search: the violations found (in the order found, so the first is the
 * shallowest), statistics, and whether the search covered every reachable state.
 *
 * @param stopReason why an incomplete search stopped (null when complete)
 * @param symmetry   the groups of CPUs explored up to renumbering (empty: none), each ascending
 * @param reductionNotes why CPUs were kept apart, or why there was no symmetry, in words
 * @param accessedBitsUntracked whether walks left the PTEs' accessed bits clear, the model never reading them
 *                   ({@link dev.shootdown.model.AccessedBitRead})
 * @param coverage   for a search with bit-state hashing ({@code --bitstate}), its array and the states it likely missed;
 *                   null for the exact search
 * @param partialOrder what the partial-order reduction did; null when it was off ({@code --no-reductions}) or no step of
 *                   the model can go alone
 */
public record CheckResult(Program program, List<Violation> violations, Stats stats, boolean complete, String stopReason,
                          List<int[]> symmetry, List<String> reductionNotes, boolean accessedBitsUntracked, Coverage coverage,
                          PartialOrderStats partialOrder) {

    /**
     * The verdict in words, as every output prints it: the shallowest violation's, {@code safe} only when the search
     * explored every reachable state exactly, else {@code unknown} (stopped early, or a bit-state search that may have
     * missed states). Safe must never mean "nothing found so far".
     */
    public String verdictWord() {
        if (!violations.isEmpty()) {
            return verdict().word();
        }
        return complete && coverage == null ? Verdict.SAFE.word() : "unknown";
    }

    /** The overall verdict: the shallowest violation's, or safe (see {@link #verdictWord()} for what may be printed). */
    public Verdict verdict() {
        return violations.isEmpty() ? Verdict.SAFE : violations.get(0).verdict();
    }

    public Violation violation(Verdict v) {
        return violations.stream().filter(x -> x.verdict() == v).findFirst().orElse(null);
    }
}
