package dev.shootdown.sim;

import dev.shootdown.lang.Position;
import dev.shootdown.model.Code;
import dev.shootdown.model.CpuSets;
import dev.shootdown.model.Event;
import dev.shootdown.model.Layout;
import dev.shootdown.model.Machine;
import dev.shootdown.model.Program;
import dev.shootdown.model.Pte;

import java.util.ArrayList;
import java.util.List;

import static dev.shootdown.sim.CpuRecords.BLOCKED;
import static dev.shootdown.sim.CpuRecords.BLOCKED_IN_HANDLER;
import static dev.shootdown.sim.CpuRecords.BLOCKED_PC;
import static dev.shootdown.sim.CpuRecords.CB;
import static dev.shootdown.sim.CpuRecords.CI;
import static dev.shootdown.sim.CpuRecords.CL;
import static dev.shootdown.sim.CpuRecords.OUTSTANDING;
import static dev.shootdown.sim.CpuRecords.PARKED_AT;
import static dev.shootdown.sim.CpuRecords.SPINS_ON;

/**
 * Stalls and deadlocks. A CPU is blocked from when its step is first found not enabled until that
 * step runs, whatever interrupts it takes meanwhile. A run in which some CPU with work left stays
 * blocked for the stall bound is a stall; one in which nothing can happen any more while some CPU
 * has work left is a deadlock. Either is reported with each blocked CPU's place and what it waits
 * on (the words its guard read, acks, a lock's queue, its handler, its store buffer).
 */
final class StallDetector {
    /** How many times the longest compute()/idle() or finished wait of the run a CPU may stay blocked before it is stalled. */
    static final int STALL_FACTOR = 10;

    private final Machine machine;
    private final Program program;
    private final Layout layout;
    private final CpuSets sets;
    private final int[] s;
    private final int n;
    private final Profile profile;
    private final long[] cl;
    private final int[] ci;
    private final boolean[] cb;
    private final SpinLockQueues locks;
    private final EventCosts costs;
    /** Per CPU, when its step was first found not enabled, while {@link CpuRecords#BLOCKED}. */
    private final long[] blockedSince;
    /** Per CPU, while {@link CpuRecords#BLOCKED}: the handler it is blocked in, or -1 for its program. */
    private final int[] blockedCode;
    /** The least a CPU may stay blocked before the run is a stall ({@link SimOptions#stallSeconds}); see {@link #bound}. */
    final long stallCycles;
    /** The longest a CPU has been blocked and then moved on, so far in the run. */
    private long longestWait;

    StallDetector(Machine machine, Program program, int[] s, Profile profile, CpuRecords records, SpinLockQueues locks, EventCosts costs,
                  double stallSeconds) {
        this.machine = machine;
        this.program = program;
        this.layout = machine.layout();
        this.sets = machine.sets();
        this.s = s;
        this.n = program.cpus();
        this.profile = profile;
        this.cl = records.cl;
        this.ci = records.ci;
        this.cb = records.cb;
        this.locks = locks;
        this.costs = costs;
        this.blockedSince = new long[n];
        this.blockedCode = new int[n];
        this.stallCycles = Math.max(1, profile.secondsToCycles(stallSeconds));
    }

    /** CPU {@code c} (with these flags) parks at {@code t} with work left: it is blocked from now, if it was not already. */
    void block(int c, long t, int flags) {
        if (cb[c * CB + BLOCKED]) {
            return;
        }
        cb[c * CB + BLOCKED] = true;
        cb[c * CB + BLOCKED_IN_HANDLER] = (flags & Layout.IN_HANDLER) != 0;
        blockedSince[c] = t;
        blockedCode[c] = (flags & Layout.IN_HANDLER) != 0 ? flags >>> Layout.HANDLER_SHIFT : -1;
        ci[c * CI + BLOCKED_PC] = s[layout.cpu(c) + Layout.PC];
        int lock = locks.spinsOn(c, flags);
        ci[c * CI + SPINS_ON] = lock;
        if (lock >= 0) {
            locks.enqueue(lock, c);
        }
    }

    /** Blocked CPU {@code c} (with these flags) is about to step: if it is where it was blocked, it moves on. */
    void unblocked(int c, long t, int flags) {
        // A step at the other level is a handler it took meanwhile.
        if (cb[c * CB + BLOCKED_IN_HANDLER] == ((flags & Layout.IN_HANDLER) != 0)) {
            cb[c * CB + BLOCKED] = false;
            longestWait = Math.max(longestWait, t - blockedSince[c]);
        }
    }

    /** At {@code now} nothing can happen any more: null when every CPU has halted, else the deadlock and what the CPUs wait at. */
    SimResult.Liveness deadlock(long now) {
        List<SimResult.Blocked> named = new ArrayList<>();
        int count = 0;
        for (int c = 0; c < n; c++) {
            if (!machine.halted(s, c) && count++ < SimResult.Liveness.NAMED) {
                named.add(blocked(c));
            }
        }
        if (count == 0) {
            return null;
        }
        return new SimResult.Liveness(true, profile.cyclesToMicros(now), Double.NaN, count, List.copyOf(named));
    }

