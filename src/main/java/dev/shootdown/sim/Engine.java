package dev.shootdown.sim;

import dev.shootdown.lang.Builtin;
import dev.shootdown.lang.UserError;
import dev.shootdown.model.Action;
import dev.shootdown.model.Code;
import dev.shootdown.model.CpuSets;
import dev.shootdown.model.Event;
import dev.shootdown.model.Events;
import dev.shootdown.model.Insn;
import dev.shootdown.model.Layout;
import dev.shootdown.model.Machine;
import dev.shootdown.model.CollectedCpuSets;
import dev.shootdown.model.MaskCpuSets;
import dev.shootdown.model.Program;
import dev.shootdown.model.Pte;
import dev.shootdown.model.Verdict;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The discrete-event simulator: runs a compiled {@link Program} on {@link Machine} (the checker's
 * semantics, unchanged) and resolves every choice the checker explores by time.
 *
 * <ul>
 * <li>Each CPU has a clock in cycles. A min-heap orders CPUs by the time of their next action,
 *     ties by CPU number. A step is applied at its start time; the CPU is then busy for the sum of
 *     the costs of the events it produced (the profile's flat per-kind table, plus cache-line
 *     transfers for shared, per-CPU and PTE lines: the last writer and last reader of each line
 *     are tracked and a transfer costs by topology distance).</li>
 * <li>An IPI sent at time t arrives after the profile's delivery latency and is taken at the first
 *     instruction boundary after arrival when interrupts are on. {@code compute(n)} and
 *     {@code idle(n)} are interruptible: the IPI is taken on arrival and the rest of the work
 *     resumes after the handler returns.</li>
 * <li>A CPU whose step is not enabled (wait, spin_lock, tlbsync) parks. It registers on the state
 *     words its guard read and is woken when another CPU writes one of them, when an ack or the
 *     last broadcast invalidation it waits for arrives, when a lock is released (for guards that read
 *     no variable), or when an IPI
 *     arrives for it: no rescan of all CPUs.</li>
 * <li>Broadcast invalidations (tlbie, INVLPGB, TLBI IS) are performed at each other CPU by a timer
 *     after the profile's broadcast latency, costing that CPU nothing.</li>
 * <li>The only random choice left is the TLB victim of a fill into a full TLB, drawn from a seeded
 *     {@link SplittableRandom}: a run is a function of (program, profile, seed).</li>
 * </ul>
 */
public final class Engine implements Events {
    private static final long NEVER = Long.MAX_VALUE;

    private final Program program;
    private final Machine machine;
    private final Layout layout;
    private final CpuSets sets;
    /** The large machines' CPU sets, collected between steps; null when sets are bit masks. */
    private final CollectedCpuSets collected;
    private int collectAt = 1 << 16;
    private final Profile profile;
    private final Topology topology;
    private final int n;
    private final int pages;
    private final int[] s;
    private final SplittableRandom random;
    private final SimTrace trace;
    // The slice each CPU is in, reported when it ends (a compute() can end early, at an interrupt): only with a trace.
    private long[] sliceStart;
    private int[] slicePhase;
    private String[] sliceLabel;
    private boolean[] sliceOpen;
    private String[] resumeLabel;
    private int[] resumePhase;
    private final long endCycle;

    private final long[] cost;
    private final long[] line;
    private final long[] ipiLatency;
    private final long[] bcastLatency;
    private final int[] core;
    private final int[] die;
    private final int[] socket;

    private final CpuQueue queue;
    private final TimerQueue timers = new TimerQueue();
    private final long[] clock;
    private final boolean[] parked;
    private final long[] parkedAt;
    private final int[] parkPhase;
    private final int[] parkGen;
    private final long[] preemptFrom;
    private final long[] residual;
    private final long[][] ipiTime;
    private final int[][] ipiWhat;
    private final int[] ipiCount;
    private final boolean[] spanOpen;
    private final long[] spanStart;
    private final boolean[] awaitingObserve;
    private final int[] outstanding;
    private final boolean[] ackPending;
    private final int[] lineWriter;
    private final int[] lineReader;
    private final int[] invalidatedPte;

