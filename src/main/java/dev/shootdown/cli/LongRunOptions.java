package dev.shootdown.cli;

import dev.shootdown.check.CheckOptions;
import dev.shootdown.lang.UserError;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Stack;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code check}'s options for searches too long or too large for one sitting: checkpoints and bit-state hashing. */
final class LongRunOptions {
    /** What --bitstate alone stands for. */
    static final String DEFAULT_SIZE = "default";

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "Write the search's whole state into DIR (created if missing) every --checkpoint-every, on Ctrl-C and when the search stops early "
                    + "(memory, --max-states); --resume DIR carries it on. A checkpoint replaces the last one only once it is complete on disk.")
    Path checkpoint;

    @Option(names = "--checkpoint-every", paramLabel = "DURATION",
            description = "How often to write the checkpoint: 90s, 10m, 2h, or seconds (default: " + DEFAULT_EVERY + "). Only with --checkpoint or --resume.")
    String every;

    static final String DEFAULT_EVERY = "10m";

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Carry on the search checkpointed in DIR (and go on writing checkpoints there, unless --checkpoint names another directory): "
                    + "the result is the one a search without a break gives. The model and --no-reductions, --first and --bitstate must be those of the "
                    + "checkpointed search.")
    Path resume;

    @Option(names = "--bitstate", paramLabel = "SIZE", arity = "0..1", fallbackValue = DEFAULT_SIZE, preprocessor = AttachedOnly.class,
            description = "Bit-state hashing (SPIN's supertrace): keep visited states as 3 bits each in an array of SIZE bytes (--bitstate=512M; rounded "
                    + "down to a power of two; default: a quarter of the search's share of the heap). Far more states fit, but some may be missed: "
                    + "the result is never 'safe', it gives an estimated coverage; violations found are real.")
    String bitstate;

    @Option(names = "--off-heap", paramLabel = "SIZE", arity = "0..1", fallbackValue = DEFAULT_SIZE, preprocessor = AttachedOnly.class,
            description = "Keep the visited set off the Java heap, in a file mapped into memory in --spill-dir, growing up to SIZE bytes (--off-heap=16G; "
                    + "default: the machine's memory less the heap, times --memory), so that -Xmx holds only the trace and the frontier. "
                    + "Not with no_deadlock (its graph needs the set on the heap) or --bitstate.")
    String offHeap;

    /** {@code --bitstate FILE} must not take the model file for a size: a size is given only as {@code --bitstate=SIZE} (and so for --off-heap). */
    static final class AttachedOnly implements IParameterPreprocessor {
        @Override
        public boolean preprocess(Stack<String> args, CommandSpec commandSpec, ArgSpec argSpec, Map<String, Object> info) {
            if (" ".equals(info.get("separator"))) {
                args.push(DEFAULT_SIZE);
            }
            return false;
        }
    }

    /** {@code options} with these; {@code events} hears each checkpoint written. Checks the directories and values first. */
    CheckOptions apply(CheckOptions options, Consumer<String> events) {
        CheckOptions o = options.withBitstate(bitstate == null ? 0 : bitstate.equals(DEFAULT_SIZE) ? -1 : bytes("--bitstate", bitstate, 1L << 10, 8L << 30))
                .withOffHeap(offHeap == null ? 0 : offHeap.equals(DEFAULT_SIZE) ? -1 : bytes("--off-heap", offHeap, 1L << 20, 1L << 40));
        long everyNanos = nanos(every == null ? DEFAULT_EVERY : every);
        if (checkpoint == null && resume == null) {
            if (every != null) {
                // Said alone, it would write nothing: the user meant to checkpoint and would lose the run on a kill.
                throw new UserError("--checkpoint-every needs --checkpoint DIR (or --resume DIR): without one there is nowhere to write");
            }
            return o;
        }
        Path dir = checkpoint != null ? checkpoint : resume;
        if (resume != null && !Files.isDirectory(resume)) {
            throw new UserError("--resume " + resume + ": no such directory");
        }
        if (checkpoint != null) {
            if (Files.exists(checkpoint) && !Files.isDirectory(checkpoint)) {
                throw new UserError("--checkpoint " + checkpoint + ": not a directory");
            }
            boolean same = resume != null && sameDirectory(checkpoint, resume);
            if (!same && CheckOptions.Checkpoints.holdsOne(checkpoint)) {
                throw new UserError("--checkpoint " + checkpoint + ": already holds a checkpoint; carry it on with --resume " + checkpoint
                        + ", or remove " + CheckOptions.Checkpoints.file(checkpoint) + " to start afresh");
            }
            try {
                Files.createDirectories(checkpoint);
            } catch (IOException e) {
                throw new UserError("--checkpoint " + checkpoint + ": cannot create the directory (" + e.getMessage() + ")");
            }
        }
        if (!Files.isWritable(dir)) {
            throw new UserError((checkpoint != null ? "--checkpoint " : "--resume ") + dir + ": not a writable directory");
        }
        return o.withCheckpoints(new CheckOptions.Checkpoints(dir, everyNanos, resume, events));
    }

    private static boolean sameDirectory(Path a, Path b) {
        try {
            return Files.isDirectory(a) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*([kmgt]?)(i?b)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,9})?)\\s*(ms|s|m|min|h)?", Pattern.CASE_INSENSITIVE);

    /** A size in bytes from {@code min} to {@code max}: a number, with K, M, G or T for powers of 1024 (64M, 1G, 512KiB). */
    static long bytes(String option, String value, long min, long max) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            throw new UserError(option + " must be a size such as 512M or 2G (got " + value + ")");
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            n = Long.MAX_VALUE;
        }
        if (n > max >> shift || n << shift < min) {
            throw new UserError(option + " must be between " + size(min) + " and " + size(max) + " (got " + value + ")");
        }
        return n << shift;
    }

    private static String size(long bytes) {
        String[] units = {"", "K", "M", "G", "T"};
        int u = 0;
        while (u < units.length - 1 && bytes >= 1024 && bytes % 1024 == 0) {
            bytes /= 1024;
            u++;
        }
        return bytes + units[u];
    }

    /** A duration in nanoseconds: 500ms, 90s, 10m, 2h, or a number of seconds. */
    static long nanos(String value) {
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new UserError("--checkpoint-every must be a duration such as 90s, 10m or 2h (got " + value + ")");
        }
        double unit = switch (m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT)) {
            case "ms" -> 1e6;
            case "m", "min" -> 60e9;
            case "h" -> 3600e9;
            default -> 1e9;
        };
        double nanos = Double.parseDouble(m.group(1)) * unit;
        if (nanos < 1e6 || nanos > 7 * 24 * 3600e9) {
            throw new UserError("--checkpoint-every must be between 1ms and 7 days (got " + value + ")");
        }
        return (long) nanos;
    }
}
