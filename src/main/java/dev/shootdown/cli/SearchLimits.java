package dev.shootdown.cli;

import dev.shootdown.check.CheckOptions;
import picocli.CommandLine.Option;

import java.util.concurrent.atomic.AtomicBoolean;

/** Options shared by the commands that search. */
final class SearchLimits {
    @Option(names = "--max-states", paramLabel = "N", description = "Stop after N distinct states (the verdict is then partial). Default: no limit.")
    long maxStates = Long.MAX_VALUE;

    @Option(names = "--memory", paramLabel = "FRACTION", description = "Stop before the search's tables pass this share of the heap (default: ${DEFAULT-VALUE}).")
    double memoryFraction = 0.7;

    @Option(names = "--first", description = "Stop at the first violation instead of deciding every property.")
    boolean first;

    @Option(names = "--no-reductions", description = "Explore every state: no symmetry reduction (for comparison; verdicts are the same).")
    boolean noReductions;

    /** Set by Ctrl-C ({@link Interrupts}): the search stops at its next look and reports what it has. */
    final AtomicBoolean stop = new AtomicBoolean();

    /** The search's options; their values were checked against {@link Bounds} before the command ran. */
    CheckOptions options() {
        return new CheckOptions(maxStates, memoryFraction, stop, null, !first, !noReductions);
    }
}
