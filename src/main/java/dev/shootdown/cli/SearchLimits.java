package dev.shootdown.cli;

import dev.shootdown.check.CheckOptions;
import dev.shootdown.lang.UserError;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/** Options shared by the commands that search. */
final class SearchLimits {
    @Option(names = "--max-states", paramLabel = "N", description = "Stop after N distinct states (the verdict is then partial). Default: no limit.")
    long maxStates = Long.MAX_VALUE;

    @Option(names = "--memory", paramLabel = "FRACTION",
            description = "Keep the search within this share of the heap (default: ${DEFAULT-VALUE}): the queue of states to explore goes to disk when it does not fit, and the search stops when its tables do not.")
    double memoryFraction = 0.7;

    @Option(names = "--spill-dir", paramLabel = "DIR", description = "Where the queue of states to explore goes when it does not fit the heap (default: the system's temporary directory).")
    Path spillDir;

    @Option(names = "--first", description = "Stop at the first violation instead of deciding every property.")
    boolean first;

    @Option(names = "--no-reductions", description = "Explore every state: no symmetry reduction (for comparison; verdicts are the same).")
    boolean noReductions;

    @Option(names = "--workers", paramLabel = "N", description = "Threads in the search, 1 to 256 (default: ${DEFAULT-VALUE}): N-1 expand states ahead of it. The result is the same for any N.")
    int workers = CheckOptions.defaultWorkers();

    /** Set by Ctrl-C ({@link Interrupts}): the search stops at its next look and reports what it has. */
    final AtomicBoolean stop = new AtomicBoolean();

    /** The search's options; their values were checked against {@link Bounds} before the command ran. */
    CheckOptions options() {
        if (spillDir != null && !(Files.isDirectory(spillDir) && Files.isWritable(spillDir))) {
            throw new UserError("--spill-dir " + spillDir + ": not a writable directory");
        }
        return new CheckOptions(maxStates, memoryFraction, stop, null, !first, spillDir, !noReductions, workers, null, 0, 0);
    }
}
