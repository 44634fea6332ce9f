package dev.shootdown.bench;

import dev.shootdown.sim.Profiles;
import dev.shootdown.sim.Protocols;
import dev.shootdown.sim.SimOptions;
import dev.shootdown.sim.SimResult;
import dev.shootdown.sim.Simulation;
import dev.shootdown.sim.Workloads;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The simulator's engine: one run of a shipped protocol under a workload for a short simulated time,
 * compilation included (as {@code simulate} runs it). The figure to watch is the time per engine step:
 * divide by the run's {@code events}, which {@link #run} hands to the blackhole and {@code bench}
 * prints (about 70-85 ns a step on the development machine, docs/simulator.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SimulatorBenchmarks {
    @Param({"linux-ipi"})
    public String protocol;

    @Param({"munmap", "tlb_flush2"})
    public String workload;

    @Param({"64"})
    public int cpus;

    @Benchmark
    public void run(Blackhole bh) {
        SimResult r = Simulation.run(Protocols.load(protocol), Workloads.byName(workload), Map.of(), cpus, Profiles.byName("skylake"),
                SimOptions.of(0.001, 1));
        bh.consume(r.events());
    }
}
