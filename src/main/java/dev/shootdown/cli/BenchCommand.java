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

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure the simulator itself: simulated events per second and the time of a large run",
                "(default: 1024 CPUs x 1 simulated second of workload munmap under the Linux IPI protocol).",
                "Reports wall time and the simulating thread's CPU time (wall time also counts whatever else the machine runs)."})
final class BenchCommand implements Callable<Integer> {
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

    @Option(names = "--warmup", paramLabel = "T", description = "Simulated seconds of a first, untimed run that warms the JIT (default: ${DEFAULT-VALUE}).")
    double warmup = 0.02;

    @Option(names = "--tick-hz", paramLabel = "HZ", description = "Timer ticks per second on a busy CPU, 0 for none (default: ${DEFAULT-VALUE}).")
    double tickHz = SimOptions.DEFAULT_TICK_HZ;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        Profile p = Profiles.byName(profile);
        var source = Protocols.load(protocol);
        var w = Workloads.byName(workload);
        if (warmup > 0) {
            Simulation.run(source, w, Map.of(), Math.min(cpus, 64), p, SimOptions.of(warmup, 1).withTickHz(tickHz));
        }
        long start = System.nanoTime();
        SimResult r = Simulation.run(source, w, Map.of(), cpus, p, SimOptions.of(seconds, 1).withTickHz(tickHz));
        double total = (System.nanoTime() - start) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protocol", source.name());
        m.put("workload", w.name());
        m.put("profile", p.name());
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
        if (json) {
            System.out.println(Json.write(m));
        } else {
            for (Map.Entry<String, Object> e : m.entrySet()) {
                Object v = e.getValue();
                System.out.println(String.format(Locale.ROOT, "%-32s %s", e.getKey(), v instanceof Double d ? String.format(Locale.ROOT, "%,.3f", d) : v));
            }
        }
        return Main.OK;
    }
}