    /**
     * The stall at {@code t}, or null: whether some CPU with work left has been blocked for the stall
     * bound by then (its step not enabled all that time, whatever interrupts it took meanwhile): a
     * liveness failure as a deadlock is, though ticks and other CPUs' work keep the run going.
     */
    SimResult.Liveness find(long t) {
        long bound = bound();
        List<SimResult.Blocked> named = new ArrayList<>();
        int count = 0;
        for (int c = 0; c < n; c++) {
            if (cb[c * CB + BLOCKED] && t - blockedSince[c] >= bound && count++ < SimResult.Liveness.NAMED) {
                named.add(blocked(c));
            }
        }
        if (count == 0) {
            return null;
        }
        return new SimResult.Liveness(false, profile.cyclesToMicros(t), profile.cyclesToMicros(bound), count, List.copyOf(named));
    }

    /**
     * How long a CPU may stay blocked before it is stalled: many times the longest operation the run has
     * shown (a compute()/idle(), or a wait that ended), so that a wait which grows with the machine (a lock
     * convoy of a thousand CPUs, a rendezvous under one big lock) is not taken for one; and never less than
     * the run's floor ({@link SimOptions#stallSeconds}).
     */
    private long bound() {
        long longest = Math.max(costs.longestWork, longestWait);
        return Math.max(stallCycles, longest > Long.MAX_VALUE / STALL_FACTOR ? Long.MAX_VALUE : longest * STALL_FACTOR);
    }

    /** Blocked CPU {@code c}: where, since when, and what it waits on (its guard's reads, as the events sink reports them). */
    private SimResult.Blocked blocked(int c) {
        int b = layout.cpu(c);
        int flags = s[b + Layout.FLAGS];
        List<String> why = new ArrayList<>();
        if ((flags & Layout.IN_HANDLER) != 0) {
            int h = flags >>> Layout.HANDLER_SHIFT;
            why.add("in IPI handler " + program.handlers().get(h).name() + " from cpu" + s[b + layout.handlerLocals]);
        } else if ((flags & Layout.IRQ_ON) == 0) {
            why.add("interrupts off");
        }
        costs.probeStatus(c);
        List<String> reads = new ArrayList<>();
        for (int i = 0; i < costs.probeLen; i += 3) {
            String r = readName(costs.probe[i], costs.probe[i + 1], costs.probe[i + 2]);
            if (r != null && !reads.contains(r)) {
                reads.add(r);
            }
        }
        if (!reads.isEmpty()) {
            why.add("reads " + String.join(", ", reads));
        }
        if (s[b + Layout.ACK_WAIT] != 0) {
            why.add("acks outstanding from " + cpuList(s[b + Layout.ACK_WAIT]));
        }
        int lock = cb[c * CB + BLOCKED] ? ci[c * CI + SPINS_ON] : SpinLockQueues.NO_LOCK;
        if (lock >= 0) {
            int ahead = locks.ahead(lock, c);
            why.add("lock " + wordName(lock) + " = " + s[lock] + ", " + ahead + " CPU" + (ahead == 1 ? "" : "s") + " queued ahead");
        }
        if (ci[c * CI + OUTSTANDING] > 0) {
            why.add(ci[c * CI + OUTSTANDING] + " broadcast invalidations outstanding");
        }
        if (s[b + Layout.SB_COUNT] > 0) {
            why.add(s[b + Layout.SB_COUNT] + " stores in its store buffer");
        }
        // Where it has been blocked: a CPU blocked in its program may be in a handler it took meanwhile (said above).
        String label = machine.stepLabel(s, c);
        Position at = null;
        long since = cl[c * CL + PARKED_AT];
        if (cb[c * CB + BLOCKED]) {
            Code code = blockedCode[c] >= 0 ? program.handlers().get(blockedCode[c]) : program.cpuPrograms().get(c);
            label = code.labels()[ci[c * CI + BLOCKED_PC]];
            at = code.positions()[ci[c * CI + BLOCKED_PC]];
            since = blockedSince[c];
        }
        return new SimResult.Blocked(c, label, at == null ? null : at.file().name() + ":" + at.line(), profile.cyclesToMicros(since), String.join("; ", why));
    }

    /** A word a guard read, with its value in memory: {@code x = 0}, {@code flag[3] = 1}, {@code PTE p = 0x...}. */
    private String readName(int kind, int a, int b) {
        return switch (kind) {
            case Event.SHARED_READ -> program.shared().get(a).name() + " = " + s[a];
            case Event.PERCPU_READ -> program.perCpu().get(a).name() + "[" + b + "] = " + s[layout.cpu(b) + layout.perCpu + a];
            case Event.PTE_READ -> "PTE " + program.pageNames().get(a) + " = " + (Pte.present(s[layout.pteBase + a]) ? "present" : "not present");
            default -> null;
        };
    }

    /** The name of a shared or per-CPU variable given as a state index: {@code lru_lock}, {@code flag[3]}. */
    private String wordName(int index) {
        if (index < layout.cpuBase) {
            return program.shared().get(index).name();
        }
        int c = (index - layout.cpuBase) / layout.stride;
        return program.perCpu().get(index - layout.cpu(c) - layout.perCpu).name() + "[" + c + "]";
    }

    /** A CPU set as ranges: {@code cpu1-7, cpu9}. */
    private String cpuList(int set) {
        StringBuilder out = new StringBuilder();
        for (int c = sets.next(set, 0); c >= 0; ) {
            int last = c;
            while (sets.next(set, last + 1) == last + 1) {
                last++;
            }
            out.append(out.length() == 0 ? "" : ", ").append("cpu").append(c).append(last > c ? "-" + last : "");
            c = sets.next(set, last + 1);
        }
        return out.toString();
    }
}
