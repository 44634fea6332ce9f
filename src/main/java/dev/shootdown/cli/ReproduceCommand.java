package dev.shootdown.cli;

import dev.shootdown.report.ReproduceReport;
import dev.shootdown.report.SeedRuns;
import dev.shootdown.sim.Experiments;
import dev.shootdown.sim.Profiles;
import dev.shootdown.sim.Protocols;
import dev.shootdown.sim.SimOptions;
import dev.shootdown.sim.SimResult;
import dev.shootdown.sim.Simulation;
import dev.shootdown.sim.Sweep;
import dev.shootdown.sim.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;

@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"Run the built-in experiments and print published against simulated figures.",
                "Published values come from their sources; simulated ones emerge from the cost profiles.",
                "A run that fails or Ctrl-C stops the others; the rows of the runs that finished are still printed, the others named as not run",
                "(with --json: keys partial, stop_reason, missing).",
                "Exit codes: 0 every run done (whatever agrees), 2 bad input, 70 internal error, 130 interrupted (Ctrl-C)."})
final class ReproduceCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--json", description = "Print {\\\"rows\\\": [{source, metric, published, simulated, tolerance, within}]}.")
    boolean json;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of every run (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--seeds", paramLabel = "N", description = {"Run each experiment under N seeds, --seed, --seed + 1, ...: the simulated figure is their mean,",
            "shown ± the half-width of its 95% confidence interval (Student's t, N-1 degrees of freedom); --json adds simulated_ci95 and simulated_seeds."})
    Integer seeds;

    @Option(names = "--threads", paramLabel = "N", description = "Parallel runs (default: the number of processors).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() {
        return reproduce(Experiments.ALL, main.stderrTerminal(), new AtomicBoolean(), (e, s) -> Simulation.run(Protocols.load(e.protocol()),
                Workloads.byName(e.workload()), e.params(), e.cpus(), Profiles.byName(e.profile()), SimOptions.of(e.seconds(), s)));
    }

    /** {@link #reproduce(List, boolean, AtomicBoolean, BiFunction)} of a simulation that takes no seed. */
    int reproduce(List<Experiments.Experiment> experiments, boolean terminal, AtomicBoolean stop, Function<Experiments.Experiment, SimResult> simulate) {
        return reproduce(experiments, terminal, stop, (e, s) -> simulate.apply(e));
    }

    /**
     * Runs what {@code experiments} need with {@code simulate} on a pool, under a progress bar, until
     * every run is done, one fails or {@code stop} is set (Ctrl-C); then prints a row per experiment
     * whose run finished and names the others. Returns the exit code, or throws the failure once printed.
     */
    int reproduce(List<Experiments.Experiment> experiments, boolean terminal, AtomicBoolean stop, BiFunction<Experiments.Experiment, Long, SimResult> simulate) {
        // Experiments that compare several figures of one run share that run; under --seeds a run is one per seed.
        List<Experiments.Experiment> runs = new ArrayList<>();
        List<String> runKeys = new ArrayList<>();
        for (Experiments.Experiment e : experiments) {
            if (!runKeys.contains(runKey(e))) {
                runKeys.add(runKey(e));
                runs.add(e);
            }
        }
        List<Long> seedList = SeedRuns.seeds(seed, seeds == null ? 1 : seeds);
        List<Sweep.Point> points = new ArrayList<>();
        for (int i = 0; i < runs.size() * seedList.size(); i++) {
            points.add(new Sweep.Point(i, Map.of()));
        }
        int n = seedList.size();
        return Interrupts.printBeforeExit(stop, () -> {
            Sweep.Outcome<SimResult> o = ProgressBar.sweep(terminal, "reproduce", "runs", points, threads, stop,
                    p -> simulate.apply(runs.get(p.index() / n), seedList.get(p.index() % n)));
            Map<String, SimResult[]> results = new HashMap<>();
            for (int i = 0; i < o.finished().size(); i++) {
                int index = o.finished().get(i).index();
                results.computeIfAbsent(runKeys.get(index / n), k -> new SimResult[n])[index % n] = o.results().get(i);
            }
            // Every experiment whose runs (each seed's) finished is a row, whatever stopped the others: nothing computed is lost.
            List<ReproduceReport.Row> rows = new ArrayList<>();
            for (Experiments.Experiment e : experiments) {
                SimResult[] bySeed = results.get(runKey(e));
                boolean all = bySeed != null && java.util.Arrays.stream(bySeed).allMatch(java.util.Objects::nonNull);
                rows.add(new ReproduceReport.Row(e, describe(e), all ? List.of(bySeed) : List.of(), seeds != null));
            }
            String stopReason = o.failure() != null ? "run " + describe(runs.get(o.failure().point().index() / n)) + " failed: " + Main.message(o.failure().error())
                    : o.interrupted() ? "interrupted" : null;
            System.out.print(json ? Json.write(ReproduceReport.json(rows, stopReason)) + "\n" : ReproduceReport.text(rows, stopReason));
            System.out.flush();
            if (o.failure() != null) {
                throw o.failure().error();
            }
            return o.complete() ? Main.OK : Main.INTERRUPTED;
        });
    }

    private String describe(Experiments.Experiment e) {
        return e.protocol() + " / " + e.workload() + " / " + e.cpus() + " CPUs / " + e.profile() + " / " + e.seconds() + " s, "
                + (seeds == null ? "seed " + seed : "seeds " + seed + " to " + (seed + seeds - 1));
    }

    private static String runKey(Experiments.Experiment e) {
        return e.protocol() + "|" + e.workload() + "|" + e.cpus() + "|" + e.profile() + "|" + e.seconds() + "|" + e.params();
    }
}
