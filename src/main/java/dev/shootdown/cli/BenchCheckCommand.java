package dev.shootdown.cli;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.UserError;
import dev.shootdown.model.Compiler;
import dev.shootdown.model.Program;
import dev.shootdown.model.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Measure the checker itself: check each benchmark model (bench/index.txt) in this JVM, --repeat times, and report per model "
                + "its verdict, states, transitions, the median wall time, states per second and the heap it used.",
                "The runs go in rounds (every model once, then again), so a slow minute of a shared machine falls on several models rather than "
                        + "on all the runs of one. The first round also warms the JIT: quote medians of 3 runs or more, and ratios measured in one sitting.",
                "Peak heap: the most the heap held during a run (before each garbage collection and at the end, from the collectors' notifications), "
                        + "garbage included, so it depends on the heap size (-Xmx) and the collector. Bytes/state: (peak heap - heap in use before the run, "
                        + "after a full collection) / states.",
                "Exit codes: 0 every verdict is the expected one, 1 a verdict differs from the expected one, 2 bad input or usage, "
                        + "3 a search was incomplete (--max-states, memory), 130 interrupted (Ctrl-C; the runs that finished are reported)."})
final class BenchCheckCommand implements Callable<Integer> {
    /**
     * Below this growth of the heap a run's bytes per state are not shown: the heap is counted in the
     * collector's regions (1 to 32 MiB under G1), and a small search may not fill one.
     */
    static final long MEASURABLE_HEAP = 32L << 20;

    @ParentCommand
    BenchCommand bench;

    @Option(names = "--repeat", paramLabel = "N", description = "Check every model N times and report the medians (default: ${DEFAULT-VALUE}).")
    int repeat = 5;

    @Option(names = "--all", description = "Every shipped model, the large ones too (minutes, and a few GiB of heap); default: the quick set, under a minute.")
    boolean all;

    @Option(names = "--models", paramLabel = "NAME", split = ",",
            description = "The models to run, in this order: shipped models by name or glob (tlb-N5-*), model files (.sd) or directories of them; "
                    + "comma-separated or repeated.")
    List<String> models;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as one JSON object to FILE (written whole or not at all).")
    Path json;

    @Mixin
    SearchLimits limits = new SearchLimits();

    /** One model: its program, and the runs measured so far, with their medians. */
    private static final class Bench {
        final BenchModels.Model model;
        final Program program;
        final Verdict expected;
        final List<Run> runs = new ArrayList<>();

        Bench(BenchModels.Model model, Program program) {
            this.model = model;
            this.program = program;
            this.expected = model.expected() != null ? model.expected() : program.meta().expected();
        }

        /** The first run's result: every run searches the same graph. */
        CheckResult result() {
            return runs.get(0).result();
        }

        /** Whether every run's verdict is the expected one (an incomplete search that found nothing has no verdict to disagree with). */
        boolean agrees() {
            return expected == null || runs.stream().map(Run::result).allMatch(r -> r.verdict() == expected || r.violations().isEmpty() && !r.complete());
        }

        /** The verdict as the table shows it: an incomplete search that found nothing is no "safe". */
        String verdict() {
            CheckResult r = result();
            String v = r.violations().isEmpty() && !r.complete() ? "incomplete" : r.verdict().word();
            return agrees() ? v : v + " (expected " + expected.word() + ")";
        }

        double median(ToDoubleFunction<Run> f) {
            return BenchCheckCommand.median(runs.stream().mapToDouble(f).toArray());
        }

        double wallSeconds() {
            return median(Run::wallSeconds);
        }

        long peakHeap() {
            return (long) median(r -> r.heap().peakBytes());
        }

        /** How much more the heap held at its fullest than before the run. */
        long heapGrowth() {
            return peakHeap() - (long) median(r -> r.heap().baselineBytes());
        }

        double bytesPerState() {
            return (double) heapGrowth() / Math.max(1, result().stats().states());
        }
    }

    /** One timed check: its result, its wall time (search and counterexample) and the heap it used. */
    private record Run(CheckResult result, double wallSeconds, HeapPeak.Measure heap) {}

