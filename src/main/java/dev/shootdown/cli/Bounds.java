package dev.shootdown.cli;

import dev.shootdown.lang.UserError;
import dev.shootdown.sim.Engine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The values a numeric option or a workload parameter may take. Every numeric option of every
 * command is in one table and is checked on one path ({@link #check(ParseResult)}, before a command
 * runs), so none is silently accepted out of range or lets NaN through; a sweep axis that stands
 * for an option is checked against the option's bounds.
 *
 * @param above whether {@code min} itself is refused (a share or a duration must be more than 0)
 */
record Bounds(double min, boolean above, double max) {
    /** Any value of the option's type (a seed). */
    static final Bounds ANY = new Bounds(Double.NEGATIVE_INFINITY, false, Double.POSITIVE_INFINITY);

    /** The longest run, in simulated seconds, and the fastest tick: the limits SimOptions holds a run to. */
    private static final double MAX_SECONDS = 3600;
    private static final double MAX_TICK_HZ = 100_000;

    /** Every numeric option by its name: an option means the same in every command that has it. */
    static final Map<String, Bounds> OPTIONS = Map.ofEntries(
            Map.entry("--width", between(20, 1000)),
            Map.entry("--max-states", atLeast(1)),
            // Above 0.95 the search's tables would leave the JVM no room to print what was found.
            Map.entry("--memory", above(0, 0.95)),
            Map.entry("--workers", between(1, 256)),
            Map.entry("--cpus", between(1, Engine.MAX_CPUS)),
            Map.entry("--seed", ANY),
            Map.entry("--seeds", between(1, 1000)),
            Map.entry("--seconds", above(0, MAX_SECONDS)),
            Map.entry("--warmup", between(0, MAX_SECONDS)),
            Map.entry("--stall-after", above(0, MAX_SECONDS)),
            Map.entry("--tick-hz", between(0, MAX_TICK_HZ)),
            Map.entry("--threads", between(1, 1024)),
            Map.entry("--repeat", between(1, 10_000)),
            Map.entry("--trace-limit", atLeast(0)),
            Map.entry("--trace-from", between(0, MAX_SECONDS * 1e6)),
            Map.entry("--trace-until", above(0, MAX_SECONDS * 1e6)),
            Map.entry("--port", between(0, 65535)),
            // Interrupts per CPU per second: a million is one a microsecond, more than a CPU could take.
            Map.entry("--device-irq-hz", between(0, 1_000_000)),
            Map.entry("--resched-hz", between(0, 1_000_000)),
            Map.entry("--device-irq-cycles", between(0, 1_000_000_000)),
            Map.entry("--resched-cycles", between(0, 1_000_000_000)));

    /**
     * A workload parameter is a count of cycles (compute and idle take an int) or, for {@code batch},
     * of pages, each a page of the model's address space: thousands already take seconds to compile.
     */
    private static final Bounds PARAMETER = between(0, Integer.MAX_VALUE);
    private static final Map<String, Bounds> PARAMETERS = Map.of("batch", between(1, 1024));

    static Bounds between(double min, double max) {
        return new Bounds(min, false, max);
    }

    static Bounds atLeast(double min) {
        return new Bounds(min, false, Double.POSITIVE_INFINITY);
    }

    static Bounds above(double min, double max) {
        return new Bounds(min, true, max);
    }

    /** The bounds of workload parameter {@code name}. */
    static Bounds parameter(String name) {
        return PARAMETERS.getOrDefault(name, PARAMETER);
    }

    /** The bounds of option {@code name}, which must be in the table. */
    static Bounds option(String name) {
        Bounds b = OPTIONS.get(name);
        if (b == null) {
            throw new IllegalStateException("numeric option " + name + " has no bounds in Bounds.OPTIONS");
        }
        return b;
    }

    /** Whether {@code v} is in bounds; NaN never is. */
    boolean contains(double v) {
        return (above ? v > min : v >= min) && v <= max;
    }

    /** Refuses {@code value} of {@code what} (an option or a parameter), given as {@code given}, when it is out of bounds. */
    void check(String what, double value, String given) {
        if (!contains(value)) {
            throw new UserError(what + " must be " + expected() + " (got " + given + ")");
        }
    }

    /** What the bounds allow, in words: "between 1 and 4096", "at least 1", "above 0 and at most 0.95". */
    String expected() {
        if (above) {
            return "above " + number(min) + " and at most " + number(max);
        }
        return max == Double.POSITIVE_INFINITY ? "at least " + number(min) : "between " + number(min) + " and " + number(max);
    }

    static String number(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /**
     * Checks every numeric option given on the command line of {@code parsed} and its subcommands;
     * a request for help or the version is answered whatever else is on the line.
     */
    static void check(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) {
                return;
            }
        }
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            for (OptionSpec o : p.matchedOptions()) {
                if (numeric(o.type())) {
                    List<String> given = o.originalStringValues();
                    option(o.longestName()).check(o.longestName(), ((Number) o.getValue()).doubleValue(), given.get(given.size() - 1));
                }
            }
        }
    }

    static boolean numeric(Class<?> type) {
        return type == int.class || type == long.class || type == double.class || type == float.class || type == short.class
                || type == byte.class || Number.class.isAssignableFrom(type);
    }
}
