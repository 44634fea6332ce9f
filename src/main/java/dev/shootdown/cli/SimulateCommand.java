package dev.shootdown.cli;

import dev.shootdown.lang.UserError;
import dev.shootdown.report.SimReport;
import dev.shootdown.sim.Profile;
import dev.shootdown.sim.Profiles;
import dev.shootdown.sim.Protocols;
import dev.shootdown.sim.SimOptions;
import dev.shootdown.sim.SimResult;
import dev.shootdown.sim.Simulation;
import dev.shootdown.sim.Workload;
import dev.shootdown.sim.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Run a protocol under a workload on a timed hardware model and report what it costs.",
                "The protocol file is the one the checker runs: its cpu/check lines are replaced by the workload's programs for N CPUs.",
                "Protocol convention: the first mm is the workload's process; proc munmap(va) (workloads munmap, tlb_flush2, server),",
                "proc flush_batch() (reclaim), optional proc enter_lazy()/leave_lazy() (server).",
                "Workloads: munmap, tlb_flush2, server, reclaim, or the path of a snippet (.sdw).",
                "Profiles: skylake, p3, milan, arm64.",
                "Exit codes: 0 done, 2 bad input."})
final class SimulateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The protocol file (.sd), or the name of a shipped protocol (linux-ipi, invlpgb, dfly-cpusync).")
    String file;

    @Option(names = "--workload", required = true, paramLabel = "NAME", description = "A built-in workload or the path of a workload snippet.")
    String workload;

    @Option(names = "--cpus", required = true, paramLabel = "N", description = "How many CPUs (up to 1024).")
    int cpus;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the run's random choices (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--seconds", paramLabel = "T", description = "Simulated seconds (default: ${DEFAULT-VALUE}).")
    double seconds = 1.0;

    @Option(names = "--profile", paramLabel = "NAME", description = "Hardware cost profile (default: ${DEFAULT-VALUE}).")
    String profile = "skylake";

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "A workload parameter (repeatable), e.g. user_cycles=500000.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Mixin
    SimOutputs outputs = new SimOutputs();

    @Override
    public Integer call() {
        if (cpus < 1 || cpus > 1024) {
            throw new UserError("--cpus must be between 1 and 1024");
        }
        if (!(seconds > 0) || seconds > 3600) {
            throw new UserError("--seconds must be above 0 and at most 3600");
        }
        Profile p = Profiles.byName(profile);
        Workload w = Workloads.byName(workload);
        SimResult r = outputs.run(file + " " + w.name() + ", " + cpus + " CPUs, " + p.name() + ", seed " + seed, cpus, p,
                trace -> Simulation.run(Protocols.load(file), w, params, cpus, p, new SimOptions(seconds, seed, trace)));
        System.out.print(json ? Json.write(SimReport.json(r)) + "\n" : SimReport.text(r));
        System.out.flush();
        return outputs.writeFiles(r);
    }
}