    @Override
    public Integer call() {
        if (all && models != null) {
            throw new UserError("bench check: give --all or --models, not both");
        }
        List<BenchModels.Model> shipped = BenchModels.shipped();
        List<BenchModels.Model> chosen = models != null ? BenchModels.select(shipped, models)
                : shipped.stream().filter(m -> all || m.quick()).toList();
        // Every model is compiled before the first search: a mistake in one costs no search of the others.
        List<Bench> benches = chosen.stream().map(m -> new Bench(m, Compiler.compile(Parser.parse(m.source())))).toList();
        CheckOptions options = limits.options();
        boolean terminal = bench.main.stderrTerminal();
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return Interrupts.printBeforeExit(options.stop(), () -> {
            int round = 0;
            RuntimeException failure = null;
            String failed = null;
            rounds:
            for (; round < repeat; round++) {
                for (Bench b : benches) {
                    String label = "bench check " + (round + 1) + "/" + repeat + " " + b.model.name();
                    ProgressLine progress = new ProgressLine(System.err, terminal, label);
                    Run run;
                    try {
                        run = time(b.program, options.withProgress(progress));
                    } catch (RuntimeException ex) {
                        failure = ex;
                        failed = b.model.name();
                        break rounds;
                    } finally {
                        progress.clear();
                    }
                    if (options.stop().get() && !run.result().complete()) {
                        break rounds; // Ctrl-C cut this run short: it times nothing whole
                    }
                    b.runs.add(run);
                    if (!terminal) {
                        // A CI log gets a line per run, so a slow or stuck model is easy to place.
                        System.err.println(String.format(Locale.ROOT, "%s: %.3f s", label, run.wallSeconds()));
                    }
                    if (options.stop().get()) {
                        break rounds;
                    }
                }
            }
            // The runs measured are printed whatever stopped the others: nothing computed is lost.
            String stopReason = failure != null ? failed + " failed in round " + (round + 1) + ": " + Main.message(failure)
                    : round < repeat ? "interrupted in round " + (round + 1) + " of " + repeat : null;
            System.out.print(text(benches, stopReason));
            System.out.flush();
            if (json != null && !OutputFile.write(json, Json.write(jsonReport(benches, started, stopReason)) + "\n")) {
                return Main.BAD_INPUT;
            }
            if (failure != null) {
                throw failure;
            }
            if (stopReason != null) {
                return Main.INTERRUPTED;
            }
            if (benches.stream().anyMatch(b -> !b.agrees())) {
                return Main.VIOLATION;
            }
            return benches.stream().allMatch(b -> b.runs.stream().allMatch(r -> r.result().complete())) ? Main.OK : Main.INCOMPLETE;
        });
    }

    /** One check of {@code program} as {@code check} makes it: the search, then the shortest counterexample's rebuild. */
    private static Run time(Program program, CheckOptions options) {
        try (HeapPeak heap = HeapPeak.start()) {
            long start = System.nanoTime();
            BfsExplorer explorer = new BfsExplorer(program, options);
            CheckResult result = explorer.run();
            if (!result.violations().isEmpty()) {
                explorer.rebuilder().rebuild(result.violations().get(0));
            }
            double wall = (System.nanoTime() - start) / 1e9;
            return new Run(result, wall, heap.stop());
        }
    }

