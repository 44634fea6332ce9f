package dev.shootdown.sim;

import dev.shootdown.model.Event;
import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every metric the simulator reports, in order: adding one is one line. Reporters print them generically. */
public final class Metrics {
    /** A latency's parts are microseconds but its count, which is a number of shootdowns. */
    private static final Map<String, String> LATENCY_PARTS = Map.of("count", "count");

    public static final List<Metric> ALL = List.of(
            new Metric("shootdown_latency_us", "us", "from an initiator's first IPI sent (or broadcast issued) to the last ack (or completion); count: how many", r -> percentiles(r, r.latencyCycles()), LATENCY_PARTS),
            new Metric("shootdown_call_us", "us", "what the initiator sees: from its first send to the end of the wait that saw completion; count: how many", r -> percentiles(r, r.callCycles()), LATENCY_PARTS),
            new Metric("shootdowns_per_second", "1/s", "shootdowns started per simulated second", r -> r.perSecond(r.shootdowns())),
            new Metric("ipis_per_second", "1/s", "IPIs sent per simulated second", r -> r.perSecond(r.count(Event.IPI_SEND))),
            new Metric("interrupts_per_second", "1/s", "interrupts taken (IPI handler entries, timer ticks, device interrupts, reschedule IPIs) per simulated second",
                    r -> r.perSecond(r.count(Event.IPI_ENTER) + r.count(Event.TIMER_TICK) + r.deviceInterrupts() + r.reschedIpis())),
            new Metric("timer_ticks_per_second", "1/s", "periodic timer ticks taken per simulated second (busy CPUs only: idle ones do not tick)", r -> r.perSecond(r.count(Event.TIMER_TICK))),
            new Metric("device_interrupts_per_second", "1/s", "device interrupts taken per simulated second (--device-irq-hz)", r -> r.perSecond(r.deviceInterrupts())),
            new Metric("resched_ipis_per_second", "1/s", "reschedule IPIs taken per simulated second (--resched-hz)", r -> r.perSecond(r.reschedIpis())),
            new Metric("broadcast_invalidations_per_second", "1/s", "broadcast invalidations issued (INVLPGB, TLBI IS, tlbie) per simulated second", r -> r.perSecond(r.count(Event.TLBIE))),
            new Metric("throughput_ops_per_second", "1/s", "workload operations per simulated second (see the workload's op)", r -> r.perSecond(r.ops())),
            new Metric("shootdown_cpu_share", "fraction", "share of all CPU time spent invalidating: every local flush, IPI send, broadcast issue and sync, the waits for a CPU's own shootdowns, and IPI handler time", r -> r.share(Phase.SHOOTDOWN) + r.share(Phase.HANDLER)),
            new Metric("shootdown_cpu_us_per_op", "us", "CPU time spent invalidating (all CPUs) per workload operation", r -> r.ops() == 0 ? 0.0 : r.micros((double) (r.phaseCycles()[Phase.SHOOTDOWN] + r.phaseCycles()[Phase.HANDLER]) / r.ops())),
            new Metric("initiator_cpu_share", "fraction", "share of all CPU time outside handlers spent on local flushes, IPI sends, broadcasts and syncs, and waiting for a CPU's own shootdowns", r -> r.share(Phase.SHOOTDOWN)),
            new Metric("handler_cpu_share", "fraction", "share of all CPU time responders spent in IPI handlers, entry to return", r -> r.share(Phase.HANDLER)),
            new Metric("context_switches_per_second", "1/s", "the scheduler's switches from one task to another (idle and kernel threads included) per simulated second; 0 for a workload without tasks", r -> r.perSecond(r.switches().contextSwitches())),
            new Metric("mm_switches_per_second", "1/s", "context switches that loaded another address space (switch_mm_irqs_off with prev != next) per simulated second", r -> r.perSecond(r.switches().mmSwitches())),
            new Metric("wakeups_per_second", "1/s", "tasks woken from sleep per simulated second", r -> r.perSecond(r.switches().wakeups())),
            new Metric("tlb_misses_per_second", "1/s", "TLB misses (page walks) per simulated second", r -> r.perSecond(r.count(Event.TLB_MISS))),
            new Metric("tlb_misses_caused_per_second", "1/s", "misses on a translation an invalidation dropped although the PTE still mapped the same frame", r -> r.perSecond(r.missesCaused())),
            new Metric("refill_cpu_share", "fraction", "share of all CPU time spent on the walks of those caused misses", r -> r.totalCycles() == 0 ? 0.0 : (double) r.missCausedCycles() / r.totalCycles()),
            new Metric("time_share", "fraction", "CPU time by phase: user, kernel, shootdown_initiator, shootdown_handler, spin, idle", Metrics::phases),
            new Metric("violations_observed", "count", "properties the run broke (use-after-free, lost write, ...); see the text report", r -> (double) r.violations().size()));

    private Metrics() {}

    public static Map<String, Object> values(SimResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Metric metric : ALL) {
            m.put(metric.name(), metric.value().apply(r));
        }
        return m;
    }

    private static Object percentiles(SimResult r, Histogram h) {
        Map<String, Double> m = new LinkedHashMap<>();
        boolean none = h.getTotalCount() == 0;
        m.put("p50", none ? 0.0 : r.micros(h.getValueAtPercentile(50)));
        m.put("p99", none ? 0.0 : r.micros(h.getValueAtPercentile(99)));
        m.put("max", none ? 0.0 : r.micros(h.getMaxValue()));
        m.put("mean", none ? 0.0 : r.micros(h.getMean()));
        m.put("count", (double) h.getTotalCount());
        return m;
    }

    private static Object phases(SimResult r) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int p = 0; p < Phase.COUNT; p++) {
            m.put(Phase.NAMES[p], r.share(p));
        }
        return m;
    }
}
