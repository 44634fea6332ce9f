package dev.shootdown.report;

import dev.shootdown.sim.Metric;
import dev.shootdown.sim.Metrics;
import dev.shootdown.sim.SimResult;
import dev.shootdown.sim.SimViolation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The result of {@code simulate}: a table for people, or the JSON contract for scripts. Metrics are printed generically from {@link Metrics}. */
public final class SimReport {
    private SimReport() {}

    /**
     * The JSON contract: file, workload, profile, cpus, seed, tick_hz, tick_skew, params (the workload's
     * parameters, defaults included), stall_after (the stall bound's floor), simulated_seconds, events, wall_seconds,
     * metrics; a run that ended before its time also has {@code "partial": true} and {@code stop_reason};
     * a run in which CPUs with work left made no progress has {@code stall} ({@link #stall}).
     */
    public static Map<String, Object> json(SimResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", r.file());
        m.put("workload", r.workload());
        m.put("profile", r.profile());
        m.put("cpus", r.cpus());
        m.put("seed", r.seed());
        if (r.inputs() != null) {
            // The rest of what repeats the run (what an axis of a sweep would also set).
            m.put("tick_hz", r.inputs().tickHz());
            m.put("tick_skew", r.inputs().tickSkew());
            m.put("params", new java.util.TreeMap<>(r.inputs().params()));
            m.put("stall_after", r.inputs().stallSeconds());
        }
        m.put("simulated_seconds", r.simulatedSeconds());
        m.put("events", r.events());
        m.put("wall_seconds", r.wallSeconds());
        if (r.stall() != null) {
            // The run ended before its time (every CPU blocked, or Ctrl-C): its figures cover simulated_seconds only.
            m.put("partial", true);
            m.put("stop_reason", r.stall());
        }
        if (r.liveness() != null) {
            m.put("stall", stall(r.liveness()));
        }
        m.put("metrics", r.metrics());
        return m;
    }

    /**
     * A liveness failure: {@code kind} ({@code stall}: blocked for {@code bound_us} or more while the run went
     * on; {@code deadlock}: nothing could happen any more), {@code at_us} (when it was found), {@code bound_us}
     * (a stall's), {@code blocked_cpus} (how many) and {@code cpus}: the first of them, each with {@code cpu},
     * {@code at} (the statement it cannot run), {@code where} (file:line), {@code blocked_since_us} and
     * {@code waits_on} (what its guard read, with the values, acks outstanding, ...).
     */
    static Map<String, Object> stall(SimResult.Liveness l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", l.deadlock() ? "deadlock" : "stall");
        m.put("at_us", l.atMicros());
        if (!l.deadlock()) {
            m.put("bound_us", l.boundMicros());
        }
        m.put("blocked_cpus", l.blocked());
        List<Map<String, Object>> cpus = new ArrayList<>();
        for (SimResult.Blocked b : l.cpus()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("cpu", b.cpu());
            c.put("at", b.at());
            if (b.where() != null) {
                c.put("where", b.where());
            }
            c.put("blocked_since_us", b.sinceMicros());
            c.put("waits_on", b.waitsOn());
            cpus.add(c);
        }
        m.put("cpus", cpus);
        return m;
    }

    public static String text(SimResult r) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s: workload %s on %s, %d CPUs, seed %d%n", r.file(), r.workload(), r.profile(), r.cpus(), r.seed()));
        out.append(String.format(Locale.ROOT, "  op: %s%n", r.opDefinition()));
        out.append(String.format(Locale.ROOT, "  simulated %.6f s in %.2f s wall (%.2f s CPU): %,d events (%,d machine events), %.2f M events per CPU second%n",
                r.simulatedSeconds(), r.wallSeconds(), r.cpuSeconds(), r.events(), r.machineEvents(), r.cpuSeconds() > 0 ? r.events() / r.cpuSeconds() / 1e6 : 0));
        if (r.stall() != null) {
            out.append("  stopped early: ").append(r.stall()).append('\n');
        }
        out.append('\n');
        Map<String, Object> values = r.metrics();
        for (Metric metric : Metrics.ALL) {
            out.append(String.format(Locale.ROOT, "  %-36s %s%n", metric.name(), format(values.get(metric.name()), metric.unit())));
        }
        out.append('\n');
        SimResult.Liveness l = r.liveness();
        if (l != null) {
            out.append(l.deadlock()
                    ? String.format(Locale.ROOT, "  DEADLOCK at %.3f us: no CPU can move, %d blocked:%n", l.atMicros(), l.blocked())
                    : String.format(Locale.ROOT, "  STALL at %.3f us: %d CPU%s with work left made no progress for %.3f us or more:%n",
                            l.atMicros(), l.blocked(), l.blocked() == 1 ? "" : "s", l.boundMicros()));
            for (SimResult.Blocked b : l.cpus()) {
                out.append(String.format(Locale.ROOT, "    since %.3f us: %s%n", b.sinceMicros(), b.describe()));
            }
            if (l.blocked() > l.cpus().size()) {
                out.append(String.format(Locale.ROOT, "    and %d more%n", l.blocked() - l.cpus().size()));
            }
        }
        if (r.violations().isEmpty()) {
            out.append(l == null ? "  no property broken during the run\n" : "  no safety property broken during the run; it " + (l.deadlock() ? "deadlocked" : "stalled") + " (above)\n");
        } else {
            for (SimViolation v : r.violations()) {
                out.append(String.format(Locale.ROOT, "  VIOLATION %s on cpu%d at %.3f us: %s%n", v.verdict(), v.cpu(), v.atMicros(), v.note()));
            }
        }
        return out.toString();
    }

    static String format(Object value, String unit) {
        if (value instanceof Map<?, ?> map) {
            StringBuilder b = new StringBuilder();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                b.append(b.length() == 0 ? "" : "  ").append(e.getKey()).append(' ').append(number((Double) e.getValue(), unit));
            }
            return b.append(unitSuffix(unit)).toString();
        }
        return number((Double) value, unit) + unitSuffix(unit);
    }

    private static String unitSuffix(String unit) {
        return unit.equals("fraction") || unit.equals("count") ? "" : " " + unit;
    }

    static String number(double v, String unit) {
        if (unit.equals("fraction")) {
            return String.format(Locale.ROOT, "%.1f%%", v * 100);
        }
        // From 999.5 up, %.3g would round to 1.00e+03.
        if (Math.abs(v) >= 999.5) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
