package dev.shootdown.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * How often a protocol's race fires under a workload ({@code simulate --hunt}). The engine's monitors
 * are the checker's: a step that breaks a property ({@link Machine}'s verdict) is counted, and the
 * run goes on from the state that step left (record and resume: the stale entry stays until the
 * protocol flushes it, so one late IPI can be several bad accesses, each counted: a count of bad
 * accesses, not of shootdowns that went wrong). The rate is per simulated hour of the run.
 *
 * <p>The first occurrence's per-CPU timeline comes from a second run with the same inputs, traced
 * only around it: a run is a function of its inputs and seed, so the second run reaches the same
 * violation at the same time (checked), and the counting run pays nothing for the trace.
 */
public final class Hunt {
    /** How much of each CPU's past before the first violation its timeline shows, in simulated microseconds. */
    public static final double BEFORE_US = 50;
    /** How far past the first violation the second run goes (and its Perfetto trace, unless told otherwise). */
    public static final double AFTER_US = 5;
    /** The most CPUs a timeline shows: the one that broke the property, then those in shootdown or kernel work. */
    public static final int CPUS = 8;
    /** The most steps shown per CPU, the last before the violation. */
    public static final int STEPS = 10;

    private Hunt() {}

    /** One slice of a CPU's time: when, in which phase, doing what (the source statement). */
    public record Step(double atMicros, double endMicros, String phase, String what) {}

    public record CpuTimeline(int cpu, List<Step> steps) {}

    /** The first violation: when, which property, which CPU and what the monitor said, and the CPUs' last steps before it. */
    public record First(double atMicros, String verdict, int cpu, String note, List<CpuTimeline> cpus) {}

    /** @param first null when no step broke a property */
    public record Result(long violations, double simulatedSeconds, First first) {
        public double perHour() {
            return simulatedSeconds > 0 ? violations / simulatedSeconds * 3600 : 0;
        }
    }

    /** The same run again, {@code seconds} long, traced by {@code trace}. */
    @FunctionalInterface
    public interface Rerun {
        SimResult run(double seconds, SimTrace trace);
    }

    /**
     * The hunt's result for the counting run {@code counted}: its violations, and for the first one
     * the timeline {@code rerun} records (also traced by {@code also}, which may be null).
     */
    public static Result of(SimResult counted, Rerun rerun, SimTrace also) {
        if (counted.violations().isEmpty()) {
            return new Result(counted.violationSteps(), counted.simulatedSeconds(), null);
        }
        SimViolation v = counted.violations().get(0);
        double ghz = counted.ghz();
        Recorder recorder = new Recorder(counted.cpus(), cycles(Math.max(0, v.atMicros() - BEFORE_US), ghz),
                cycles(v.atMicros() + 1e-3, ghz)); // a nanosecond past it, so rounding keeps the violating step in
        double seconds = Math.min(counted.simulatedSeconds(), (v.atMicros() + AFTER_US) / 1e6);
        SimResult again = rerun.run(seconds, also == null ? recorder : both(recorder, also));
        SimViolation w = again.violations().isEmpty() ? null : again.violations().get(0);
        if (w == null || !w.verdict().equals(v.verdict()) || w.cpu() != v.cpu() || w.atMicros() != v.atMicros()) {
            throw new IllegalStateException("the traced run did not repeat the first violation (" + v + ", then " + w + ")");
        }
        return new Result(counted.violationSteps(), counted.simulatedSeconds(), new First(v.atMicros(), v.verdict(), v.cpu(), v.note(),
                recorder.timelines(v.cpu(), ghz)));
    }

    private static long cycles(double micros, double ghz) {
        return Math.round(micros * ghz * 1000);
    }

    private static SimTrace both(SimTrace a, SimTrace b) {
        return new SimTrace() {
            @Override
            public boolean wants(long time) {
                return a.wants(time) | b.wants(time);
            }

            @Override
            public void slice(int cpu, long start, long end, int phase, String label) {
                a.slice(cpu, start, end, phase, label);
                b.slice(cpu, start, end, phase, label);
            }

            @Override
            public void event(long time, int cpu, int kind, int a1, int b1) {
                a.event(time, cpu, kind, a1, b1);
                b.event(time, cpu, kind, a1, b1);
            }
        };
    }

    /** Keeps each CPU's last {@link #STEPS} slices that start in [from, until]. */
    private static final class Recorder implements SimTrace {
        private final long from;
        private final long until;
        private final List<Deque<long[]>> times = new ArrayList<>();
        private final List<Deque<String>> labels = new ArrayList<>();

        Recorder(int cpus, long from, long until) {
            this.from = from;
            this.until = until;
            for (int c = 0; c < cpus; c++) {
                times.add(new ArrayDeque<>());
                labels.add(new ArrayDeque<>());
            }
        }

        @Override
        public boolean wants(long time) {
            return time >= from && time <= until;
        }

        @Override
        public void slice(int cpu, long start, long end, int phase, String label) {
            if (start < from || start > until) {
                return;
            }
            Deque<long[]> t = times.get(cpu);
            if (t.size() == STEPS) {
                t.removeFirst();
                labels.get(cpu).removeFirst();
            }
            t.addLast(new long[] {start, end, phase});
            labels.get(cpu).addLast(label == null ? "" : label);
        }

        @Override
        public void event(long time, int cpu, int kind, int a, int b) {}

        /** CPU {@code first}, then the CPUs that did shootdown, handler or kernel work in the window, up to {@link #CPUS}. */
        List<CpuTimeline> timelines(int first, double ghz) {
            List<CpuTimeline> out = new ArrayList<>();
            out.add(timeline(first, ghz));
            for (int c = 0; c < times.size() && out.size() < CPUS; c++) {
                if (c != first && times.get(c).stream().anyMatch(s -> s[2] != Phase.USER && s[2] != Phase.IDLE)) {
                    out.add(timeline(c, ghz));
                }
            }
            return out;
        }

        private CpuTimeline timeline(int c, double ghz) {
            List<Step> steps = new ArrayList<>();
            List<String> l = new ArrayList<>(labels.get(c));
            int i = 0;
            for (long[] s : times.get(c)) {
                steps.add(new Step(s[0] / (ghz * 1000), s[1] / (ghz * 1000), Phase.NAMES[(int) s[2]], l.get(i++)));
            }
            return new CpuTimeline(c, steps);
        }
    }
}
