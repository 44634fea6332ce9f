package dev.shootdown.sim;

import dev.shootdown.model.Event;
import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Map;

/**
 * What one simulation run measured: raw counters, from which {@link Metrics} derives every
 * reported figure. Reports (tables, JSON, plots, traces) read this and nothing else.
 *
 * @param title           the protocol's {@code title}, or null when it has none
 * @param events          engine actions executed (CPU steps, interrupts taken, broadcast invalidations performed)
 * @param machineEvents   hardware and kernel events those actions produced (the sum of eventCounts)
 * @param cpuSeconds      CPU time of the simulating thread (wall time includes whatever else the machine runs)
 * @param eventCounts     per {@link Event} kind
 * @param phaseCycles     CPU cycles per {@link Phase}, summed over CPUs
 * @param latencyCycles   shootdown latencies (first IPI sent or broadcast issued, to the last ack or completion)
 * @param callCycles      what the initiator sees: from its first send to the end of the wait that saw completion
 * @param ops             workload operations completed (the workload's {@code sim_ops} counters)
 * @param missesCaused    TLB misses on a translation an invalidation had dropped while the PTE still mapped the same frame
 * @param stall           null, or why the run ended before its time (a deadlock, a stall, or Ctrl-C)
 * @param inputs          what the run was asked for beyond file, workload, CPUs, profile and seed (null when not known)
 * @param liveness        null, or the liveness failure the run found: CPUs with work left that made no progress
 * @param violationSteps  how many steps broke a property ({@code violations} names the first of each kind): the run records each and goes on
 * @param deviceInterrupts device interrupts taken ({@link Noise})
 * @param reschedIpis     reschedule IPIs taken ({@link Noise})
 * @param switches        the scheduler's context switches, mm switches and wake-ups
 */
public record SimResult(String file, String title, String workload, String opDefinition, String profile, double ghz, int cpus, long seed,
                        double simulatedSeconds, long events, long machineEvents, double wallSeconds, double cpuSeconds, long[] eventCounts,
                        long[] phaseCycles, Histogram latencyCycles, Histogram callCycles, long shootdowns, long ops, long missesCaused,
                        long missCausedCycles, List<SimViolation> violations, String stall, Inputs inputs, Liveness liveness,
                        long violationSteps, long deviceInterrupts, long reschedIpis, Switches switches) {

    /** What the scheduler did (all 0 for a workload without tasks): context switches, those that changed the loaded mm, wake-ups. */
    public record Switches(long contextSwitches, long mmSwitches, long wakeups) {
        public static final Switches NONE = new Switches(0, 0, 0);
    }

    /**
     * CPUs with work left that made no progress: for at least {@code boundMicros} of simulated time
     * (a stall), or for ever because nothing can happen any more (a deadlock, {@code boundMicros} NaN).
     *
     * @param atMicros when it was found
     * @param blocked  how many CPUs; {@code cpus} names at most {@link #NAMED} of them, lowest first
     */
    public record Liveness(boolean deadlock, double atMicros, double boundMicros, int blocked, List<Blocked> cpus) {
        /** How many blocked CPUs a result names. */
        public static final int NAMED = 16;

        /** One line: what was found, and the first few CPUs with what each waits on. */
        public String summary() {
            StringBuilder b = new StringBuilder();
            if (deadlock) {
                b.append(String.format(java.util.Locale.ROOT, "no CPU can move after %.3f us: %d blocked (", atMicros, blocked));
            } else {
                b.append(String.format(java.util.Locale.ROOT, "stall: %d CPU%s with work left made no progress for %.0f us or more (found at %.3f us: ",
                        blocked, blocked == 1 ? "" : "s", boundMicros, atMicros));
            }
            for (int i = 0; i < Math.min(3, cpus.size()); i++) {
                b.append(i == 0 ? "" : "; ").append(cpus.get(i).describe());
            }
            return b.append(blocked > 3 ? "; ..." : "").append(')').toString();
        }
    }

    /**
     * A blocked CPU: the statement it cannot run ({@code at}, at {@code where}: file and line), since when,
     * and what it waits on (the words its guard read with their values, acks outstanding, ...).
     */
    public record Blocked(int cpu, String at, String where, double sinceMicros, String waitsOn) {
        public String describe() {
            return "cpu" + cpu + " at " + at + (where == null ? "" : " [" + where + "]") + (waitsOn.isEmpty() ? "" : ", " + waitsOn);
        }
    }

    /**
     * The rest of what a run needs to be repeated: the simulated seconds asked for, the tick, the
     * workload's parameters with their defaults filled in, and the stall bound (where a stall stops it).
     */
    public record Inputs(double seconds, double tickHz, boolean tickSkew, Map<String, String> params, double stallSeconds, Noise noise) {}

    public SimResult withInputs(Inputs in) {
        return new SimResult(file, title, workload, opDefinition, profile, ghz, cpus, seed, simulatedSeconds, events, machineEvents, wallSeconds, cpuSeconds,
                eventCounts, phaseCycles, latencyCycles, callCycles, shootdowns, ops, missesCaused, missCausedCycles, violations, stall, in, liveness,
                violationSteps, deviceInterrupts, reschedIpis, switches);
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
