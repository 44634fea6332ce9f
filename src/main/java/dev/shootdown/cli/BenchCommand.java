package dev.shootdown.cli;

import dev.shootdown.sim.Profile;
import dev.shootdown.sim.Profiles;
import dev.shootdown.sim.Protocols;
import dev.shootdown.sim.SimOptions;
import dev.shootdown.sim.SimResult;
import dev.shootdown.sim.Simulation;
import dev.shootdown.sim.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = BenchCheckCommand.class,
        description = {"Measure the simulator itself: simulated events per second and the time of a large run",
                "(default: 1024 CPUs x 1 simulated second of workload munmap under the Linux IPI protocol).",
                "Reports wall time and the simulating thread's CPU time (wall time also counts whatever else the machine runs).",
                "'bench check' measures the checker instead (see bench check --help)."})
final class BenchCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--protocol", paramLabel = "FILE", description = "Protocol file or shipped name (default: ${DEFAULT-VALUE}).")
    String protocol = "linux-ipi";

    @Option(names = "--workload", paramLabel = "NAME", description = "Workload (default: ${DEFAULT-VALUE}).")
    String workload = "munmap";

    @Option(names = "--cpus", paramLabel = "N", description = "CPUs (default: ${DEFAULT-VALUE}).")
    int cpus = 1024;

    @Option(names = "--seconds", paramLabel = "T", description = "Simulated seconds (default: ${DEFAULT-VALUE}).")
    double seconds = 1.0;

    @Option(names = "--profile", paramLabel = "NAME", description = "Profile: a built-in or the path of a profile file (default: ${DEFAULT-VALUE}).")
    String profile = "skylake";

    @Option(names = "--warmup", paramLabel = "T", description = "Simulated seconds of a first, untimed run of the same machine that warms the JIT (default: ${DEFAULT-VALUE}).")
    double warmup = 0.02;

    @Option(names = "--tick-hz", paramLabel = "HZ", description = "Timer ticks per second on a busy CPU, 0 for none (default: ${DEFAULT-VALUE}).")
    double tickHz = SimOptions.DEFAULT_TICK_HZ;

    @Option(names = "--repeat", paramLabel = "N", description = {"Time the run N times (default: ${DEFAULT-VALUE}) and report the median by CPU time, with every run's "
            + "times: a shared machine's speed swings from minute to minute."})
    int repeat = 1;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        Profile p = Profiles.byName(profile);
        var source = Protocols.load(protocol);
        var w = Workloads.byName(workload);
        // Ctrl-C stops the run under way; the runs that finished are still reported (marked partial).
        AtomicBoolean stop = new AtomicBoolean();
        return Interrupts.printBeforeExit(stop, () -> {
            SimOptions.Progress stopped = (cycles, end) -> stop.get();
            if (warmup > 0) {
                Simulation.run(source, w, Map.of(), cpus, p, SimOptions.of(warmup, 1).withTickHz(tickHz).withProgress(stopped));
            }
            List<SimResult> runs = new ArrayList<>();
            List<Double> totals = new ArrayList<>();
            for (int i = 0; i < repeat && !stop.get(); i++) {
                long start = System.nanoTime();
                SimResult r = Simulation.run(source, w, Map.of(), cpus, p, SimOptions.of(seconds, 1).withTickHz(tickHz).withProgress(stopped));
                if (r.stall() == null || !stop.get()) { // a run Ctrl-C cut short times nothing whole
                    runs.add(r);
                    totals.add((System.nanoTime() - start) / 1e9);
                }
            }
            if (runs.isEmpty()) {
                System.err.println("bench: interrupted before a timed run finished");
                return Main.INTERRUPTED;
            }
            report(runs, totals, source.name(), w.name(), p.name(), stop.get());
            return stop.get() ? Main.INTERRUPTED : Main.OK;
        });
    }

    /** Prints the median run's figures and, for several runs, every run's times; {@code partial} after Ctrl-C. */
    private void report(List<SimResult> runs, List<Double> totals, String protocolName, String workloadName, String profileName, boolean partial) {
        int count = runs.size();
        // The median run by CPU time (the lower middle one of an even count): every run simulates the same events.
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> runs.get(i).cpuSeconds()));
        int median = order[(count - 1) / 2];
        SimResult r = runs.get(median);
        double total = totals.get(median);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protocol", protocolName);
        m.put("workload", workloadName);
        m.put("profile", profileName);
        m.put("cpus", cpus);
        // The JVM matters to the figures (Temurin 25 runs the same jar faster than OpenJDK 17).
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("simulated_seconds", r.simulatedSeconds());
        m.put("events", r.events());
        m.put("machine_events", r.machineEvents());
        m.put("wall_seconds_with_compile", total);
        m.put("wall_seconds", r.wallSeconds());
        m.put("cpu_seconds", r.cpuSeconds());
        m.put("events_per_wall_second", r.events() / r.wallSeconds());
        m.put("events_per_cpu_second", r.events() / r.cpuSeconds());
        m.put("machine_events_per_cpu_second", r.machineEvents() / r.cpuSeconds());
        if (partial) {
            m.put("partial", true);
            m.put("stop_reason", "interrupted after " + count + " of " + repeat + " runs");
        }
        if (repeat > 1) {
            List<Map<String, Object>> each = new ArrayList<>();
            for (SimResult x : runs) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("cpu_seconds", x.cpuSeconds());
                e.put("wall_seconds", x.wallSeconds());
                e.put("events_per_cpu_second", x.events() / x.cpuSeconds());
                each.add(e);
            }
            m.put("runs", each);
        }
        if (json) {
            System.out.println(Json.write(m));
        } else {
            for (Map.Entry<String, Object> e : m.entrySet()) {
                Object v = e.getValue();
                if (v instanceof List<?> list) {
                    // One line per run: CPU seconds, wall seconds, events per CPU second.
                    for (int i = 0; i < list.size(); i++) {
                        Map<?, ?> x = (Map<?, ?>) list.get(i);
                        System.out.println(String.format(Locale.ROOT, "%-32s %.3f cpu s, %.3f wall s, %,.0f events per cpu s", "run " + (i + 1),
                                x.get("cpu_seconds"), x.get("wall_seconds"), x.get("events_per_cpu_second")));
                    }
                    continue;
                }
                System.out.println(String.format(Locale.ROOT, "%-32s %s", e.getKey(), v instanceof Double d ? String.format(Locale.ROOT, "%,.3f", d) : v));
            }
        }
    }
}
