package dev.shootdown.sim;

import dev.shootdown.lang.SourceFile;
import dev.shootdown.model.Program;

import java.util.Map;

/** One run: compose protocol and workload for N CPUs, simulate on a profile, return the result. */
public final class Simulation {
    private Simulation() {}

    public static SimResult run(SourceFile protocol, Workload workload, Map<String, String> params, int cpus, Profile profile, SimOptions options) {
        return run(protocol, Map.of(), workload, params, cpus, profile, options);
    }

    /** A run of {@code protocol} with its {@code param}s set by {@code defines} ({@code -D}); the inputs record both. */
    public static SimResult run(SourceFile protocol, Map<String, Integer> defines, Workload workload, Map<String, String> params, int cpus, Profile profile,
                                SimOptions options) {
        WorkloadComposer.Composed composed = WorkloadComposer.composeWithTasks(protocol, defines, workload, params, cpus);
        Map<String, String> given = new java.util.LinkedHashMap<>(workload.defaults());
        given.putAll(params);
        defines.forEach((k, v) -> given.put(k, Integer.toString(v)));
        Engine engine = new Engine(composed.program(), composed.tasks(), profile, options);
        return engine.result(engine.run(), protocol.name(), workload.name(), workload.op(), options.seed())
                .withInputs(new SimResult.Inputs(options.seconds(), options.tickHz(), options.tickSkew(), Map.copyOf(given), options.stallSeconds(), options.noise()));
    }

    public static SimResult run(String file, Program program, Workload workload, Profile profile, SimOptions options) {
        Engine engine = new Engine(program, profile, options);
        Engine.Run run = engine.run();
        return engine.result(run, file, workload.name(), workload.op(), options.seed());
    }
}
