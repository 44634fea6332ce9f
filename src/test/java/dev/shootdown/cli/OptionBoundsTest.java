package dev.shootdown.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Numeric options and workload parameters: a value out of bounds is one line naming the option and what it takes, exit 2, before anything runs. */
class OptionBoundsTest {
    static final String MODEL = "docs/examples/mprotect-no-wait.sd";

    /** Exit 2, nothing on stdout, and exactly {@code message} on stderr. */
    static void refused(String message, String... args) {
        MainTest.Run r = MainTest.run(args);
        assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.err()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.out()).as(String.join(" ", args)).isEmpty();
        assertThat(r.err()).as(String.join(" ", args)).isEqualTo("shootdown: " + message + "\n");
    }

    @Test
    void aHugeWidthIsRefusedInsteadOfRunningOutOfMemory() {
        // It built a timeline row of 2^31 characters: OutOfMemoryError, a stack trace and exit 1.
        refused("--width must be between 20 and 1000 (got 2147483647)", "check", MODEL, "--width", "2147483647");
        // Below 20 it was silently raised to 20.
        refused("--width must be between 20 and 1000 (got 5)", "check", MODEL, "--width", "5");
        refused("--width must be between 20 and 1000 (got -1)", "check", MODEL, "--width", "-1");
        MainTest.Run wide = MainTest.run("check", MODEL, "--width", "1000");
        assertThat(wide.exit()).isEqualTo(Main.VIOLATION);
        assertThat(wide.out()).contains("-".repeat(1000));
    }

    @Test
    void aSweepAxisWithAnEmptyValueIsRefusedNotACrash() {
        // cpus=, and the like made a sweep of no points and an IndexOutOfBoundsException (exit 70); cpus=2, ran cpus=2 as if it were all.
        for (String axis : List.of("cpus=,", "cpus=,,", "cpus=2,")) {
            refused("--sweep " + axis + ": an empty value (expected NAME=V1,V2,..., e.g. cpus=2,4,8)", "simulate", "linux-ipi", "--workload", "munmap", "--sweep", axis);
        }
        for (String axis : List.of("seed=,", "profile=,")) {
            refused("--sweep " + axis + ": an empty value (expected NAME=V1,V2,..., e.g. cpus=2,4,8)",
                    "simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--sweep", axis);
        }
    }

    @Test
    void threadsBelowOneAreRefused() {
        refused("--threads must be between 1 and 1024 (got 0)", "simulate", "linux-ipi", "--workload", "munmap", "--sweep", "cpus=2", "--threads", "0");
        refused("--threads must be between 1 and 1024 (got -1)", "simulate", "linux-ipi", "--workload", "munmap", "--sweep", "cpus=2", "--threads", "-1");
        refused("--threads must be between 1 and 1024 (got 0)", "reproduce", "--threads", "0");
    }

    @Test
    void aWorkloadParameterOutOfItsBoundsIsRefusedByName() {
        String[] run = {"simulate", "linux-ipi", "--cpus", "2", "--seconds", "0.0002", "--workload"};
        // A negative cycle count was accepted (time ran backwards in compute()).
        refused("workload parameter user_cycles must be between 0 and 2147483647 (got -5)", MergeCommandTest.plus(run, "munmap", "--param", "user_cycles=-5"));
        refused("workload parameter user_cycles must be between 0 and 2147483647 (got 3000000000)",
                MergeCommandTest.plus(run, "munmap", "--param", "user_cycles=3000000000"));
        // batch is a count of pages: 0 reclaimed nothing, silently; 10^11 was a NumberFormatException (exit 70); 10^5 ran out of memory compiling.
        refused("workload parameter batch must be between 1 and 1024 (got 0)", MergeCommandTest.plus(run, "reclaim", "--param", "batch=0"));
        refused("workload parameter batch must be between 1 and 1024 (got 99999999999)", MergeCommandTest.plus(run, "reclaim", "--param", "batch=99999999999"));
        refused("workload parameter batch must be between 1 and 1024 (got 100000)", MergeCommandTest.plus(run, "reclaim", "--param", "batch=100000"));
        refused("workload parameter user_cycles=abc: expected a whole number", MergeCommandTest.plus(run, "munmap", "--param", "user_cycles=abc"));
        refused("--param bogus: workload munmap has no parameter bogus (it has other_procs, switch_cycles, user_cycles)", MergeCommandTest.plus(run, "munmap", "--param", "bogus=1"));
        // On a sweep axis, every value is checked before the first point runs.
        refused("workload parameter user_cycles must be between 0 and 2147483647 (got -2)",
                "simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--sweep", "user_cycles=1000,-2", "--json");
        assertThat(MainTest.run(MergeCommandTest.plus(run, "reclaim", "--param", "batch=1")).exit()).isZero();
        assertThat(MainTest.run(MergeCommandTest.plus(run, "munmap", "--param", "user_cycles=0")).exit()).isZero();
    }

    @Test
    void cpusZeroSaysItMustBeAtLeastOneAndNoCpusSaysTheyAreRequired() {
        // --cpus 0 said "--cpus N is required", as if it had not been given.
        refused("--cpus must be between 1 and 4096 (got 0)", "simulate", "linux-ipi", "--workload", "munmap", "--cpus", "0");
        refused("--cpus must be between 1 and 4096 (got 0)", "simulate", "linux-ipi", "--workload", "munmap", "--cpus", "0", "--sweep", "seed=1,2");
        refused("--cpus N is required (or --sweep cpus=...)", "simulate", "linux-ipi", "--workload", "munmap");
        // A sweep without cpus said "--cpus must be between 1 and 4096 (got 0)".
        refused("--cpus N is required (or --sweep cpus=...)", "simulate", "linux-ipi", "--workload", "munmap", "--sweep", "seed=1,2");
        refused("--cpus N is required (or --sweep cpus=...)", "simulate", "linux-ipi", "--workload", "munmap", "--shard", "1/2");
        refused("--cpus must be between 1 and 4096 (got 0)", "simulate", "linux-ipi", "--workload", "munmap", "--sweep", "cpus=2,0");
    }

    @Test
    void anUnknownSweepAxisIsReportedBeforeTheMissingCpus() {
        // It said "--cpus must be between 1 and 4096 (got 0)" and never named the axis.
        refused("--sweep bogus=1,2: unknown axis (expected cpus, profile, seconds, seed, tick_hz, tick_skew, a param of the protocol, or a parameter of workload munmap; it has other_procs, switch_cycles, user_cycles)",
                "simulate", "linux-ipi", "--workload", "munmap", "--sweep", "bogus=1,2");
        refused("--sweep batch=1: unknown axis (expected cpus, profile, seconds, seed, tick_hz, tick_skew, a param of the protocol, or a parameter of workload tlb_flush2; it has lru_hold_cycles)",
                "simulate", "linux-ipi", "--workload", "tlb_flush2", "--cpus", "2", "--sweep", "batch=1");
    }

    @Test
    void memoryThatIsNotANumberOrOutOfRangeIsRefused() {
        // NaN passed both comparisons and switched the memory guard off.
        for (String bad : List.of("NaN", "Infinity", "-Infinity", "0", "-0.5", "0.96", "1", "1e400")) {
            refused("--memory must be above 0 and at most 0.95 (got " + bad + ")", "check", MODEL, "--memory", bad);
            refused("--memory must be above 0 and at most 0.95 (got " + bad + ")", "catalog", "--memory", bad);
        }
        assertThat(MainTest.run("check", MODEL, "--memory", "0.95").exit()).isEqualTo(Main.VIOLATION);
    }

    @Test
    void theOtherCommandsNumericOptionsAreCheckedTheSameWay() {
        // bench ran --seconds NaN and --tick-hz -5 into an IllegalArgumentException (exit 70), --warmup -1 and NaN silently.
        refused("--seconds must be above 0 and at most 3600 (got NaN)", "bench", "--seconds", "NaN");
        refused("--tick-hz must be between 0 and 100000 (got -5)", "bench", "--tick-hz", "-5");
        refused("--warmup must be between 0 and 3600 (got -1)", "bench", "--warmup", "-1");
        refused("--warmup must be between 0 and 3600 (got NaN)", "bench", "--warmup", "NaN");
        // bench --cpus 0 blamed the workload; 5000 blamed a line of the protocol file.
        refused("--cpus must be between 1 and 4096 (got 0)", "bench", "--cpus", "0");
        refused("--cpus must be between 1 and 4096 (got 5000)", "bench", "--cpus", "5000");
        refused("--trace-limit must be at least 0 (got -1)", "simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--trace", "t.json", "--trace-limit", "-1");
        refused("--trace-from must be between 0 and 3600000000 (got NaN)", "simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--trace", "t.json",
                "--trace-from", "NaN");
        refused("--port must be between 0 and 65535 (got 70000)", "view", "t.json", "--port", "70000");
        // A sweep axis that stands for an option takes what the option takes.
        refused("--seconds must be above 0 and at most 3600 (got NaN)", "simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--sweep", "seconds=NaN");
        refused("--tick-hz must be between 0 and 100000 (got 1e9)", "simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--sweep", "tick_hz=0,1e9");
    }

    /** Every command of the CLI, subcommands ({@code bench check}) too. */
    static List<CommandLine> commands() {
        List<CommandLine> all = new ArrayList<>();
        addWithSubcommands(new CommandLine(new Main(false)).getSubcommands().values(), all);
        return all;
    }

    private static void addWithSubcommands(java.util.Collection<CommandLine> commands, List<CommandLine> all) {
        for (CommandLine c : commands) {
            all.add(c);
            addWithSubcommands(c.getSubcommands().values(), all);
        }
    }

    @Test
    void everyNumericOptionOfEveryCommandHasBoundsAndTheTableNoOthers() {
        Set<String> numeric = new TreeSet<>();
        for (CommandLine c : commands()) {
            for (OptionSpec o : c.getCommandSpec().options()) {
                if (Bounds.numeric(o.type())) {
                    numeric.add(o.longestName());
                }
            }
        }
        assertThat(numeric).as("numeric options").contains("--width", "--memory", "--cpus", "--threads", "--port");
        assertThat(new TreeSet<>(Bounds.OPTIONS.keySet())).isEqualTo(numeric);
    }

    /**
     * Each numeric option of each command, given a value just outside its bounds (and NaN and infinity if it is
     * a decimal), is refused before the command looks at anything else: the files named need not exist.
     */
    @Test
    void everyNumericOptionRefusesValuesOutsideItsBounds() {
        int checked = 0;
        for (CommandLine c : commands()) {
            String[] path = c.getCommandSpec().qualifiedName().split(" "); // shootdown bench check
            List<String> base = new ArrayList<>(List.of(path).subList(1, path.length));
            for (PositionalParamSpec p : c.getCommandSpec().positionalParameters()) {
                for (int i = 0; i < p.arity().min(); i++) {
                    base.add("no-such-file");
                }
            }
            for (OptionSpec o : c.getCommandSpec().options()) {
                if (o.required()) {
                    base.addAll(List.of(o.longestName(), "x"));
                }
            }
            for (OptionSpec o : c.getCommandSpec().options()) {
                if (!Bounds.numeric(o.type())) {
                    continue;
                }
                Bounds b = Bounds.option(o.longestName());
                for (String bad : outside(b, o.type())) {
                    refused(o.longestName() + " must be " + b.expected() + " (got " + bad + ")", MergeCommandTest.plus(base.toArray(String[]::new), o.longestName(), bad));
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(20);
    }

    /** Values of {@code type} just outside {@code b}; NaN and the infinities for a decimal type. */
    private static List<String> outside(Bounds b, Class<?> type) {
        boolean decimal = type == double.class || type == Double.class || type == float.class || type == Float.class;
        long typeMax = type == int.class || type == Integer.class ? Integer.MAX_VALUE : Long.MAX_VALUE;
        List<String> values = new ArrayList<>();
        if (b.min() != Double.NEGATIVE_INFINITY) {
            values.add(decimal ? (b.above() ? Bounds.number(b.min()) : Bounds.number(b.min() - 0.001)) : Long.toString((long) b.min() - (b.above() ? 0 : 1)));
        }
        if (b.max() != Double.POSITIVE_INFINITY && (decimal || b.max() < typeMax)) {
            values.add(decimal ? Bounds.number(b.max() + 0.001) : Long.toString((long) b.max() + 1));
        }
        if (decimal) {
            values.addAll(List.of("NaN", "Infinity", "-Infinity"));
        }
        return values;
    }
}
