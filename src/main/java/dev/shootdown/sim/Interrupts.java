package dev.shootdown.sim;

import dev.shootdown.model.Action;
import dev.shootdown.model.Layout;

import static dev.shootdown.sim.CpuRecords.CB;
import static dev.shootdown.sim.CpuRecords.CI;
import static dev.shootdown.sim.CpuRecords.CL;
import static dev.shootdown.sim.CpuRecords.CLOCK;
import static dev.shootdown.sim.CpuRecords.IPI_COUNT;
import static dev.shootdown.sim.CpuRecords.NEVER;
import static dev.shootdown.sim.CpuRecords.NEXT_TICK;
import static dev.shootdown.sim.CpuRecords.PARKED;
import static dev.shootdown.sim.CpuRecords.PREEMPT_FROM;
import static dev.shootdown.sim.CpuRecords.RESIDUAL;
import static dev.shootdown.sim.CpuRecords.TICK_OFFSET;

/**
 * What interrupts a CPU, and when: the IPIs in flight to it and its periodic timer tick.
 *
 * <p>An IPI sent at t arrives after the profile's delivery latency for the distance between sender
 * and target; one that lands inside an interruptible compute()/idle() cuts it there (the rest resumes
 * after the handler). IPIs in flight to each CPU sit in the order sent in flat per-CPU slots, CPU c's
 * at {@code [c * cap, c * cap + count)}, so that a step touches no per-CPU object; every CPU's room
 * doubles when one CPU's is full.
 *
 * <p>The tick: every CPU's on the same jiffy edge, Linux's default (skew_tick=0,
 * Documentation/admin-guide/kernel-parameters.txt). With skew_tick=1, CPU c's is offset by (half a
 * tick / the CPUs) x c, as tick_sched_timer's setup does (kernel/time/tick-sched.c: offset =
 * TICK_NSEC >> 1, divided by num_possible_cpus(), times the CPU).
 */
final class Interrupts {
    private final int n;
    private final int[] s;
    private final int cpuBase;
    private final int stride;
    private final long[] cl;
    private final int[] ci;
    private final boolean[] cb;
    private final CpuQueue queue;
    private final Wakeups wakeups;
    private final long[] place;
    private final long[] ipiLatency;
    /** Cycles between timer ticks, or NEVER without ticks. */
    final long tickPeriod;
    /** The run's device interrupts and reschedule IPIs (and jitter), or null without noise. */
    final NoiseSources noise;
    /** With noise, each CPU's next periodic tick; NEXT_TICK is then the earliest local interrupt of any kind. */
    private final long[] periodic;
    /** What {@link #takeLocal} took: the periodic tick, or a {@link NoiseSources} kind. */
    static final int TICK = 0;
    private int cap = 4;
    private long[] time;
    private int[] what;

    Interrupts(int[] s, Layout layout, CpuRecords records, CpuQueue queue, Wakeups wakeups, long[] place, long[] ipiLatency,
               long tickPeriod, boolean tickSkew, NoiseSources noise) {
        this.n = layout.cpus;
        this.s = s;
        this.cpuBase = layout.cpuBase;
        this.stride = layout.stride;
        this.cl = records.cl;
        this.ci = records.ci;
        this.cb = records.cb;
        this.queue = queue;
        this.wakeups = wakeups;
        this.place = place;
        this.ipiLatency = ipiLatency;
        this.tickPeriod = tickPeriod;
        this.noise = noise;
        this.periodic = noise == null ? null : new long[n];
        this.time = new long[n * cap];
        this.what = new int[n * cap];
        for (int c = 0; c < n; c++) {
            long offset = tickSkew && tickPeriod != NEVER ? (tickPeriod >> 1) / n * c : 0;
            cl[c * CL + TICK_OFFSET] = offset;
            cl[c * CL + NEXT_TICK] = tickPeriod == NEVER ? NEVER : tickPeriod + offset;
            if (noise != null) {
                periodic[c] = cl[c * CL + NEXT_TICK];
                cl[c * CL + NEXT_TICK] = Math.min(periodic[c], noise.next(c));
            }
        }
    }