    // Parked CPUs by the state word they wait on: singly linked lists in flat arrays.
    private final int[] watchHead;
    private int[] watchCpu = new int[1024];
    private int[] watchGen = new int[1024];
    private int[] watchNext = new int[1024];
    private int watchFree = -1;
    private int watchUsed;
    private final IntList lockWaiters = new IntList();
    private final boolean[] inLockWaiters;
    private final int[] locksHeld;
    // Parked initiators that got an ack during the current step, and when: re-examined when the step ends.
    private final IntList acked = new IntList();
    private final long[] ackedAt;

    // The step being executed.
    private int cur = -1;
    /** The CPU whose step just ended and is not yet back in the queue, or -1. */
    private int ready = -1;
    private long stepStart;
    private long acc;
    private long sdAcc;
    private long userAcc;
    private long idleAcc;
    private boolean sawWait;
    private long computeFrom;
    private boolean probing;
    private int[] probe = new int[48];
    private int probeLen;
    private boolean inTimer;

    private final long[] counts = new long[Event.COUNT];
    private final long[] phaseCycles = new long[Phase.COUNT];
    private final Histogram latency = new Histogram(3);
    private final Histogram callLatency = new Histogram(3);
    private long actions;
    private long shootdowns;
    private long missesCaused;
    private long missCausedCycles;
    private final List<SimViolation> violations = new ArrayList<>();
    private final EnumSet<Verdict> seen = EnumSet.noneOf(Verdict.class);
    private String stall;
    private long now;

    public Engine(Program program, Profile profile, SimOptions options) {
        this.program = program;
        this.n = program.cpus();
        if (n > 1024) {
            throw new UserError("the simulator runs at most 1024 CPUs (an action packs the CPU in 10 bits); this model has " + n);
        }
        this.profile = profile;
        this.topology = profile.topology().fit(n);
        this.collected = n > MaskCpuSets.MAX_CPUS ? new CollectedCpuSets(n) : null;
        this.machine = new Machine(program, collected != null ? collected : new MaskCpuSets());
        this.machine.canonicalFrames(false); // merging states is the checker's concern
        this.sets = machine.sets();
        this.machine.events(this);
        this.layout = machine.layout();
        this.pages = program.pages();
        checkBroadcast(program, profile);
        this.s = machine.initialState();
        if (collected != null) {
            collected.pinAll();
        }
        this.random = new SplittableRandom(options.seed());
        this.trace = options.trace();
        if (trace != null) {
            sliceStart = new long[program.cpus()];
            slicePhase = new int[program.cpus()];
            sliceLabel = new String[program.cpus()];
            sliceOpen = new boolean[program.cpus()];
            resumeLabel = new String[program.cpus()];
            resumePhase = new int[program.cpus()];
        }
        this.endCycle = profile.secondsToCycles(options.seconds());
        this.cost = profile.eventCycles();
        this.line = profile.lineCycles();
        this.ipiLatency = profile.ipiLatency();
        this.bcastLatency = profile.bcastLatency();
        core = new int[n];
        die = new int[n];
        socket = new int[n];
        for (int c = 0; c < n; c++) {
            core[c] = topology.core(c);
            die[c] = topology.die(c);
            socket[c] = topology.socket(c);
        }
        queue = new CpuQueue(n);
        clock = new long[n];
        parked = new boolean[n];
        parkedAt = new long[n];
        parkPhase = new int[n];
        parkGen = new int[n];
        preemptFrom = new long[n];
        Arrays.fill(preemptFrom, NEVER);
        residual = new long[n];
        ipiTime = new long[n][];
        ipiWhat = new int[n][];
        ipiCount = new int[n];
        spanOpen = new boolean[n];
        spanStart = new long[n];
        awaitingObserve = new boolean[n];
        outstanding = new int[n];
        ackPending = new boolean[n];
        inLockWaiters = new boolean[n];
        locksHeld = new int[n];
        ackedAt = new long[n];
        lineWriter = new int[layout.size];
        lineReader = new int[layout.size];
        Arrays.fill(lineWriter, -1);
        Arrays.fill(lineReader, -1);
        watchHead = new int[layout.size];
        Arrays.fill(watchHead, -1);
        invalidatedPte = new int[n * Math.max(1, pages)];
        for (int c = 0; c < n; c++) {
            queue.put(c, 0);
        }
    }