    /** The JSON object: the machine, then per model its verdict and medians and every run's figures. */
    private Map<String, Object> jsonReport(List<Bench> benches, Instant started, String stopReason) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("started", started.toString());
        m.put("jvm", jvm());
        m.put("processors", Runtime.getRuntime().availableProcessors());
        m.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        m.put("collectors", HeapPeak.collectors());
        m.put("repeat", repeat);
        m.put("heap_measure", "peak_heap_bytes: the most the heap held during a run, before each garbage collection and at its end (garbage included); "
                + "live_heap_bytes: the most that survived a collection during the run (-1: none ran); "
                + "bytes_per_state: (peak_heap_bytes - baseline_heap_bytes) / states; each the median over the runs");
        if (stopReason != null) {
            m.put("partial", true);
            m.put("stop_reason", stopReason);
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (Bench b : benches) {
            if (b.runs.isEmpty()) {
                continue;
            }
            CheckResult r = b.result();
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", b.model.name());
            e.put("file", b.model.source().name());
            e.put("expected", b.expected == null ? null : b.expected.word());
            e.put("verdict", r.verdictWord());
            e.put("agrees", b.agrees());
            e.put("complete", r.complete());
            if (r.stopReason() != null) {
                e.put("stop_reason", r.stopReason());
            }
            e.put("states", r.stats().states());
            e.put("transitions", r.stats().transitions());
            e.put("depth", r.stats().depth());
            e.put("wall_seconds", b.wallSeconds());
            e.put("states_per_second", r.stats().states() / b.wallSeconds());
            e.put("peak_heap_bytes", b.peakHeap());
            e.put("live_heap_bytes", (long) b.median(x -> x.heap().liveBytes()));
            e.put("baseline_heap_bytes", (long) b.median(x -> x.heap().baselineBytes()));
            e.put("bytes_per_state", b.bytesPerState());
            List<Map<String, Object>> runs = new ArrayList<>();
            for (Run x : b.runs) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("wall_seconds", x.wallSeconds());
                one.put("search_seconds", x.result().stats().seconds());
                one.put("peak_heap_bytes", x.heap().peakBytes());
                one.put("live_heap_bytes", x.heap().liveBytes());
                one.put("baseline_heap_bytes", x.heap().baselineBytes());
                runs.add(one);
            }
            e.put("runs", runs);
            list.add(e);
        }
        m.put("models", list);
        List<String> missing = missing(benches);
        if (!missing.isEmpty()) {
            m.put("missing", missing);
        }
        return m;
    }

    /** The table for people. */
    private String text(List<Bench> benches, String stopReason) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "bench check: %s, %d processors, heap max %,d MiB (%s); medians of %d run(s)%n", jvm(),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, String.join(", ", HeapPeak.collectors()), repeat));
        String row = "%-24s %-20s %12s %13s %8s %17s %11s %10s %8s%n";
        out.append(String.format(Locale.ROOT, row, "model", "verdict", "states", "transitions", "wall s", "(min-max)", "states/s", "peak heap", "B/state"));
        for (Bench b : benches) {
            if (b.runs.isEmpty()) {
                continue;
            }
            CheckResult r = b.result();
            double[] walls = b.runs.stream().mapToDouble(Run::wallSeconds).toArray();
            out.append(String.format(Locale.ROOT, row, b.model.name(), b.verdict(), String.format(Locale.ROOT, "%,d", r.stats().states()),
                    String.format(Locale.ROOT, "%,d", r.stats().transitions()), String.format(Locale.ROOT, "%.3f", b.wallSeconds()),
                    String.format(Locale.ROOT, "(%.3f-%.3f)", Arrays.stream(walls).min().orElseThrow(), Arrays.stream(walls).max().orElseThrow()),
                    String.format(Locale.ROOT, "%,.0f", r.stats().states() / b.wallSeconds()), String.format(Locale.ROOT, "%,d MiB", b.peakHeap() >> 20),
                    b.heapGrowth() < MEASURABLE_HEAP ? "-" : String.format(Locale.ROOT, "%,.0f", b.bytesPerState())));
            if (r.stopReason() != null) {
                out.append("  stopped: ").append(r.stopReason()).append('\n');
            }
        }
        out.append("wall s: the search and the counterexample's rebuild; states/s: states / the median wall s; peak heap: the most the heap\n"
                + "held during a run, garbage included (see --help); B/state: (peak heap - heap in use before the run) / states,\n"
                + "not shown (-) where the heap grew by less than 32 MiB.\n");
        if (stopReason != null) {
            List<String> missing = missing(benches);
            out.append("partial: ").append(stopReason).append(missing.isEmpty() ? "" : "; not run: " + String.join(", ", missing)).append('\n');
        }
        return out.toString();
    }

    private static List<String> missing(List<Bench> benches) {
        return benches.stream().filter(b -> b.runs.isEmpty()).map(b -> b.model.name()).toList();
    }

    private static String jvm() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }

    /** The median of {@code values}: the middle one, or the mean of the middle two. */
    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