    /** CPU {@code from} sends {@code target} an IPI for {@code handler} at {@code at}. */
    void send(int from, int target, int handler, long at) {
        long arrive = at + ipiLatency[Topology.distance(place[from], place[target])];
        int count = ci[target * CI + IPI_COUNT];
        if (count == cap) {
            grow();
        }
        time[target * cap + count] = arrive;
        what[target * cap + count] = (handler << Action.SENDER_BITS) | from;
        ci[target * CI + IPI_COUNT] = count + 1;
        if (cb[target * CB + PARKED]) {
            wakeups.wake(target, arrive);
        } else if (target != from && queue.contains(target) && cl[target * CL + PREEMPT_FROM] != NEVER
                && (s[cpuBase + target * stride + Layout.FLAGS] & Layout.IRQ_ON) != 0) {
            // Interrupts compute()/idle() on arrival; the rest resumes after the handler.
            long take = Math.max(arrive, cl[target * CL + PREEMPT_FROM]);
            if (take < queue.time(target)) {
                cl[target * CL + RESIDUAL] += queue.time(target) - take;
                cl[target * CL + PREEMPT_FROM] = NEVER;
                cl[target * CL + CLOCK] = take;
                queue.put(target, take);
            }
        }
    }

    private void grow() {
        int bigger = cap * 2;
        long[] t = new long[n * bigger];
        int[] w = new int[n * bigger];
        for (int c = 0; c < n; c++) {
            System.arraycopy(time, c * cap, t, c * bigger, ci[c * CI + IPI_COUNT]);
            System.arraycopy(what, c * cap, w, c * bigger, ci[c * CI + IPI_COUNT]);
        }
        time = t;
        what = w;
        cap = bigger;
    }

    /**
     * Takes the earliest IPI in flight to {@code c} that has arrived by {@code t} out of its slots
     * and returns it, {@code (handler << SENDER_BITS) | sender}; -1 when none has.
     */
    int takeArrived(int c, long t) {
        int k = -1;
        long best = NEVER;
        int base = c * cap;
        int end = base + ci[c * CI + IPI_COUNT];
        for (int i = base; i < end; i++) {
            if (time[i] <= t && time[i] < best) {
                best = time[i];
                k = i;
            }
        }
        if (k < 0) {
            return -1;
        }
        int taken = what[k];
        System.arraycopy(time, k + 1, time, k, end - k - 1);
        System.arraycopy(what, k + 1, what, k, end - k - 1);
        ci[c * CI + IPI_COUNT]--;
        return taken;
    }

    /**
     * When the earliest IPI in flight to {@code c} arrives, or its next tick if {@code ticks} and that is
     * earlier; a device interrupt or reschedule IPI counts whether or not ticks do (they wake idle CPUs).
     */
    long next(int c, boolean ticks) {
        long first = ticks ? cl[c * CL + NEXT_TICK] : noise == null ? NEVER : noise.next(c);
        int base = c * cap;
        for (int i = base; i < base + ci[c * CI + IPI_COUNT]; i++) {
            first = Math.min(first, time[i]);
        }
        return first;
    }

    /**
     * CPU {@code c} takes the local interrupt due at {@code t} (NEXT_TICK): the periodic tick ({@link #TICK})
     * when that is due, else its device interrupt or reschedule IPI; NEXT_TICK moves to the next one.
     * One that fell due while interrupts were off is taken once, late, as the APIC holds one per vector.
     */
    int takeLocal(int c, long t) {
        if (noise == null) {
            cl[c * CL + NEXT_TICK] = tickAfter(c, t);
            return TICK;
        }
        int kind = TICK;
        if (periodic[c] <= t) {
            periodic[c] = tickAfter(c, t);
        } else {
            kind = noise.take(c, t);
        }
        cl[c * CL + NEXT_TICK] = Math.min(periodic[c], noise.next(c));
        return kind;
    }

    /** CPU {@code c} idles until {@code t}: no periodic tick before (CONFIG_NO_HZ_IDLE); device interrupts and reschedule IPIs still come. */
    void noTickUntil(int c, long t) {
        if (noise == null) {
            cl[c * CL + NEXT_TICK] = Math.max(cl[c * CL + NEXT_TICK], tickAfter(c, t));
        } else {
            periodic[c] = Math.max(periodic[c], tickAfter(c, t));
            cl[c * CL + NEXT_TICK] = Math.min(periodic[c], noise.next(c));
        }
    }

    /**
     * CPU {@code c} has finished its program: with noise, it takes device interrupts and reschedule IPIs
     * but no tick any more (CONFIG_NO_HZ_IDLE), which an interrupt that wakes it would otherwise find due.
     */
    void halted(int c) {
        if (noise != null) {
            periodic[c] = NEVER;
            cl[c * CL + NEXT_TICK] = noise.next(c);
        }
    }

    /** CPU {@code c}'s first tick edge after {@code t}. */
    long tickAfter(int c, long t) {
        long offset = cl[c * CL + TICK_OFFSET];
        return (Math.floorDiv(t - offset, tickPeriod) + 1) * tickPeriod + offset;
    }
}
