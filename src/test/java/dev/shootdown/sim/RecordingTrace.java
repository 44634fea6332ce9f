package dev.shootdown.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * A {@link SimTrace} for tests: keeps every slice and event the engine reports, passes them on to
 * another trace if given one, and answers {@link #wants} as that trace (or a predicate) does,
 * remembering the first time it answered no.
 */
public final class RecordingTrace implements SimTrace {
    public record Slice(int cpu, long start, long end, int phase, String label) {}

    public record Ev(long time, int cpu, int kind, int a, int b) {}

    public final List<Slice> slices = new ArrayList<>();
    public final List<Ev> events = new ArrayList<>();
    private final SimTrace inner;
    private final LongPredicate wants;
    private long refusedFrom = Long.MAX_VALUE;

    private RecordingTrace(SimTrace inner, LongPredicate wants) {
        this.inner = inner;
        this.wants = wants;
    }

    /** Records, wanting every slice. */
    public static RecordingTrace all() {
        return new RecordingTrace(null, t -> true);
    }

    /** Records, wanting the slices that start when {@code wants} says so. */
    public static RecordingTrace wanting(LongPredicate wants) {
        return new RecordingTrace(null, wants);
    }

    /** Records and passes everything on to {@code inner}, which answers {@link #wants}. */
    public static RecordingTrace around(SimTrace inner) {
        return new RecordingTrace(inner, inner::wants);
    }

    @Override
    public boolean wants(long time) {
        boolean yes = wants.test(time);
        if (!yes) {
            refusedFrom = Math.min(refusedFrom, time);
        }
        return yes;
    }

    @Override
    public void slice(int cpu, long start, long end, int phase, String label) {
        slices.add(new Slice(cpu, start, end, phase, label));
        if (inner != null) {
            inner.slice(cpu, start, end, phase, label);
        }
    }

    @Override
    public void event(long time, int cpu, int kind, int a, int b) {
        events.add(new Ev(time, cpu, kind, a, b));
        if (inner != null) {
            inner.event(time, cpu, kind, a, b);
        }
    }

    /** The earliest start the trace said it did not want (Long.MAX_VALUE: none). */
    public long refusedFrom() {
        return refusedFrom;
    }

    /** CPU {@code cpu}'s slices in time order. */
    public List<Slice> of(int cpu) {
        return slices.stream().filter(x -> x.cpu() == cpu).sorted(Comparator.comparingLong(Slice::start)).toList();
    }

    /**
     * The slices of CPUs 0 to {@code cpus - 1} starting at or after {@code from} that carry a label
     * the engine built then: all but "blocked" (a constant) and the rest of a compute()/idle() an
     * interrupt cut (it keeps the label built when the step began, as the slice right after the handler's).
     */
    public List<Slice> labelledFrom(long from, int cpus) {
        List<Slice> out = new ArrayList<>();
        for (int c = 0; c < cpus; c++) {
            String cut = null;
            Slice prev = null;
            for (Slice x : of(c)) {
                boolean handler = x.phase() == Phase.HANDLER;
                boolean rest = !handler && prev != null && prev.phase() == Phase.HANDLER && x.label() != null && x.label().equals(cut);
                if (handler && prev != null && prev.phase() != Phase.HANDLER) {
                    cut = prev.label();
                }
                if (x.start() >= from && x.label() != null && !x.label().equals("blocked") && !rest) {
                    out.add(x);
                }
                prev = x;
            }
        }
        return out;
    }
}
