package dev.shootdown.report;

import dev.shootdown.sim.Metric;
import dev.shootdown.sim.Metrics;
import dev.shootdown.sim.SimResult;
import dev.shootdown.sim.SimViolation;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The result of {@code simulate}: a table for people, or the JSON contract for scripts. Metrics are printed generically from {@link Metrics}. */
public final class SimReport {
    private SimReport() {}

    /**
     * The JSON contract: file, workload, profile, cpus, seed, tick_hz, tick_skew, params (the workload's
     * parameters, defaults included), simulated_seconds, events, wall_seconds,
     * metrics; a run that ended before its time also has {@code "partial": true} and {@code stop_reason}.
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
        }
        m.put("simulated_seconds", r.simulatedSeconds());
        m.put("events", r.events());
        m.put("wall_seconds", r.wallSeconds());
        if (r.stall() != null) {
            // The run ended before its time (every CPU blocked, or Ctrl-C): its figures cover simulated_seconds only.
            m.put("partial", true);
            m.put("stop_reason", r.stall());
        }
        m.put("metrics", r.metrics());
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
        if (r.violations().isEmpty()) {
            out.append("  no property broken during the run\n");
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
