package dev.shootdown.sim;

import dev.shootdown.model.Event;
import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Map;

/**
 * What one simulation run measured: raw counters, from which {@link Metrics} derives every
 * reported figure. Reports (tables, JSON, plots, traces) read this and nothing else.
 *
 * @param events          engine actions executed (CPU steps, interrupts taken, broadcast invalidations performed)
 * @param machineEvents   hardware and kernel events those actions produced (the sum of eventCounts)
 * @param cpuSeconds      CPU time of the simulating thread (wall time includes whatever else the machine runs)
 * @param eventCounts     per {@link Event} kind
 * @param phaseCycles     CPU cycles per {@link Phase}, summed over CPUs
 * @param latencyCycles   shootdown latencies (first IPI sent or broadcast issued, to the last ack or completion)
 * @param callCycles      what the initiator sees: from its first send to the end of the wait that saw completion
 * @param ops             workload operations completed (the workload's {@code sim_ops} counters)
 * @param missesCaused    TLB misses on a translation an invalidation had dropped while the PTE still mapped the same frame
 * @param stall           null, or why the run ended before its time (a deadlock, or Ctrl-C)
 * @param inputs          what the run was asked for beyond file, workload, CPUs, profile and seed (null when not known)
 */
public record SimResult(String file, String workload, String opDefinition, String profile, double ghz, int cpus, long seed,
                        double simulatedSeconds, long events, long machineEvents, double wallSeconds, double cpuSeconds, long[] eventCounts,
                        long[] phaseCycles, Histogram latencyCycles, Histogram callCycles, long shootdowns, long ops, long missesCaused,
                        long missCausedCycles, List<SimViolation> violations, String stall, Inputs inputs) {

    /**
     * The rest of what a run needs to be repeated: the simulated seconds asked for, the tick, and the
     * workload's parameters with their defaults filled in.
     */
    public record Inputs(double seconds, double tickHz, boolean tickSkew, Map<String, String> params) {}

    public SimResult withInputs(Inputs in) {
        return new SimResult(file, workload, opDefinition, profile, ghz, cpus, seed, simulatedSeconds, events, machineEvents, wallSeconds, cpuSeconds,
                eventCounts, phaseCycles, latencyCycles, callCycles, shootdowns, ops, missesCaused, missCausedCycles, violations, stall, in);
    }

    public long count(int eventKind) {
        return eventCounts[eventKind];
    }

    public double perSecond(double n) {
        return simulatedSeconds > 0 ? n / simulatedSeconds : 0;
    }

    public long totalCycles() {
        long t = 0;
        for (long c : phaseCycles) {
            t += c;
        }
        return t;
    }

    public double share(int phase) {
        long t = totalCycles();
        return t == 0 ? 0 : (double) phaseCycles[phase] / t;
    }

    public double micros(double cycles) {
        return cycles / (ghz * 1000.0);
    }

    /** The figures, by name, in registry order (see {@link Metrics}). */
    public Map<String, Object> metrics() {
        return Metrics.values(this);
    }
}
