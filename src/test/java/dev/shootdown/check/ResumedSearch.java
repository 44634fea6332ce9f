package dev.shootdown.check;

import dev.shootdown.model.Program;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A search stopped (as Ctrl-C stops it, or by a state limit), checkpointed and carried on, for the tests that hold it
 * against a search without a break; public for the oracle tests of other packages.
 */
public final class ResumedSearch {
    private ResumedSearch() {}

    /** The last search of a chain, and the checkpoints written on the way. */
    public record Run(BfsExplorer explorer, CheckResult result, List<String> events) {}

    /**
     * Runs the search with checkpoints in {@code dir}, stopping it at each of {@code stops} (counted in states taken off the
     * frontier since the start, ascending), and carrying it on from the checkpoint each time, to its end.
     */
    public static Run stoppedAt(Program program, CheckOptions options, Path dir, long... stops) {
        List<String> events = new ArrayList<>();
        CheckOptions.Checkpoints first = new CheckOptions.Checkpoints(dir, Long.MAX_VALUE, null, events::add);
        CheckOptions.Checkpoints again = new CheckOptions.Checkpoints(dir, Long.MAX_VALUE, dir, events::add);
        BfsExplorer explorer = null;
        CheckResult result = null;
        for (int i = 0; i <= stops.length; i++) {
            if (i > 0 && !"interrupted".equals(result.stopReason())) {
                break;
            }
            explorer = new BfsExplorer(program, options.withCheckpoints(i == 0 ? first : again));
            if (i < stops.length) {
                explorer.stopAfter(stops[i]);
            }
            result = explorer.run();
        }
        return new Run(explorer, result, events);
    }

    /** Runs the search to a state limit of {@code limit} with a checkpoint in {@code dir}, then carries it on with {@code options}' limit. */
    public static Run limitedTo(Program program, CheckOptions options, Path dir, long limit) {
        List<String> events = new ArrayList<>();
        CheckResult first = new BfsExplorer(program, options.withMaxStates(limit).withCheckpoints(new CheckOptions.Checkpoints(dir, Long.MAX_VALUE, null,
                events::add))).run();
        if (first.stopReason() == null || !first.stopReason().startsWith("state limit")) {
            return new Run(null, first, events);
        }
        BfsExplorer explorer = new BfsExplorer(program, options.withCheckpoints(new CheckOptions.Checkpoints(dir, Long.MAX_VALUE, dir, events::add)));
        return new Run(explorer, explorer.run(), events);
    }

    /** Asserts that {@code b} ended as {@code a}: verdicts, statistics (but time and disk), violations and counterexamples. */
    public static void assertSame(String name, BfsExplorer a, CheckResult x, BfsExplorer b, CheckResult y) {
        assertThat(y.verdict()).as(name).isEqualTo(x.verdict());
        assertThat(y.complete()).as(name).isEqualTo(x.complete());
        assertThat(y.stopReason()).as(name).isEqualTo(x.stopReason());
        assertThat(comparable(y.stats())).as(name).isEqualTo(comparable(x.stats()));
        assertThat(y.violations()).as(name).isEqualTo(x.violations());
        assertThat(y.coverage()).as(name).isEqualTo(x.coverage());
        for (Violation v : x.violations()) {
            assertThat(b.rebuilder().rebuild(v)).as(name).isEqualTo(a.rebuilder().rebuild(v));
        }
    }

    /** The statistics but the wall time and the states written to disk, which a break changes. */
    public static Stats comparable(Stats s) {
        return new Stats(s.states(), s.transitions(), s.depth(), s.queued(), 0, s.finishedLevel(), 0);
    }
}