    private static void checkBroadcast(Program program, Profile profile) {
        boolean uses = false;
        List<Code> bodies = new ArrayList<>(program.cpuPrograms());
        bodies.addAll(program.handlers());
        for (Code code : bodies) {
            for (Insn i : code.insns()) {
                if (i instanceof Insn.Op o && (o.op() == Builtin.TLBIE || o.op() == Builtin.TLBSYNC)) {
                    uses = true;
                }
            }
        }
        if (uses && !profile.broadcastInvalidation()) {
            throw new UserError("the protocol uses tlbie/tlbsync (broadcast invalidation), which profile '" + profile.name()
                    + "' does not have; try --profile milan or --profile arm64");
        }
    }

    /** Runs to the end of the simulated time (or until no CPU can move) and returns the raw measurements. */
    public Run run() {
        long wall = System.nanoTime();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : -1;
        while (true) {
            if (ready >= 0) {
                // The CPU that just stepped is often still the earliest: run it again without a trip through the heap.
                int c = ready;
                ready = -1;
                long t = clock[c];
                if (t < endCycle && (timers.isEmpty() || t < timers.topTime())
                        && (queue.isEmpty() || t < queue.topTime() || (t == queue.topTime() && c < queue.topCpu()))) {
                    now = t;
                    runCpu(c, t);
                    collectIfNeeded();
                    continue;
                }
                queue.put(c, t);
            }
            long tCpu = queue.isEmpty() ? NEVER : queue.topTime();
            long tTimer = timers.isEmpty() ? NEVER : timers.topTime();
            long t = Math.min(tCpu, tTimer);
            if (t >= endCycle) {
                now = endCycle;
                break;
            }
            if (t == NEVER) {
                stall = "no CPU can move after " + String.format("%.3f", profile.cyclesToMicros(now)) + " us (all halted or blocked)";
                break;
            }
            now = t;
            if (tTimer <= tCpu) {
                fireTimer();
            } else {
                int c = queue.pop();
                runCpu(c, t);
            }
            collectIfNeeded();
        }
        long end = stall == null ? endCycle : now;
        for (int c = 0; c < n; c++) {
            if (trace != null) {
                closeSlice(c, Math.min(end, clock[c]));
            }
            if (parked[c] && end > parkedAt[c]) {
                phaseCycles[parkPhase[c]] += end - parkedAt[c];
                if (trace != null) {
                    trace.slice(c, parkedAt[c], end, parkPhase[c], "blocked");
                }
            }
        }
        double cpuSeconds = cpu0 < 0 ? Double.NaN : (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        return new Run(end, actions, (System.nanoTime() - wall) / 1e9, cpuSeconds);
    }

    private void openSlice(int c, long start, int phase, String label) {
        sliceStart[c] = start;
        slicePhase[c] = phase;
        sliceLabel[c] = label;
        sliceOpen[c] = true;
    }

    private void closeSlice(int c, long end) {
        if (sliceOpen[c]) {
            sliceOpen[c] = false;
            if (end > sliceStart[c]) {
                trace.slice(c, sliceStart[c], end, slicePhase[c], sliceLabel[c]);
            }
        }
    }

    private void collectIfNeeded() {
        if (collected != null && collected.live() > collectAt) {
            collected.collect(s);
            collectAt = Math.max(1 << 16, 2 * collected.live());
        }
    }

    /** The end of a run: the simulated cycles it covered, the actions it took, the wall and CPU time it took. */
    public record Run(long cycles, long actions, double wallSeconds, double cpuSeconds) {}

    // ---------------------------------------------------------------- one CPU's turn

    private void runCpu(int c, long t) {
        if (trace != null) {
            closeSlice(c, t);
        }
        if (parked[c]) {
            unpark(c, t);
        }
        int b = layout.cpu(c);
        int flags = s[b + Layout.FLAGS];
        if ((flags & Layout.IRQ_ON) != 0 && ipiCount[c] > 0 && takeArrivedIpi(c, t)) {
            return;
        }
        probing = true;
        probeLen = 0;
        int status = machine.stepStatus(s, c);
        probing = false;
        if (status < 0) {
            park(c, t, flags);
            return;
        }
        int victim = status == 1 ? chooseVictim(b) + 1 : 0;
        int action = Action.of(Action.STEP, c, victim);
        String label = trace == null || !trace.wants(t) ? null : machine.label(s, action);
        begin(c, t, profile.stepCycles());
        for (int i = 0; i < probeLen; i += 3) {
            charge(probe[i], c, probe[i + 1], probe[i + 2]);
        }
        int v = machine.apply(s, action, null);
        end(c, t, (flags & Layout.IN_HANDLER) != 0, v, label);
    }

    /** Takes the earliest IPI that has arrived by {@code t}; false when none has (or all were coalesced). */
    private boolean takeArrivedIpi(int c, long t) {
        while (ipiCount[c] > 0) {
            int k = -1;
            long best = NEVER;
            for (int i = 0; i < ipiCount[c]; i++) {
                if (ipiTime[c][i] <= t && ipiTime[c][i] < best) {
                    best = ipiTime[c][i];
                    k = i;
                }
            }
            if (k < 0) {
                return false;
            }
            int what = ipiWhat[c][k];
            int rest = ipiCount[c] - k - 1;
            System.arraycopy(ipiTime[c], k + 1, ipiTime[c], k, rest);
            System.arraycopy(ipiWhat[c], k + 1, ipiWhat[c], k, rest);
            ipiCount[c]--;
            int h = what >>> Action.SENDER_BITS;
            int from = what & Action.SENDER_MASK;
            if (!sets.contains(s[layout.cpu(c) + Layout.PENDING + h], from)) {
                continue; // coalesced with an earlier one of the same handler and sender (the APIC's IRR holds one)
            }
            int action = Action.of(Action.IPI, c, what);
            String label = trace == null || !trace.wants(t) ? null : machine.label(s, action);
            if (trace != null && residual[c] > 0) {
                resumeLabel[c] = sliceLabel[c];
                resumePhase[c] = slicePhase[c];
            }
            begin(c, t, 0);
            int v = machine.apply(s, action, null);
            end(c, t, true, v, label);
            return true;
        }
        return false;
    }

    private int chooseVictim(int b) {
        int valid = 0;
        for (int p = 0; p < pages; p++) {
            if (s[b + layout.tlb + p] != 0) {
                valid++;
            }
        }
        int pick = random.nextInt(valid);
        for (int p = 0; p < pages; p++) {
            if (s[b + layout.tlb + p] != 0 && pick-- == 0) {
                return p;
            }
        }
        throw new IllegalStateException("no TLB victim");
    }

    private void begin(int c, long t, long base) {
        cur = c;
        stepStart = t;
        acc = base;
        sdAcc = 0;
        userAcc = 0;
        idleAcc = 0;
        sawWait = false;
        computeFrom = NEVER;
        actions++;
    }

    private void end(int c, long t, boolean inHandler, int verdict, String label) {
        long dur = Math.max(1, acc);
        int phase;
        if (inHandler) {
            phase = Phase.HANDLER;
            phaseCycles[Phase.HANDLER] += dur;
        } else {
            long rest = dur - sdAcc - userAcc - idleAcc;
            phaseCycles[Phase.SHOOTDOWN] += sdAcc;
            phaseCycles[Phase.USER] += userAcc;
            phaseCycles[Phase.IDLE] += idleAcc;
            boolean observing = awaitingObserve[c] && sawWait;
            phaseCycles[observing ? Phase.SHOOTDOWN : Phase.KERNEL] += rest;
            phase = sdAcc > 0 || observing ? Phase.SHOOTDOWN : userAcc > 0 ? Phase.USER : idleAcc > 0 ? Phase.IDLE : Phase.KERNEL;
        }
        long next = t + dur;
        boolean nowInHandler = (s[layout.cpu(c) + Layout.FLAGS] & Layout.IN_HANDLER) != 0;
        if (trace != null) {
            if (inHandler && !nowInHandler && residual[c] > 0) {
                // The return from the interrupt (cut at the end of the run like any slice), then the rest of the
                // interrupted compute()/idle() under the label it began with, up to its end or the next interrupt.
                trace.slice(c, t, Math.min(next, endCycle), phase, label);
                openSlice(c, next, resumePhase[c], resumeLabel[c]);
            } else {
                openSlice(c, t, phase, label);
            }
        }
        if (inHandler && !nowInHandler && residual[c] > 0) {
            // Back from the interrupt into a preempted compute()/idle(): the rest of it, still interruptible.
            preemptFrom[c] = next;
            next += residual[c];
            residual[c] = 0;
        } else {
            preemptFrom[c] = computeFrom;
        }
        if (preemptFrom[c] != NEVER && ipiCount[c] > 0 && (s[layout.cpu(c) + Layout.FLAGS] & Layout.IRQ_ON) != 0) {
            // An IPI already in flight lands inside the interruptible part of this step.
            long first = NEVER;
            for (int i = 0; i < ipiCount[c]; i++) {
                first = Math.min(first, ipiTime[c][i]);
            }
            long at = Math.max(first, preemptFrom[c]);
            if (at < next) {
                residual[c] += next - at;
                preemptFrom[c] = NEVER;
                next = at;
            }
        }
        if (verdict >= 0) {
            Verdict v = Verdict.values()[verdict];
            if (seen.add(v)) {
                violations.add(new SimViolation(v.word(), c, profile.cyclesToMicros(t), machine.violationNote()));
            }
        }
        if (spanOpen[c] && complete(c)) {
            closeSpan(c, next);
        }
        if (awaitingObserve[c] && !spanOpen[c] && sawWait && !inHandler) {
            awaitingObserve[c] = false;
            callLatency.recordValue(next - spanStart[c]);
        }
        clock[c] = next;
        ready = c;
        cur = -1;
        if (acked.size > 0) {
            recheckAcked();
        }
    }

    /** Wakes the parked initiators whose guard an ack of the step just done made true, at the ack's time. */
    private void recheckAcked() {
        for (int i = 0; i < acked.size; i++) {
            int c = acked.data[i];
            long t = ackedAt[c];
            ackedAt[c] = 0;
            if (!parked[c] || (queue.contains(c) && queue.time(c) <= t)) {
                continue;
            }
            probing = true;
            probeLen = 0;
            int status = machine.stepStatus(s, c);
            probing = false;
            if (status >= 0) {
                wake(c, t);
            }
        }
        acked.size = 0;
    }

    // ---------------------------------------------------------------- blocking

    private void park(int c, long t, int flags) {
        parked[c] = true;
        parkedAt[c] = t;
        int gen = ++parkGen[c];
        boolean halted = machine.halted(s, c);
        parkPhase[c] = halted ? Phase.IDLE : (flags & Layout.IN_HANDLER) != 0 ? Phase.HANDLER : awaitingObserve[c] ? Phase.SHOOTDOWN : Phase.SPIN;
        if (!halted) {
            boolean watched = false;
            for (int i = 0; i < probeLen; i += 3) {
                int idx = readIndex(probe[i], probe[i + 1], probe[i + 2]);
                if (idx >= 0) {
                    watch(idx, c, gen);
                    watched = true;
                }
            }
            if (!watched && !inLockWaiters[c]) {
                inLockWaiters[c] = true;
                lockWaiters.add(c);
            }
        }
        if ((flags & Layout.IRQ_ON) != 0 && ipiCount[c] > 0) {
            long first = NEVER;
            for (int i = 0; i < ipiCount[c]; i++) {
                first = Math.min(first, ipiTime[c][i]);
            }
            queue.put(c, Math.max(first, t + 1));
        }
    }

    private void unpark(int c, long t) {
        parked[c] = false;
        phaseCycles[parkPhase[c]] += t - parkedAt[c];
        if (trace != null && t > parkedAt[c]) {
            trace.slice(c, parkedAt[c], t, parkPhase[c], "blocked");
        }
    }

    /** Schedules a parked CPU to re-examine its step at {@code t} (if it is not due earlier anyway). */
    private void wake(int c, long t) {
        if (!parked[c]) {
            return;
        }
        if (queue.contains(c) && queue.time(c) <= t) {
            return;
        }
        queue.put(c, t);
    }

    private void watch(int idx, int c, int gen) {
        int e;
        if (watchFree >= 0) {
            e = watchFree;
            watchFree = watchNext[e];
        } else {
            if (watchUsed == watchCpu.length) {
                int len = watchUsed * 2;
                watchCpu = Arrays.copyOf(watchCpu, len);
                watchGen = Arrays.copyOf(watchGen, len);
                watchNext = Arrays.copyOf(watchNext, len);
            }
            e = watchUsed++;
        }
        watchCpu[e] = c;
        watchGen[e] = gen;
        watchNext[e] = watchHead[idx];
        watchHead[idx] = e;
    }

    /** A write to state word {@code idx} at time {@code t}: every CPU parked on it re-examines its step. */
    private void written(int idx, long t) {
        int e = watchHead[idx];
        if (e < 0) {
            return;
        }
        watchHead[idx] = -1;
        while (e >= 0) {
            int next = watchNext[e];
            int c = watchCpu[e];
            if (parked[c] && parkGen[c] == watchGen[e]) {
                wake(c, t);
            }
            watchNext[e] = watchFree;
            watchFree = e;
            e = next;
        }
    }

    private void wakeLockWaiters(long t) {
        for (int i = 0; i < lockWaiters.size; i++) {
            inLockWaiters[lockWaiters.data[i]] = false;
            wake(lockWaiters.data[i], t);
        }
        lockWaiters.size = 0;
    }

    private int readIndex(int kind, int a, int b) {
        return switch (kind) {
            case Event.SHARED_READ -> a;
            case Event.PERCPU_READ -> layout.cpu(b) + layout.perCpu + a;
            case Event.PTE_READ -> layout.pteBase + a;
            default -> -1;
        };
    }

    // ---------------------------------------------------------------- IPIs and broadcasts

    private void sendIpi(int from, int target, int handler, long at) {
        long arrive = at + ipiLatency[distance(from, target)];
        if (ipiTime[target] == null) {
            ipiTime[target] = new long[4];
            ipiWhat[target] = new int[4];
        } else if (ipiCount[target] == ipiTime[target].length) {
            ipiTime[target] = Arrays.copyOf(ipiTime[target], ipiCount[target] * 2);
            ipiWhat[target] = Arrays.copyOf(ipiWhat[target], ipiCount[target] * 2);
        }
        ipiTime[target][ipiCount[target]] = arrive;
        ipiWhat[target][ipiCount[target]++] = (handler << Action.SENDER_BITS) | from;
        if (parked[target]) {
            wake(target, arrive);
        } else if (queue.contains(target) && preemptFrom[target] != NEVER && (s[layout.cpu(target) + Layout.FLAGS] & Layout.IRQ_ON) != 0) {
            // Interrupts compute()/idle() on arrival; the rest resumes after the handler.
            long take = Math.max(arrive, preemptFrom[target]);
            if (take < queue.time(target)) {
                residual[target] += queue.time(target) - take;
                preemptFrom[target] = NEVER;
                clock[target] = take;
                queue.put(target, take);
            }
        }
    }

    private void fireTimer() {
        int target = timers.topA();
        int arg = timers.topB();
        long t = timers.topTime();
        timers.pop();
        int page = arg / n;
        int issuer = arg % n;
        noteInvalidation(target, page);
        inTimer = true;
        actions++;
        int v = machine.performBroadcast(s, target, page, issuer);
        inTimer = false;
        if (v >= 0 && seen.add(Verdict.values()[v])) {
            violations.add(new SimViolation(Verdict.values()[v].word(), target, profile.cyclesToMicros(t), machine.violationNote()));
        }
        if (--outstanding[issuer] == 0) {
            wake(issuer, t);
            if (spanOpen[issuer] && complete(issuer)) {
                closeSpan(issuer, t);
            }
        }
    }

    // ---------------------------------------------------------------- shootdown spans

    private void openSpan(int c, long t) {
        if (spanOpen[c] || (s[layout.cpu(c) + Layout.FLAGS] & Layout.IN_HANDLER) != 0) {
            return;
        }
        spanOpen[c] = true;
        spanStart[c] = t;
        awaitingObserve[c] = true;
        shootdowns++;
    }

    private boolean complete(int c) {
        return s[layout.cpu(c) + Layout.ACK_WAIT] == 0 && outstanding[c] == 0;
    }

    private void closeSpan(int c, long t) {
        spanOpen[c] = false;
        latency.recordValue(Math.max(0, t - spanStart[c]));
    }

    // ---------------------------------------------------------------- costs

    private int distance(int a, int b) {
        if (a == b) {
            return Topology.SELF;
        }
        if (core[a] == core[b]) {
            return Topology.SMT;
        }
        if (die[a] == die[b]) {
            return Topology.DIE;
        }
        return socket[a] == socket[b] ? Topology.SOCKET : Topology.REMOTE;
    }

    private long readLine(int idx, int c) {
        int w = lineWriter[idx];
        if (w < 0 || w == c || lineReader[idx] == c) {
            return line[Topology.SELF];
        }
        lineReader[idx] = c;
        return line[distance(c, w)];
    }

    private long writeLine(int idx, int c) {
        int w = lineWriter[idx];
        int r = lineReader[idx];
        int holder = r >= 0 && r != c ? r : w;
        lineWriter[idx] = c;
        lineReader[idx] = -1;
        return holder < 0 || holder == c ? line[Topology.SELF] : line[distance(c, holder)];
    }

    /** Remembers the PTE a dropped TLB entry was filled from, to tell refills an invalidation caused. */
    private void noteInvalidation(int c, int page) {
        if (s[layout.cpu(c) + layout.tlb + page] != 0) {
            int pte = s[layout.pteBase + page];
            invalidatedPte[c * pages + page] = Pte.present(pte) ? pte : 0;
        }
    }

    @Override
    public void on(int kind, int cpu, int a, int b) {
        if (probing) {
            if (kind == Event.SHARED_READ || kind == Event.PERCPU_READ || kind == Event.PTE_READ) {
                if (probeLen + 3 > probe.length) {
                    probe = Arrays.copyOf(probe, probe.length * 2);
                }
                probe[probeLen++] = kind;
                probe[probeLen++] = a;
                probe[probeLen++] = b;
            }
            return;
        }
        if (inTimer) {
            counts[kind]++;
            if (trace != null) {
                trace.event(now, cpu, kind, a, b);
            }
            return;
        }
        charge(kind, cpu, a, b);
    }

    private void charge(int kind, int c, int a, int b) {
        counts[kind]++;
        if (trace != null) {
            trace.event(stepStart + acc, c, kind, a, b);
        }
        long k = cost[kind];
        switch (kind) {
            case Event.SHARED_READ -> acc += k + readLine(a, c);
            case Event.PERCPU_READ -> acc += k + readLine(layout.cpu(b) + layout.perCpu + a, c);
            case Event.PTE_READ -> acc += k + readLine(layout.pteBase + a, c);
            case Event.SHARED_WRITE -> {
                acc += k + writeLine(a, c);
                written(a, stepStart + acc);
            }
            case Event.PERCPU_WRITE -> {
                int idx = layout.cpu(b) + layout.perCpu + a;
                acc += k + writeLine(idx, c);
                written(idx, stepStart + acc);
            }
            case Event.PTE_WRITE, Event.PTE_ATOMIC -> {
                int idx = layout.pteBase + a;
                acc += k + writeLine(idx, c);
                written(idx, stepStart + acc);
            }
            case Event.LOCK -> {
                locksHeld[c] += b == 1 ? 1 : locksHeld[c] > 0 ? -1 : 0;
                acc += k + writeLine(a, c);
                written(a, stepStart + acc);
                if (b == 0) {
                    wakeLockWaiters(stepStart + acc);
                }
            }
            case Event.TLB_MISS -> {
                long walk = k + readLine(layout.pteBase + a, c);
                acc += walk;
                userAcc += walk;
                int at = c * pages + a;
                int was = invalidatedPte[at];
                if (was != 0) {
                    int pte = s[layout.pteBase + a];
                    if (Pte.present(pte) && Pte.pfn(pte) == Pte.pfn(was)) {
                        missesCaused++;
                        missCausedCycles += walk;
                    }
                    invalidatedPte[at] = 0;
                }
            }
            case Event.TLB_HIT, Event.USER_ACCESS, Event.DIRTY_REWALK, Event.EVICT -> {
                acc += k;
                userAcc += k;
            }
            case Event.COMPUTE -> {
                // Work done holding a spin lock is kernel work (a critical section); otherwise user work.
                computeFrom = stepStart + acc;
                acc += a;
                if (locksHeld[c] == 0) {
                    userAcc += a;
                }
            }
            case Event.IDLE -> {
                computeFrom = stepStart + acc;
                acc += a;
                idleAcc += a;
            }
            case Event.INVLPG -> {
                noteInvalidation(c, a);
                acc += k;
                sdAcc += k;
            }
            case Event.FLUSH_ALL -> {
                for (int p = 0; p < pages; p++) {
                    noteInvalidation(c, p);
                }
                acc += k;
                sdAcc += k;
            }
            case Event.TLBIE -> {
                openSpan(c, stepStart + acc);
                acc += k;
                sdAcc += k;
                long at = stepStart + acc;
                int arg = a * n + c; // page and issuer of the invalidation
                for (int t = 0; t < n; t++) {
                    if (t != c) {
                        timers.add(at + bcastLatency[distance(c, t)], t, arg);
                        outstanding[c]++;
                    }
                }
            }
            case Event.TLBSYNC -> {
                acc += k;
                sdAcc += k;
                sawWait = true;
            }
            case Event.IPI_SEND -> {
                // Queueing the call locks the initiator's ack word (Linux: the csd lock), which the ack will take away again.
                openSpan(c, stepStart + acc);
                long send = k + writeLine(layout.cpu(c) + Layout.ACK_WAIT, c);
                acc += send;
                sdAcc += send;
                sendIpi(c, a, b, stepStart + acc);
            }
            case Event.IPI_ENTER, Event.IRET -> acc += k;
            case Event.ACK -> {
                // The responder's store to the initiator's ack word (Linux: the csd lock word) is a remote write.
                int idx = layout.cpu(a) + Layout.ACK_WAIT;
                acc += k + writeLine(idx, c);
                long t = stepStart + acc;
                ackPending[a] = true;
                if (parked[a]) {
                    // Most acks leave the initiator waiting for others: look at its guard once this step is done
                    // instead of scheduling it for every ack.
                    if (ackedAt[a] == 0) {
                        acked.add(a);
                    }
                    ackedAt[a] = t;
                }
                if (spanOpen[a] && complete(a)) {
                    closeSpan(a, t);
                }
            }
            case Event.WAIT_DONE -> {
                sawWait = true;
                if (ackPending[c]) {
                    // The wait's last poll reads the ack word the last responder wrote.
                    ackPending[c] = false;
                    acc += readLine(layout.cpu(c) + Layout.ACK_WAIT, c);
                }
            }
            default -> acc += k;
        }
    }

    // ---------------------------------------------------------------- results

    public SimResult result(Run run, String file, String workload, String opDefinition, long seed) {
        long ops = 0;
        int opsVar = -1;
        for (int v = 0; v < program.perCpu().size(); v++) {
            if (program.perCpu().get(v).name().equals("sim_ops")) {
                opsVar = v;
            }
        }
        if (opsVar >= 0) {
            for (int c = 0; c < n; c++) {
                ops += s[layout.cpu(c) + layout.perCpu + opsVar];
            }
        }
        long machineEvents = 0;
        for (long x : counts) {
            machineEvents += x;
        }
        return new SimResult(file, workload, opDefinition, profile.name(), profile.ghz(), n, seed, run.cycles() / (profile.ghz() * 1e9),
                run.actions(), machineEvents, run.wallSeconds(), run.cpuSeconds(), counts.clone(), phaseCycles.clone(), latency.copy(), callLatency.copy(), shootdowns, ops,
                missesCaused, missCausedCycles, List.copyOf(violations), stall);
    }

    /** The state (for tests and traces): CPU {@code c}'s clock is its next ready time. */
    public long clock(int c) {
        return clock[c];
    }

    public int[] state() {
        return s;
    }

    /** How many CPU sets the run made and how often they were collected (0, 0 with bit-mask sets). */
    public long[] cpuSetStats() {
        return collected == null ? new long[2] : new long[] {collected.made(), collected.collections()};
    }

    public Machine machine() {
        return machine;
    }

    public Topology topology() {
        return topology;
    }

    /** A growable int list without boxing. */
    private static final class IntList {
        int[] data = new int[16];
        int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }
    }
}
