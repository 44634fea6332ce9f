package dev.shootdown.sim;

import dev.shootdown.model.Event;
import dev.shootdown.model.Events;
import dev.shootdown.model.Layout;
import dev.shootdown.model.Machine;

import static dev.shootdown.sim.CpuRecords.CI;
import static dev.shootdown.sim.CpuRecords.SB_TIMED;

/**
 * x86-TSO store buffers ({@code memory tso}) in time: each buffered store becomes visible by a timer.
 * The entries of a buffer leave in order (x86-TSO: Owens, Sarkar and Sewell 2009; SDM vol. 3A
 * 8.2.2), each the profile's {@code store_drain} cycles after the later of its store and the
 * previous entry's drain. The store's line transfer was charged at the store, as under SC, so the
 * drain adds only the wait until it is visible, which smp_mb(), locked and serializing instructions
 * (MemoryOrder) and the CPUs polling the word sit out.
 */
final class StoreDrains {
    /** A timer's second payload word when it is a store-buffer drain (a broadcast's is page * CPUs + issuer, never negative). */
    static final int DRAIN_TIMER = -1;

    private final Machine machine;
    private final int[] s;
    private final int cpuBase;
    private final int stride;
    private final int[] ci;
    private final long drainCycles;
    private final TimerQueue timers;
    private final EventCosts costs;
    private final Wakeups wakeups;
    private final ShootdownSpans spans;
    private final CacheLines lines;
    /** Per CPU, when the youngest entry of its store buffer becomes visible (entries drain in order). */
    private final long[] drainAt;
    /** When the step being executed made its last store, or -1 if it made none (yet). */
    private long storeAt = -1;

    StoreDrains(Machine machine, int[] s, CpuRecords records, long drainCycles, TimerQueue timers, EventCosts costs, Wakeups wakeups,
                ShootdownSpans spans, CacheLines lines) {
        this.machine = machine;
        this.s = s;
        Layout layout = machine.layout();
        this.cpuBase = layout.cpuBase;
        this.stride = layout.stride;
        this.ci = records.ci;
        this.drainCycles = drainCycles;
        this.timers = timers;
        this.costs = costs;
        this.wakeups = wakeups;
        this.spans = spans;
        this.lines = lines;
        this.drainAt = new long[layout.cpus];
    }

    /** The machine's events under TSO: the charges, and when the step stored (so the SC path has not even a test for it). */
    Events events() {
        return new Stores();
    }

    private final class Stores implements Events {
        @Override
        public void on(int kind, int cpu, int a, int b) {
            costs.on(kind, cpu, a, b);
            if (kind == Event.SHARED_WRITE || kind == Event.PERCPU_WRITE || kind == Event.PTE_WRITE || kind == Event.ACK || kind == Event.LOCK && b == 0) {
                storeAt = costs.stepStart + costs.acc;
            }
        }
    }

    /** CPU {@code c}'s step begun at {@code t} is charged: the stores it buffered get their drain timers. */
    void stepped(int c, long t) {
        schedule(c, storeAt >= 0 ? storeAt : t + Math.max(1, costs.acc));
        storeAt = -1;
    }

    /** Gives each store the step just buffered (made at {@code at}) its drain. */
    private void schedule(int c, long at) {
        int count = s[cpuBase + c * stride + Layout.SB_COUNT];
        for (int k = ci[c * CI + SB_TIMED]; k < count; k++) {
            long d = Math.max(drainAt[c], at) + drainCycles;
            drainAt[c] = d;
            timers.add(d, c, DRAIN_TIMER);
        }
        ci[c * CI + SB_TIMED] = count;
    }

    /** CPU {@code c}'s oldest buffered store becomes visible at {@code t}: whoever waits on it looks again. */
    void drain(int c, long t) {
        costs.enterTimer(t);
        int addr = machine.drainStore(s, c);
        costs.leaveTimer();
        ci[c * CI + SB_TIMED]--;
        if (addr < 0) {
            // An ack (csd_unlock's store) reaches the initiator only now.
            int to = -1 - addr;
            wakeups.wake(to, t);
            spans.closeIfComplete(to, t);
        } else {
            int idx = lines.lineOf(addr);
            if (idx >= 0) {
                wakeups.written(idx, t);
            }
        }
        // A lock word (spin_unlock's store) or a word no guard read reports (a PMD) may have changed.
        wakeups.lockReleased(t, addr < 0 ? SpinLockQueues.NO_LOCK : addr);
        // The CPU's own step may be waiting for its buffer: a locked instruction, a fenced access, a store into a full buffer.
        wakeups.wake(c, t);
    }
}
