package dev.shootdown.cli;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"Run the built-in experiments and print published against simulated figures.",
                "Published values come from their sources; simulated ones emerge from the cost profiles. Exit 0 whatever agrees."})
final class ReproduceCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--json", description = "Print {\\\"rows\\\": [{source, metric, published, simulated, tolerance, within}]}.")
    boolean json;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of every run (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--threads", paramLabel = "N", description = "Parallel runs (default: the number of processors).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() {
        // Experiments that compare several figures of one run share that run.
        List<String> runKeys = new ArrayList<>();
        List<Experiments.Experiment> distinct = new ArrayList<>();
        for (Experiments.Experiment e : Experiments.ALL) {
            String key = runKey(e);
            if (!runKeys.contains(key)) {
                runKeys.add(key);
                distinct.add(e);
            }
        }
        List<Sweep.Point> points = new ArrayList<>();
        for (int i = 0; i < distinct.size(); i++) {
            points.add(new Sweep.Point(i, Map.of()));
        }
        List<SimResult> results = ProgressBar.run(main.stderrTerminal(), "reproduce", "runs", points.size(), threads, bar -> Sweep.run(points, threads, bar.counting(p -> {
            Experiments.Experiment e = distinct.get(p.index());
            return Simulation.run(Protocols.load(e.protocol()), Workloads.byName(e.workload()), e.params(), e.cpus(), Profiles.byName(e.profile()),
                    SimOptions.of(e.seconds(), seed));
        })));
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> runs = new ArrayList<>();
        for (Experiments.Experiment e : Experiments.ALL) {
            double simulated = e.simulated().applyAsDouble(results.get(runKeys.indexOf(runKey(e))));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("source", e.source());
            row.put("metric", e.metric());
            row.put("published", e.published());
            row.put("simulated", simulated);
            row.put("tolerance", e.tolerance());
            row.put("within", Math.abs(simulated - e.published()) <= e.tolerance());
            rows.add(row);
            runs.add(e.protocol() + " / " + e.workload() + " / " + e.cpus() + " CPUs / " + e.profile() + " / " + e.seconds() + " s, seed " + seed);
        }
        if (json) {
            System.out.println(Json.write(Map.of("rows", rows)));
        } else {
            for (int i = 0; i < rows.size(); i++) {
                Map<String, Object> r = rows.get(i);
                System.out.println(r.get("source"));
                System.out.println(String.format(Locale.ROOT, "    %-28s published %-12s simulated %-12s tolerance %-10s %s   [%s]", r.get("metric"),
                        fmt((Double) r.get("published")), fmt((Double) r.get("simulated")), fmt((Double) r.get("tolerance")),
                        (Boolean) r.get("within") ? "WITHIN" : "OUTSIDE", runs.get(i)));
            }
        }
        return Main.OK;
    }

    private static String runKey(Experiments.Experiment e) {
        return e.protocol() + "|" + e.workload() + "|" + e.cpus() + "|" + e.profile() + "|" + e.seconds() + "|" + e.params();
    }

    private static String fmt(double v) {
        return Math.abs(v) >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
