package dev.shootdown.report;

import dev.shootdown.sim.Hunt;
import dev.shootdown.sim.Metric;
import dev.shootdown.sim.Noise;
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
     * The JSON contract: file, title (the protocol's, when it has one), workload, profile, cpus, seed, tick_hz,
     * tick_skew, params (the workload's parameters, defaults included), stall_after (the stall bound's floor),
     * simulated_seconds, events, wall_seconds, metrics, cdf ({@link #cdf}); a run that ended before its time
     * also has {@code "partial": true} and {@code stop_reason}; a run in which CPUs with work left made no
     * progress has {@code stall} ({@link #stall}).
     */
    public static Map<String, Object> json(SimResult r) {
        Map<String, Object> m = inputs(r);
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
        m.put("cdf", cdf(r::micros, r.latencyCycles(), r.callCycles()));
        return m;
    }

    /**
     * One point under several seeds ({@code --seeds N}): the keys of one run's result, with {@code seed} the
     * first seed and {@code seeds} all of them; {@code simulated_seconds} the least any seed covered, {@code events}
     * and {@code wall_seconds} summed; each metric (each part of a map-valued one) {@code {"mean", "ci95",
     * "seeds": [...]}} ({@link Spread}); {@code cdf} of every seed's shootdowns together. A seed that ended
     * early or stalled makes the point {@code partial} or gives it a {@code stall}, naming the seed.
     */
    public static Map<String, Object> json(SeedRuns runs) {
        SimResult first = runs.first();
        Map<String, Object> m = inputs(first);
        m.put("seeds", runs.seeds());
        m.put("simulated_seconds", runs.runs().stream().mapToDouble(SimResult::simulatedSeconds).min().orElseThrow());
        m.put("events", runs.runs().stream().mapToLong(SimResult::events).sum());
        m.put("wall_seconds", runs.runs().stream().mapToDouble(SimResult::wallSeconds).sum());
        SimResult stopped = runs.firstStopped();
        if (stopped != null && stopped.stall() != null) {
            m.put("partial", true);
            m.put("stop_reason", "seed " + stopped.seed() + ": " + stopped.stall());
        }
        if (stopped != null && stopped.liveness() != null) {
            Map<String, Object> stall = new LinkedHashMap<>();
            stall.put("seed", stopped.seed());
            stall.putAll(stall(stopped.liveness()));
            m.put("stall", stall);
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        runs.spreads().forEach((name, s) -> {
            if (s instanceof Spread spread) {
                metrics.put(name, spread.json());
            } else {
                Map<String, Object> parts = new LinkedHashMap<>();
                ((Map<?, ?>) s).forEach((part, p) -> parts.put((String) part, ((Spread) p).json()));
                metrics.put(name, parts);
            }
        });
        m.put("metrics", metrics);
        m.put("cdf", cdf(first::micros, runs.pooled(SimResult::latencyCycles), runs.pooled(SimResult::callCycles)));
        return m;
    }

    /** What ran: file, title, workload, profile, cpus, seed and the inputs that repeat it. */
    private static Map<String, Object> inputs(SimResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", r.file());
        if (r.title() != null) {
            m.put("title", r.title());
        }
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
            if (r.inputs().noise().any()) {
                m.put("noise", noise(r.inputs().noise()));
            }
        }
        return m;
    }

    /**
     * The latency distributions as CDFs ({@link LatencyCdf}): {@code {"shootdown_latency_us": [[us, fraction], ...],
     * "shootdown_call_us": [...]}}, the fraction of shootdowns that took that long or less.
     */
    private static Map<String, Object> cdf(java.util.function.DoubleUnaryOperator micros, org.HdrHistogram.Histogram latency, org.HdrHistogram.Histogram call) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shootdown_latency_us", LatencyCdf.of(latency, micros));
        m.put("shootdown_call_us", LatencyCdf.of(call, micros));
        return m;
    }

    /** The run's noise as its options give it: jitter, device_irq_hz, device_irq_cycles, resched_hz, resched_cycles. */
    public static Map<String, Object> noise(Noise n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jitter", n.jitterName());
        m.put("device_irq_hz", n.deviceHz());
        m.put("device_irq_cycles", n.deviceCycles());
        m.put("resched_hz", n.reschedHz());
        m.put("resched_cycles", n.reschedCycles());
        return m;
    }

    /**
     * {@code simulate --hunt}: {@code violations} (steps that broke a property), {@code per_hour} (per
     * simulated hour) and {@code first}: null, or {@code simulated_us}, {@code verdict}, {@code cpu} (the
     * CPU that broke it), {@code note} and {@code cpus}, each {@code {"cpu", "steps": [{"at_us",
     * "end_us", "phase", "what"}]}}: the last steps before it of that CPU and of those in shootdown,
     * handler or kernel work.
     */
    public static Map<String, Object> hunt(Hunt.Result h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("violations", h.violations());
        m.put("per_hour", h.perHour());
        if (h.first() == null) {
            m.put("first", null);
            return m;
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("simulated_us", h.first().atMicros());
        f.put("verdict", h.first().verdict());
        f.put("cpu", h.first().cpu());
        f.put("note", h.first().note());
        List<Map<String, Object>> cpus = new ArrayList<>();
        for (Hunt.CpuTimeline t : h.first().cpus()) {
            List<Map<String, Object>> steps = new ArrayList<>();
            for (Hunt.Step s : t.steps()) {
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("at_us", s.atMicros());
                step.put("end_us", s.endMicros());
                step.put("phase", s.phase());
                step.put("what", s.what());
                steps.add(step);
            }
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("cpu", t.cpu());
            c.put("steps", steps);
            cpus.add(c);
        }
        f.put("cpus", cpus);
        m.put("first", f);
        return m;
    }

    /** The hunt for people: the count and rate, then the first violation's per-CPU timeline. */
    public static String huntText(Hunt.Result h) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "  HUNT: %,d violating steps in %.6f simulated s: %s per simulated hour%n",
                h.violations(), h.simulatedSeconds(), number(h.perHour(), "1/h")));
        Hunt.First f = h.first();
        if (f == null) {
            return out.append("  no violation seen\n").toString();
        }
        out.append(String.format(Locale.ROOT, "  first at %.3f us: %s on cpu%d: %s%n", f.atMicros(), f.verdict(), f.cpu(), f.note()));
        for (Hunt.CpuTimeline t : f.cpus()) {
            out.append(String.format(Locale.ROOT, "    cpu%d%n", t.cpu()));
            for (Hunt.Step s : t.steps()) {
                out.append(String.format(Locale.ROOT, "      %12.3f - %12.3f us  %-20s %s%n", s.atMicros(), s.endMicros(), s.phase(), s.what()));
            }
        }
        return out.toString();
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
            out.append(String.format(Locale.ROOT, "  %-36s %s%n", metric.name(), format(values.get(metric.name()), metric)));
        }
        out.append('\n');
        outcome(out, r, "");
        return out.toString();
    }

    /** One point under several seeds: each metric as mean ± the 95% interval of the mean, then each seed's violations and stalls. */
    public static String text(SeedRuns runs) {
        SimResult r = runs.first();
        List<Long> seeds = runs.seeds();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s: workload %s on %s, %d CPUs, seeds %d to %d (%d runs)%n", r.file(), r.workload(), r.profile(), r.cpus(),
                seeds.get(0), seeds.get(seeds.size() - 1), seeds.size()));
        out.append(String.format(Locale.ROOT, "  op: %s%n", r.opDefinition()));
        double cpu = runs.runs().stream().mapToDouble(SimResult::cpuSeconds).sum();
        long events = runs.runs().stream().mapToLong(SimResult::events).sum();
        out.append(String.format(Locale.ROOT, "  simulated %.6f s per seed in %.2f s wall (%.2f s CPU): %,d events, %.2f M events per CPU second%n",
                r.simulatedSeconds(), runs.runs().stream().mapToDouble(SimResult::wallSeconds).sum(), cpu, events, cpu > 0 ? events / cpu / 1e6 : 0));
        for (SimResult s : runs.runs()) {
            if (s.stall() != null) {
                out.append("  seed ").append(s.seed()).append(" stopped early: ").append(s.stall()).append('\n');
            }
        }
        out.append(String.format(Locale.ROOT, "  mean ± half-width of its 95%% confidence interval (Student's t, %d degrees of freedom)%n%n", seeds.size() - 1));
        Map<String, Object> spreads = runs.spreads();
        for (Metric metric : Metrics.ALL) {
            out.append(String.format(Locale.ROOT, "  %-36s %s%n", metric.name(), format(spreads.get(metric.name()), metric)));
        }
        out.append('\n');
        for (SimResult s : runs.runs()) {
            outcome(out, s, "seed " + s.seed() + ": ");
        }
        return out.toString();
    }

    /** A run's stall or deadlock, then its violations or that it broke no property; each line after {@code prefix}. */
    private static void outcome(StringBuilder out, SimResult r, String prefix) {
        SimResult.Liveness l = r.liveness();
        if (l != null) {
            out.append("  ").append(prefix).append(l.deadlock()
                    ? String.format(Locale.ROOT, "DEADLOCK at %.3f us: no CPU can move, %d blocked:%n", l.atMicros(), l.blocked())
                    : String.format(Locale.ROOT, "STALL at %.3f us: %d CPU%s with work left made no progress for %.3f us or more:%n",
                            l.atMicros(), l.blocked(), l.blocked() == 1 ? "" : "s", l.boundMicros()));
            for (SimResult.Blocked b : l.cpus()) {
                out.append(String.format(Locale.ROOT, "    since %.3f us: %s%n", b.sinceMicros(), b.describe()));
            }
            if (l.blocked() > l.cpus().size()) {
                out.append(String.format(Locale.ROOT, "    and %d more%n", l.blocked() - l.cpus().size()));
            }
        }
        if (r.violations().isEmpty()) {
            out.append("  ").append(prefix).append(l == null ? "no property broken during the run\n"
                    : "no safety property broken during the run; it " + (l.deadlock() ? "deadlocked" : "stalled") + " (above)\n");
        } else {
            for (SimViolation v : r.violations()) {
                out.append(String.format(Locale.ROOT, "  %sVIOLATION %s on cpu%d at %.3f us: %s%n", prefix, v.verdict(), v.cpu(), v.atMicros(), v.note()));
            }
        }
    }

    /**
     * A metric's value with its unit: a number, a {@link Spread} ({@code 1.54 ± 0.02}), or a map of parts, those
     * in the metric's unit first and the unit after them, then the parts of another unit ({@code p50 1.54  p99
     * 2.10  max 3.00  mean 1.60 us, count 12,345}).
     */
    static String format(Object value, Metric metric) {
        if (value instanceof Map<?, ?> map) {
            StringBuilder same = new StringBuilder();
            StringBuilder other = new StringBuilder();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String unit = metric.unit((String) e.getKey());
                StringBuilder b = unit.equals(metric.unit()) ? same : other;
                b.append(b.length() == 0 ? "" : unit.equals(metric.unit()) ? "  " : ", ").append(e.getKey()).append(' ').append(value(e.getValue(), unit))
                        .append(unit.equals(metric.unit()) ? "" : unitSuffix(unit));
            }
            String head = same.length() == 0 ? "" : same + unitSuffix(metric.unit());
            return head + (other.length() == 0 ? "" : (head.isEmpty() ? "" : ", ") + other);
        }
        return value(value, metric.unit()) + unitSuffix(metric.unit());
    }

    /** A number, or a Spread as {@code mean ± ci95} (the mean alone for one seed). */
    private static String value(Object v, String unit) {
        if (v instanceof Spread s) {
            return number(s.mean(), unit) + (Double.isNaN(s.ci95()) ? "" : " ± " + number(s.ci95(), unit));
        }
        return number((Double) v, unit);
    }

    static String unitSuffix(String unit) {
        return unit.equals("fraction") || unit.equals("count") || unit.isEmpty() ? "" : " " + unit;
    }

    static String number(double v, String unit) {
        if (unit.equals("fraction")) {
            return String.format(Locale.ROOT, "%.1f%%", v * 100);
        }
        // From 999.5 up, %.3g would round to 1.00e+03; a whole count is printed whole (1, not 1.00), a mean over seeds as a number.
        if (Math.abs(v) >= 999.5 || unit.equals("count") && v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
