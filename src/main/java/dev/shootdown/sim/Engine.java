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
 *     no variable; of the CPUs queued for that lock, only the head: spin locks hand over in arrival
 *     order), or when an IPI arrives for it: no rescan of all CPUs. One that stays parked for the
 *     stall bound with work left is a stall, reported as a deadlock is.</li>
 * <li>Under {@code memory tso} each buffered store drains by a timer, {@code store_drain} cycles
 *     after it (entries in order).</li>
 * <li>Broadcast invalidations (tlbie, INVLPGB, TLBI IS) are performed at each other CPU by a timer
 *     after the profile's broadcast latency, costing that CPU nothing.</li>
 * <li>The only random choice left is the TLB victim of a fill into a full TLB, drawn from a seeded
 *     {@link SplittableRandom}: a run is a function of (program, profile, seed).</li>
 * </ul>
 */
public final class Engine implements Events {
    private static final long NEVER = Long.MAX_VALUE;
    /** How many engine events pass between two calls of the run's progress hook. */
    public static final int PROGRESS_EVERY = 1 << 16;
    /** The most CPUs a run can have. */
    public static final int MAX_CPUS = 1 << Action.SENDER_BITS;

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
    private final SimOptions.Progress progress;
    // The slice each CPU is in, reported when it ends (a compute() can end early, at an interrupt): only with a trace.
    private long[] sliceStart;
    private int[] slicePhase;
    private String[] sliceLabel;
    private boolean[] sliceOpen;
    private String[] resumeLabel;
    private int[] resumePhase;
    private final long endCycle;
    /** Cycles between timer ticks, or NEVER without ticks. */
    private final long tickPeriod;

    private final long[] cost;
    private final long[] line;
    private final long[] ipiLatency;
    private final long[] bcastLatency;

    // Per-CPU engine state, one record per CPU in three arrays (times, counters, flags) so a step
    // touches a few cache lines instead of one line in each of twenty arrays.
    private static final int CL = 8;
    private static final int CLOCK = 0;
    private static final int PARKED_AT = 1;
    private static final int PREEMPT_FROM = 2;
    private static final int RESIDUAL = 3;
    private static final int SPAN_START = 4;
    private static final int ACKED_AT = 5;
    private static final int NEXT_TICK = 6;
    /** Where in the period the CPU's ticks fall: 0, or its skew_tick offset. */
    private static final int TICK_OFFSET = 7;
    private static final int CI = 8;
    private static final int PARK_PHASE = 0;
    private static final int PARK_GEN = 1;
    private static final int IPI_COUNT = 2;
    private static final int OUTSTANDING = 3;
    private static final int LOCKS_HELD = 4;
    /** TSO: the entries of the CPU's store buffer that have their drain timer. */
    private static final int SB_TIMED = 5;
    /** While {@link #BLOCKED}: the state index of the lock its spin_lock waits for, {@link #NO_LOCK} or {@link #ANY_LOCK}. */
    private static final int SPINS_ON = 6;
    /** Where the CPU is blocked ({@link #BLOCKED}): the pc, in its program or in the handler {@code blockedCode} names. */
    private static final int BLOCKED_PC = 7;
    private static final int NO_LOCK = -1;
    /** A spin_lock whose lock word the engine cannot tell before the step runs (a per-CPU lock of a computed CPU). */
    private static final int ANY_LOCK = -2;
    private static final int CB = 8;
    private static final int PARKED = 0;
    private static final int SPAN_OPEN = 1;
    private static final int AWAITING_OBSERVE = 2;
    private static final int ACK_PENDING = 3;
    private static final int IN_LOCK_WAITERS = 4;
    /** The interruptible work the CPU is in (or was preempted from) is idle(), which the tick leaves alone. */
    private static final int IDLE_RUN = 5;
    /** The CPU's next step has not been enabled since {@link #blockedSince}: it has work left and makes no progress. */
    private static final int BLOCKED = 6;
    /** Where it is blocked: in an interrupt handler (which cannot be left until it moves) or in its program. */
    private static final int BLOCKED_IN_HANDLER = 7;
    private final long[] cl;
    /** Per CPU where it sits, packed ({@link Topology#place}): one load per CPU and no branch to tell a distance. */
    private final long[] place;
    private final int[] ci;
    private final boolean[] cb;
    private final CpuQueue queue;
    /** Per CPU, when its step was first found not enabled, while {@link #BLOCKED}. */
    private final long[] blockedSince;
    /** Per CPU, while {@link #BLOCKED}: the handler it is blocked in, or -1 for its program. */
    private final int[] blockedCode;
    /** The least a CPU may stay blocked before the run is a stall ({@link SimOptions#stallSeconds}); see {@link #stallBound}. */
    private final long stallCycles;
    /** How many times the longest compute()/idle() or finished wait of the run a CPU may stay blocked before it is stalled. */
    static final int STALL_FACTOR = 10;
    /** The longest compute()/idle() of the run so far: user work that is no wait, however long. */
    private long longestWork;
    /** The longest a CPU has been blocked and then moved on, so far in the run. */
    private long longestWait;
    /** When the run next looks for stalled CPUs (at most a quarter of the bound after one stalls), or its end. */
    private long checkAt;
    /** The CPUs of the stall or deadlock that ended the run, with what each waits on. */
    private SimResult.Liveness liveness;
    private final TimerQueue timers = new TimerQueue();
    /** A timer's second payload word when it is a store-buffer drain (a broadcast's is page * CPUs + issuer, never negative). */
    private static final int DRAIN_TIMER = -1;
    /** x86-TSO ({@code memory tso}): kernel stores wait in per-CPU store buffers, which drain by time. */
    private final boolean tso;
    /** TSO: per CPU, when the youngest entry of its store buffer becomes visible (entries drain in order). */
    private final long[] drainAt;
    /** TSO: when the step being executed made its last store, or -1 if it made none (yet). */
    private long storeAt = -1;
    // The IPIs in flight to each CPU, in the order sent: CPU c's at [c * ipiCap, c * ipiCap + count), flat
    // so that a step touches no per-CPU object; every CPU's room doubles when one CPU's is full.
    private int ipiCap = 4;
    private long[] ipiTime;
    private int[] ipiWhat;
    // Cache lines are numbered densely: the shared variables, then per CPU its per-CPU variables and its ack
    // word, then the PTEs. Only those words are lines, so the per-line arrays below hold nothing for the rest of
    // a CPU's state (its TLB, frames, control words), which keeps a thousand CPUs' engine state small.
    /** {@link Layout#cpuBase} and {@link Layout#stride}: one load each from here instead of two. */
    private final int cpuBase;
    private final int stride;
    private final int perCpuLines;
    private final int cpuLineBase;
    private final int pteLineBase;
    /** Per line, the last CPU to write it and the last other CPU to read it, side by side. */
    private final int[] lineHolders;
    private final int[] invalidatedPte;

    // Parked CPUs by the state word they wait on: singly linked lists in flat arrays.
    private final int[] watchHead;
    private int[] watchCpu = new int[1024];
    private int[] watchGen = new int[1024];
    private int[] watchNext = new int[1024];
    private int watchFree = -1;
    private int watchUsed;
    private final IntList lockWaiters = new IntList();
    // Spin-lock queues. Linux's spin locks queue their waiters and hand the lock over in arrival order (qspinlock's
    // MCS queue: commit a33fda35e3a7, kernel/locking/qspinlock.c). Woken all at once on a release, waiters would take
    // the lock in CPU order, the lowest number every time, and the highest could starve for the whole run. So per
    // lock word a queue of the CPUs blocked at spin_lock on it, and from a release until its head has taken the lock,
    // the lock is kept for that head: any other CPU's spin_lock on it waits, newcomers too.
    private int[] qWord = new int[4];
    private int[] qHead = new int[4];
    private int[] qTail = new int[4];
    /** The CPU the lock is kept for, or -1. */
    private int[] qKeptFor = new int[4];
    private int queues;
    /** How many locks are kept: the step path looks for a kept lock only when some is. */
    private int kept;
    /** Per CPU, the next CPU in its lock's queue: -1 at the tail, {@link #NOT_QUEUED} in none. */
    private final int[] qNext;
    private static final int NOT_QUEUED = -2;
    // Parked initiators that got an ack during the current step, and when: re-examined when the step ends.
    private final IntList acked = new IntList();

    // The step being executed.
    private int cur = -1;
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
        if (n > MAX_CPUS) {
            throw new UserError("the simulator runs at most " + MAX_CPUS + " CPUs (an IPI in flight names its sender in "
                    + Action.SENDER_BITS + " bits); this model has " + n);
        }
        this.profile = profile;
        this.topology = profile.topology().fit(n);
        this.collected = n > MaskCpuSets.MAX_CPUS ? new CollectedCpuSets(n) : null;
        this.machine = new Machine(program, collected != null ? collected : new MaskCpuSets());
        this.machine.canonicalFrames(false); // merging states is the checker's concern
        this.sets = machine.sets();
        this.tso = program.hardware().memory() == dev.shootdown.model.Hardware.MemoryModel.TSO;
        // Under TSO a sink of its own notes when each step stores, so the SC path has not even a test for it.
        this.machine.events(tso ? new TsoEvents() : this);
        this.layout = machine.layout();
        this.pages = program.pages();
        checkBroadcast(program, profile);
        this.s = machine.initialState();
        if (collected != null) {
            collected.pinAll();
        }
        this.random = new SplittableRandom(options.seed());
        this.trace = options.trace();
        this.progress = options.progress();
        if (trace != null) {
            sliceStart = new long[program.cpus()];
            slicePhase = new int[program.cpus()];
            sliceLabel = new String[program.cpus()];
            sliceOpen = new boolean[program.cpus()];
            resumeLabel = new String[program.cpus()];
            resumePhase = new int[program.cpus()];
        }
        this.endCycle = profile.secondsToCycles(options.seconds());
        this.tickPeriod = options.tickHz() > 0 ? Math.max(1, Math.round(profile.ghz() * 1e9 / options.tickHz())) : NEVER;
        this.cost = profile.eventCycles();
        this.line = profile.lineCycles();
        this.ipiLatency = profile.ipiLatency();
        this.bcastLatency = profile.bcastLatency();
        this.drainAt = tso ? new long[n] : null;
        cl = new long[n * CL];
        ci = new int[n * CI];
        cb = new boolean[n * CB];
        place = new long[n];
        for (int c = 0; c < n; c++) {
            cl[c * CL + PREEMPT_FROM] = NEVER;
            // Every CPU's tick on the same jiffy edge: Linux's default (skew_tick=0, Documentation/admin-guide/kernel-parameters.txt).
            // With skew_tick=1, CPU c's is offset by (half a tick / the CPUs) x c, as tick_sched_timer's setup does
            // (kernel/time/tick-sched.c: offset = TICK_NSEC >> 1, divided by num_possible_cpus(), times the CPU).
            long offset = options.tickSkew() && tickPeriod != NEVER ? (tickPeriod >> 1) / n * c : 0;
            cl[c * CL + TICK_OFFSET] = offset;
            cl[c * CL + NEXT_TICK] = tickPeriod == NEVER ? NEVER : tickPeriod + offset;
            place[c] = topology.place(c);
        }
        queue = new CpuQueue(n);
        blockedSince = new long[n];
        blockedCode = new int[n];
        qNext = new int[n];
        Arrays.fill(qNext, NOT_QUEUED);
        stallCycles = Math.max(1, profile.secondsToCycles(options.stallSeconds()));
        checkAt = Math.min(endCycle, stallCycles);
        ipiTime = new long[n * ipiCap];
        ipiWhat = new int[n * ipiCap];
        cpuBase = layout.cpuBase;
        stride = layout.stride;
        perCpuLines = program.perCpu().size() + 1;
        cpuLineBase = layout.cpuBase;
        pteLineBase = cpuLineBase + n * perCpuLines;
        int lines = pteLineBase + Math.max(1, pages);
        lineHolders = new int[2 * lines];
        Arrays.fill(lineHolders, -1);
        watchHead = new int[lines];
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
        int untilProgress = PROGRESS_EVERY;
        while (true) {
            if (progress != null && --untilProgress == 0) {
                untilProgress = PROGRESS_EVERY;
                if (progress.reached(now, endCycle)) {
                    // Stopped (Ctrl-C): the run ends here, and what it measured so far is its result.
                    stall = String.format(java.util.Locale.ROOT, "stopped after %.6f of %.6f simulated seconds",
                            profile.cyclesToMicros(now) / 1e6, profile.cyclesToMicros(endCycle) / 1e6);
                    break;
                }
            }
            long tCpu = queue.isEmpty() ? NEVER : queue.topTime();
            long tTimer = timers.isEmpty() ? NEVER : timers.topTime();
            long t = Math.min(tCpu, tTimer);
            // Nothing left to happen while some CPU waits is a deadlock, and the run stops there; when every
            // CPU has finished its program, the run goes on idle to its end.
            if (t == NEVER && (stall = deadlock()) != null) {
                break;
            }
            // One test per event for both the end of the run and the next look for stalled CPUs.
            if (t >= checkAt && checkpoint(t)) {
                break;
            }
            now = t;
            if (tTimer <= tCpu) {
                fireTimer();
            } else {
                // The CPU stays in the queue while it steps; the step's end moves it to its next time
                // (one walk of the tree per step) or takes it out if it parks.
                runCpu(queue.topCpu(), t);
            }
            if (collected != null) {
                collectIfNeeded();
            }
        }
        long end = stall == null ? endCycle : now;
        for (int c = 0; c < n; c++) {
            if (trace != null) {
                closeSlice(c, Math.min(end, cl[c * CL + CLOCK]));
            }
            if (cb[c * CB + PARKED] && end > cl[c * CL + PARKED_AT]) {
                phaseCycles[ci[c * CI + PARK_PHASE]] += end - cl[c * CL + PARKED_AT];
                if (trace != null) {
                    trace.slice(c, cl[c * CL + PARKED_AT], end, ci[c * CI + PARK_PHASE], "blocked");
                }
            }
        }
        double cpuSeconds = cpu0 < 0 ? Double.NaN : (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        return new Run(end, actions, (System.nanoTime() - wall) / 1e9, cpuSeconds);
    }

    /**
     * At {@code t}, the end of the run or the time to look for stalled CPUs (out of the loop, which
     * stays small): whether the run ends here, at its end or at a stall.
     */
    private boolean checkpoint(long t) {
        if (t >= endCycle) {
            now = endCycle;
            findStall(endCycle); // at the end the run is whole: a stall is reported, the figures are not partial
            return true;
        }
        now = t;
        if (findStall(t)) {
            stall = liveness.summary();
            return true;
        }
        checkAt = Math.min(endCycle, t + Math.max(1, stallCycles / 4)); // the bound is never less than stallCycles
        return false;
    }

    /** Null when every CPU has halted; otherwise what the blocked CPUs wait at (nothing can move any more: a deadlock). */
    private String deadlock() {
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
        liveness = new SimResult.Liveness(true, profile.cyclesToMicros(now), Double.NaN, count, List.copyOf(named));
        return liveness.summary();
    }

    /**
     * Whether some CPU with work left has been blocked for the stall bound by {@code t} (its step
     * not enabled all that time, whatever interrupts it took meanwhile): a liveness failure as a
     * deadlock is, though ticks and other CPUs' work keep the run going. Sets {@link #liveness}.
     */
    private boolean findStall(long t) {
        long bound = stallBound();
        List<SimResult.Blocked> named = new ArrayList<>();
        int count = 0;
        for (int c = 0; c < n; c++) {
            if (cb[c * CB + BLOCKED] && t - blockedSince[c] >= bound && count++ < SimResult.Liveness.NAMED) {
                named.add(blocked(c));
            }
        }
        if (count == 0) {
            return false;
        }
        liveness = new SimResult.Liveness(false, profile.cyclesToMicros(t), profile.cyclesToMicros(bound), count, List.copyOf(named));
        return true;
    }

    /**
     * How long a CPU may stay blocked before it is stalled: many times the longest operation the run has
     * shown (a compute()/idle(), or a wait that ended), so that a wait which grows with the machine (a lock
     * convoy of a thousand CPUs, a rendezvous under one big lock) is not taken for one; and never less than
     * the run's floor ({@link SimOptions#stallSeconds}).
     */
    private long stallBound() {
        long longest = Math.max(longestWork, longestWait);
        return Math.max(stallCycles, longest > Long.MAX_VALUE / STALL_FACTOR ? Long.MAX_VALUE : longest * STALL_FACTOR);
    }

    /** Blocked CPU {@code c}: where, since when, and what it waits on (its guard's reads, as the events sink reports them). */
    private SimResult.Blocked blocked(int c) {
        int b = cpu(c);
        int flags = s[b + Layout.FLAGS];
        List<String> why = new ArrayList<>();
        if ((flags & Layout.IN_HANDLER) != 0) {
            int h = flags >>> Layout.HANDLER_SHIFT;
            why.add("in IPI handler " + program.handlers().get(h).name() + " from cpu" + s[b + layout.handlerLocals]);
        } else if ((flags & Layout.IRQ_ON) == 0) {
            why.add("interrupts off");
        }
        probing = true;
        probeLen = 0;
        machine.stepStatus(s, c);
        probing = false;
        List<String> reads = new ArrayList<>();
        for (int i = 0; i < probeLen; i += 3) {
            String r = readName(probe[i], probe[i + 1], probe[i + 2]);
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
        int lock = cb[c * CB + BLOCKED] ? ci[c * CI + SPINS_ON] : NO_LOCK;
        if (lock >= 0) {
            int q = queueOf(lock);
            int ahead = 0;
            for (int x = q < 0 ? -1 : qHead[q]; x >= 0 && x != c; x = qNext[x]) {
                ahead++;
            }
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
        dev.shootdown.lang.Position at = null;
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
            case Event.PERCPU_READ -> program.perCpu().get(a).name() + "[" + b + "] = " + s[cpu(b) + layout.perCpu + a];
            case Event.PTE_READ -> "PTE " + program.pageNames().get(a) + " = " + (Pte.present(s[layout.pteBase + a]) ? "present" : "not present");
            default -> null;
        };
    }

    /** The name of a shared or per-CPU variable given as a state index: {@code lru_lock}, {@code flag[3]}. */
    private String wordName(int index) {
        if (index < cpuBase) {
            return program.shared().get(index).name();
        }
        int c = (index - cpuBase) / stride;
        return program.perCpu().get(index - cpu(c) - layout.perCpu).name() + "[" + c + "]";
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
        if (collected.live() > collectAt) {
            collected.collect(s);
            collectAt = Math.max(1 << 16, 2 * collected.live());
        }
    }

    /** The end of a run: the simulated cycles it covered, the actions it took, the wall and CPU time it took. */
    public record Run(long cycles, long actions, double wallSeconds, double cpuSeconds) {}

    // ---------------------------------------------------------------- one CPU's turn

    private void runCpu(int c, long t) {
        cl[c * CL + PREEMPT_FROM] = NEVER; // what it was running is over or cut: its end sets the next window
        if (trace != null) {
            closeSlice(c, t);
        }
        if (cb[c * CB + PARKED]) {
            unpark(c, t);
        }
        int b = cpu(c);
        int flags = s[b + Layout.FLAGS];
        if ((flags & Layout.IRQ_ON) != 0) {
            if (ci[c * CI + IPI_COUNT] > 0 && takeArrivedIpi(c, t)) {
                return;
            }
            if (t >= cl[c * CL + NEXT_TICK]) {
                takeTick(c, t);
                return;
            }
        }
        String label = trace == null || !trace.wants(t) ? null : machine.stepLabel(s, c);
        begin(c, t, profile.stepCycles());
        // Most steps need no look at the state to know they can run: one call does both.
        int v = machine.stepIfPlain(s, c);
        if (v == Machine.NOT_PLAIN) {
            probing = true;
            probeLen = 0;
            int status = machine.stepStatus(s, c);
            probing = false;
            if (status < 0 || kept > 0 && keptForAnother(c, flags)) {
                cur = -1;
                park(c, t, flags);
                return;
            }
            if (cb[c * CB + BLOCKED]) {
                unblocked(c, t, flags);
            }
            int victim = status == 1 ? chooseVictim(b) : -1;
            for (int i = 0; i < probeLen; i += 3) {
                charge(probe[i], c, probe[i + 1], probe[i + 2]);
            }
            v = machine.step(s, c, victim);
            if (tso) {
                scheduleDrains(c, storeAt >= 0 ? storeAt : t + Math.max(1, acc));
                storeAt = -1;
            }
        }
        end(c, t, (flags & Layout.IN_HANDLER) != 0, false, v, label);
    }

    /** Takes the earliest IPI that has arrived by {@code t}; false when none has (or all were coalesced). */
    private boolean takeArrivedIpi(int c, long t) {
        while (ci[c * CI + IPI_COUNT] > 0) {
            int k = -1;
            long best = NEVER;
            int base = c * ipiCap;
            int end = base + ci[c * CI + IPI_COUNT];
            for (int i = base; i < end; i++) {
                if (ipiTime[i] <= t && ipiTime[i] < best) {
                    best = ipiTime[i];
                    k = i;
                }
            }
            if (k < 0) {
                return false;
            }
            int what = ipiWhat[k];
            System.arraycopy(ipiTime, k + 1, ipiTime, k, end - k - 1);
            System.arraycopy(ipiWhat, k + 1, ipiWhat, k, end - k - 1);
            ci[c * CI + IPI_COUNT]--;
            int h = what >>> Action.SENDER_BITS;
            int from = what & Action.SENDER_MASK;
            if (!sets.contains(s[cpu(c) + Layout.PENDING + h], from)) {
                continue; // coalesced with an earlier one of the same handler and sender (the APIC's IRR holds one)
            }
            String label = trace == null || !trace.wants(t) ? null : machine.ipiLabel(h, from);
            keepResumeLabel(c);
            begin(c, t, 0);
            int v = machine.takeIpi(s, c, h, from);
            end(c, t, true, false, v, label);
            return true;
        }
        return false;
    }

    /**
     * The periodic timer interrupt: the CPU is busy in the tick handler with interrupts off for the
     * profile's tick cost (an IPI that arrives meanwhile waits), then resumes what the tick
     * interrupted. A tick that fell due while interrupts were off is taken once, late, as the local
     * APIC timer's one pending interrupt is.
     */
    private void takeTick(int c, long t) {
        String label = trace == null ? null : "timer tick";
        keepResumeLabel(c);
        begin(c, t, 0);
        counts[Event.TIMER_TICK]++;
        if (trace != null) {
            trace.event(t, c, Event.TIMER_TICK, 0, 0);
        }
        acc += cost[Event.TIMER_TICK];
        cl[c * CL + NEXT_TICK] = tickAfter(c, t);
        end(c, t, false, true, -1, label);
    }

    /** CPU {@code c}'s first tick edge after {@code t}. */
    private long tickAfter(int c, long t) {
        long offset = cl[c * CL + TICK_OFFSET];
        return (Math.floorDiv(t - offset, tickPeriod) + 1) * tickPeriod + offset;
    }

    /** An interrupt cuts a compute()/idle(): its rest, reported after the return, keeps the label and phase it began with. */
    private void keepResumeLabel(int c) {
        if (trace != null && cl[c * CL + RESIDUAL] > 0) {
            resumeLabel[c] = sliceLabel[c];
            resumePhase[c] = slicePhase[c];
        }
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
    }

    /** Ends CPU {@code c}'s step begun at {@code t}: a step of a handler, a timer {@code tick}, or anything else. */
    private void end(int c, long t, boolean inHandler, boolean tick, int verdict, String label) {
        actions++;
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
            boolean observing = cb[c * CB + AWAITING_OBSERVE] && sawWait;
            phaseCycles[observing ? Phase.SHOOTDOWN : Phase.KERNEL] += rest;
            phase = sdAcc > 0 || observing ? Phase.SHOOTDOWN : userAcc > 0 ? Phase.USER : idleAcc > 0 ? Phase.IDLE : Phase.KERNEL;
        }
        long next = t + dur;
        int flagsNow = s[cpu(c) + Layout.FLAGS];
        boolean nowInHandler = (flagsNow & Layout.IN_HANDLER) != 0;
        // Back from an interrupt (an IPI handler's return, or a tick) to what it interrupted.
        boolean returned = tick || inHandler && !nowInHandler;
        if (trace != null) {
            if (returned && cl[c * CL + RESIDUAL] > 0) {
                // The return from the interrupt (cut at the end of the run like any slice), then the rest of the
                // interrupted compute()/idle() under the label it began with, up to its end or the next interrupt.
                trace.slice(c, t, Math.min(next, endCycle), phase, label);
                openSlice(c, next, resumePhase[c], resumeLabel[c]);
            } else {
                openSlice(c, t, phase, label);
            }
        }
        if (returned && cl[c * CL + RESIDUAL] > 0) {
            // Back from the interrupt into a preempted compute()/idle(): the rest of it, still interruptible.
            cl[c * CL + PREEMPT_FROM] = next;
            next += cl[c * CL + RESIDUAL];
            cl[c * CL + RESIDUAL] = 0;
        } else {
            cl[c * CL + PREEMPT_FROM] = computeFrom;
            if (computeFrom != NEVER) {
                cb[c * CB + IDLE_RUN] = idleAcc > 0;
            }
        }
        boolean idleRun = cl[c * CL + PREEMPT_FROM] != NEVER && cb[c * CB + IDLE_RUN];
        if (idleRun && tickPeriod != NEVER) {
            // No tick while idle (CONFIG_NO_HZ_IDLE, the default: Documentation/timers/no_hz.rst); the next comes after.
            cl[c * CL + NEXT_TICK] = Math.max(cl[c * CL + NEXT_TICK], tickAfter(c, next));
        }
        if (cl[c * CL + PREEMPT_FROM] != NEVER && (flagsNow & Layout.IRQ_ON) != 0) {
            // An IPI already in flight, or a tick (not in idle()), lands inside the interruptible part of this step.
            long at = Math.max(nextInterrupt(c, !idleRun), cl[c * CL + PREEMPT_FROM]);
            if (at < next) {
                // Still interruptible until then: an IPI sent meanwhile that lands earlier cuts it earlier.
                cl[c * CL + RESIDUAL] += next - at;
                next = at;
            }
        }
        if (verdict >= 0) {
            Verdict v = Verdict.values()[verdict];
            if (seen.add(v)) {
                violations.add(new SimViolation(v.word(), c, profile.cyclesToMicros(t), machine.violationNote()));
            }
        }
        if (cb[c * CB + SPAN_OPEN] && complete(c)) {
            closeSpan(c, next);
        }
        if (cb[c * CB + AWAITING_OBSERVE] && !cb[c * CB + SPAN_OPEN] && sawWait && !inHandler) {
            cb[c * CB + AWAITING_OBSERVE] = false;
            callLatency.recordValue(next - cl[c * CL + SPAN_START]);
        }
        cl[c * CL + CLOCK] = next;
        if (queue.topCpu() == c) {
            queue.moveTop(c, next); // the usual case: no CPU was woken ahead of it during the step
        } else {
            queue.put(c, next);
        }
        cur = -1;
        if (acked.size > 0) {
            recheckAcked();
        }
    }

    /** Wakes the parked initiators whose guard an ack of the step just done made true, at the ack's time. */
    private void recheckAcked() {
        for (int i = 0; i < acked.size; i++) {
            int c = acked.data[i];
            long t = cl[c * CL + ACKED_AT];
            cl[c * CL + ACKED_AT] = 0;
            if (!cb[c * CB + PARKED] || (queue.contains(c) && queue.time(c) <= t)) {
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

    /** Blocked CPU {@code c} (with these flags) is about to step: if it is where it was blocked, it moves on. */
    private void unblocked(int c, long t, int flags) {
        // A step at the other level is a handler it took meanwhile.
        if (cb[c * CB + BLOCKED_IN_HANDLER] == ((flags & Layout.IN_HANDLER) != 0)) {
            cb[c * CB + BLOCKED] = false;
            longestWait = Math.max(longestWait, t - blockedSince[c]);
        }
    }

    private void park(int c, long t, int flags) {
        cb[c * CB + PARKED] = true;
        cl[c * CL + PARKED_AT] = t;
        int gen = ++ci[c * CI + PARK_GEN];
        boolean halted = machine.halted(s, c);
        if (!halted && !cb[c * CB + BLOCKED]) {
            cb[c * CB + BLOCKED] = true;
            cb[c * CB + BLOCKED_IN_HANDLER] = (flags & Layout.IN_HANDLER) != 0;
            blockedSince[c] = t;
            blockedCode[c] = (flags & Layout.IN_HANDLER) != 0 ? flags >>> Layout.HANDLER_SHIFT : -1;
            ci[c * CI + BLOCKED_PC] = s[cpu(c) + Layout.PC];
            int lock = spinsOn(c, flags);
            ci[c * CI + SPINS_ON] = lock;
            if (lock >= 0) {
                enqueue(lock, c);
            }
        }
        ci[c * CI + PARK_PHASE] = halted ? Phase.IDLE : (flags & Layout.IN_HANDLER) != 0 ? Phase.HANDLER : cb[c * CB + AWAITING_OBSERVE] ? Phase.SHOOTDOWN : Phase.SPIN;
        if (!halted) {
            boolean watched = false;
            for (int i = 0; i < probeLen; i += 3) {
                int idx = readIndex(probe[i], probe[i + 1], probe[i + 2]);
                if (idx >= 0) {
                    watch(idx, c, gen);
                    watched = true;
                }
            }
            if (!watched && !cb[c * CB + IN_LOCK_WAITERS]) {
                cb[c * CB + IN_LOCK_WAITERS] = true;
                lockWaiters.add(c);
            }
        }
        // A CPU spinning with interrupts on still takes IPIs and ticks (a halted one does not tick).
        long first = (flags & Layout.IRQ_ON) != 0 ? nextInterrupt(c, !halted) : NEVER;
        if (first != NEVER) {
            queue.put(c, Math.max(first, t + 1));
        } else {
            queue.remove(c);
        }
    }

    /** When the earliest IPI in flight to {@code c} arrives, or its next tick if {@code ticks} and that is earlier. */
    private long nextInterrupt(int c, boolean ticks) {
        long first = ticks ? cl[c * CL + NEXT_TICK] : NEVER;
        int base = c * ipiCap;
        for (int i = base; i < base + ci[c * CI + IPI_COUNT]; i++) {
            first = Math.min(first, ipiTime[i]);
        }
        return first;
    }

    private void unpark(int c, long t) {
        cb[c * CB + PARKED] = false;
        phaseCycles[ci[c * CI + PARK_PHASE]] += t - cl[c * CL + PARKED_AT];
        if (trace != null && t > cl[c * CL + PARKED_AT]) {
            trace.slice(c, cl[c * CL + PARKED_AT], t, ci[c * CI + PARK_PHASE], "blocked");
        }
    }

    /** Schedules a parked CPU to re-examine its step at {@code t} (if it is not due earlier anyway). */
    private void wake(int c, long t) {
        if (!cb[c * CB + PARKED]) {
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
            if (cb[c * CB + PARKED] && ci[c * CI + PARK_GEN] == watchGen[e]) {
                wake(c, t);
            }
            watchNext[e] = watchFree;
            watchFree = e;
            e = next;
        }
    }

    /**
     * Lock word {@code lock} (a state index; {@link #NO_LOCK}: no particular one) or a word no guard
     * read reports may have changed at {@code t}: the parked CPUs that watch no line look again,
     * except those queued for that lock behind its head, for which it is now kept (see {@link #qWord}).
     */
    private void wakeLockWaiters(long t, int lock) {
        int q = lock >= 0 ? queueOf(lock) : -1;
        int head = q >= 0 ? qHead[q] : -1;
        if (head >= 0) {
            if (qKeptFor[q] < 0) {
                kept++;
            }
            qKeptFor[q] = head;
            wake(head, t); // it may be parked in a handler it took meanwhile, which is on no list
        }
        int stay = 0;
        for (int i = 0; i < lockWaiters.size; i++) {
            int c = lockWaiters.data[i];
            if (head >= 0 && c != head && cb[c * CB + BLOCKED] && ci[c * CI + SPINS_ON] == lock) {
                lockWaiters.data[stay++] = c; // behind the head: it would only look and wait again
            } else {
                cb[c * CB + IN_LOCK_WAITERS] = false;
                wake(c, t);
            }
        }
        lockWaiters.size = stay;
    }

    /** Whether CPU {@code c}'s next instruction (run with these flags) is a spin_lock of a lock kept for another CPU. */
    private boolean keptForAnother(int c, int flags) {
        int lock = spinsOn(c, flags);
        int q = lock >= 0 ? queueOf(lock) : -1;
        return q >= 0 && qKeptFor[q] >= 0 && qKeptFor[q] != c;
    }

    /** The queue of lock word {@code lock}, or -1 if none was made. */
    private int queueOf(int lock) {
        for (int q = 0; q < queues; q++) {
            if (qWord[q] == lock) {
                return q;
            }
        }
        return -1;
    }

    /** CPU {@code c} blocks at a spin_lock of {@code lock}: it joins the lock's queue at the tail. */
    private void enqueue(int lock, int c) {
        int q = queueOf(lock);
        if (q < 0) {
            if (queues == qWord.length) {
                int len = queues * 2;
                qWord = Arrays.copyOf(qWord, len);
                qHead = Arrays.copyOf(qHead, len);
                qTail = Arrays.copyOf(qTail, len);
                qKeptFor = Arrays.copyOf(qKeptFor, len);
            }
            q = queues++;
            qWord[q] = lock;
            qHead[q] = -1;
            qTail[q] = -1;
            qKeptFor[q] = -1;
        }
        qNext[c] = -1;
        if (qTail[q] < 0) {
            qHead[q] = c;
        } else {
            qNext[qTail[q]] = c;
        }
        qTail[q] = c;
    }

    /** CPU {@code c} took lock {@code lock}: it leaves the lock's queue (from its head, as a rule), and the lock is kept no more. */
    private void acquired(int lock, int c) {
        int q = queueOf(lock);
        if (q < 0) {
            return;
        }
        if (qKeptFor[q] >= 0) {
            qKeptFor[q] = -1;
            kept--;
        }
        int prev = -1;
        int x = qHead[q];
        while (x >= 0 && x != c) {
            prev = x;
            x = qNext[x];
        }
        if (x < 0) {
            return; // not in this queue: it never blocked here, or it is queued for the lock its program waits at
        }
        if (prev < 0) {
            qHead[q] = qNext[c];
        } else {
            qNext[prev] = qNext[c];
        }
        if (qTail[q] == c) {
            qTail[q] = prev;
        }
        qNext[c] = NOT_QUEUED;
    }

    /** The lock word CPU {@code c}'s next instruction spins on if it is a spin_lock (parked with these flags), else {@link #NO_LOCK}. */
    private int spinsOn(int c, int flags) {
        Code code = (flags & Layout.IN_HANDLER) != 0 ? program.handlers().get(flags >>> Layout.HANDLER_SHIFT) : program.cpuPrograms().get(c);
        if (!(code.insns()[s[cpu(c) + Layout.PC]] instanceof Insn.Op o) || o.op() != Builtin.SPIN_LOCK) {
            return NO_LOCK;
        }
        if (o.lock() instanceof Insn.Target.Shared sh) {
            return sh.var();
        }
        Insn.Target.PerCpu p = (Insn.Target.PerCpu) o.lock();
        return p.cpu() == null ? cpu(c) + layout.perCpu + p.var() : ANY_LOCK;
    }

    private int readIndex(int kind, int a, int b) {
        return switch (kind) {
            case Event.SHARED_READ -> a;
            case Event.PERCPU_READ -> perCpuLine(b, a);
            case Event.PTE_READ -> pteLineBase + a;
            default -> -1;
        };
    }

    /** Where CPU {@code c}'s words start in the machine state (as {@link Layout#cpu}). */
    private int cpu(int c) {
        return cpuBase + c * stride;
    }

    private int perCpuLine(int cpu, int var) {
        return cpuLineBase + cpu * perCpuLines + var;
    }

    /** The line of CPU {@code cpu}'s ack word (Linux: the csd lock word initiators wait on). */
    private int ackLine(int cpu) {
        return cpuLineBase + cpu * perCpuLines + perCpuLines - 1;
    }

    /** The line of a lock word, given as a state index: a shared or a per-CPU variable (the compiler allows no other). */
    private int lockLine(int index) {
        if (index < cpuBase) {
            return index;
        }
        int cpu = (index - cpuBase) / stride;
        return perCpuLine(cpu, index - cpu(cpu) - layout.perCpu);
    }

    // ---------------------------------------------------------------- IPIs and broadcasts

    private void sendIpi(int from, int target, int handler, long at) {
        long arrive = at + ipiLatency[distance(from, target)];
        int count = ci[target * CI + IPI_COUNT];
        if (count == ipiCap) {
            growIpiRoom();
        }
        ipiTime[target * ipiCap + count] = arrive;
        ipiWhat[target * ipiCap + count] = (handler << Action.SENDER_BITS) | from;
        ci[target * CI + IPI_COUNT] = count + 1;
        if (cb[target * CB + PARKED]) {
            wake(target, arrive);
        } else if (target != cur && queue.contains(target) && cl[target * CL + PREEMPT_FROM] != NEVER && (s[cpu(target) + Layout.FLAGS] & Layout.IRQ_ON) != 0) {
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

    private void growIpiRoom() {
        int cap = ipiCap * 2;
        long[] time = new long[n * cap];
        int[] what = new int[n * cap];
        for (int c = 0; c < n; c++) {
            System.arraycopy(ipiTime, c * ipiCap, time, c * cap, ci[c * CI + IPI_COUNT]);
            System.arraycopy(ipiWhat, c * ipiCap, what, c * cap, ci[c * CI + IPI_COUNT]);
        }
        ipiTime = time;
        ipiWhat = what;
        ipiCap = cap;
    }

    private void fireTimer() {
        int target = timers.topA();
        int arg = timers.topB();
        long t = timers.topTime();
        timers.pop();
        if (arg == DRAIN_TIMER) {
            drain(target, t);
            return;
        }
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
        if (--ci[issuer * CI + OUTSTANDING] == 0) {
            wake(issuer, t);
            if (cb[issuer * CB + SPAN_OPEN] && complete(issuer)) {
                closeSpan(issuer, t);
            }
        }
    }

    // ---------------------------------------------------------------- TSO store buffers

    /** Under TSO, the machine's events go through here: the engine's charges, and when the step stored. */
    private final class TsoEvents implements Events {
        @Override
        public void on(int kind, int cpu, int a, int b) {
            Engine.this.on(kind, cpu, a, b);
            if (kind == Event.SHARED_WRITE || kind == Event.PERCPU_WRITE || kind == Event.PTE_WRITE || kind == Event.ACK || kind == Event.LOCK && b == 0) {
                storeAt = stepStart + acc;
            }
        }
    }

    /**
     * Gives each store the step just buffered (made at {@code at}) its drain: the entries of a
     * buffer leave in order (x86-TSO: Owens, Sarkar and Sewell 2009; SDM vol. 3A 8.2.2), each the
     * profile's {@code store_drain} cycles after the later of its store and the previous entry's
     * drain. The store's line transfer was charged at the store, as under SC, so the drain
     * adds only the wait until it is visible, which smp_mb(), locked and serializing instructions
     * (MemoryOrder) and the CPUs polling the word sit out.
     */
    private void scheduleDrains(int c, long at) {
        int count = s[cpu(c) + Layout.SB_COUNT];
        for (int k = ci[c * CI + SB_TIMED]; k < count; k++) {
            long d = Math.max(drainAt[c], at) + cost[Event.STORE_DRAIN];
            drainAt[c] = d;
            timers.add(d, c, DRAIN_TIMER);
        }
        ci[c * CI + SB_TIMED] = count;
    }

    /** CPU {@code c}'s oldest buffered store becomes visible at {@code t}: whoever waits on it looks again. */
    private void drain(int c, long t) {
        inTimer = true;
        actions++;
        int addr = machine.drainStore(s, c);
        inTimer = false;
        ci[c * CI + SB_TIMED]--;
        if (addr < 0) {
            // An ack (csd_unlock's store) reaches the initiator only now.
            int to = -1 - addr;
            wake(to, t);
            if (cb[to * CB + SPAN_OPEN] && complete(to)) {
                closeSpan(to, t);
            }
        } else {
            int idx = lineOf(addr);
            if (idx >= 0) {
                written(idx, t);
            }
        }
        // A lock word (spin_unlock's store) or a word no guard read reports (a PMD) may have changed.
        wakeLockWaiters(t, addr < 0 ? NO_LOCK : addr);
        // The CPU's own step may be waiting for its buffer: a locked instruction, a fenced access, a store into a full buffer.
        wake(c, t);
    }

    /** The line of a kernel word given as a state index (a drained store's address), or -1 for a word that is no line (a PMD). */
    private int lineOf(int index) {
        if (index >= layout.pteBase) {
            return index < layout.pteBase + pages ? pteLineBase + index - layout.pteBase : -1;
        }
        return lockLine(index); // a shared variable, or a per-CPU one: the only other words a kernel store writes
    }

    // ---------------------------------------------------------------- shootdown spans

    private void openSpan(int c, long t) {
        if (cb[c * CB + SPAN_OPEN] || (s[cpu(c) + Layout.FLAGS] & Layout.IN_HANDLER) != 0) {
            return;
        }
        cb[c * CB + SPAN_OPEN] = true;
        cl[c * CL + SPAN_START] = t;
        cb[c * CB + AWAITING_OBSERVE] = true;
        shootdowns++;
    }

    private boolean complete(int c) {
        return s[cpu(c) + Layout.ACK_WAIT] == 0 && ci[c * CI + OUTSTANDING] == 0;
    }

    private void closeSpan(int c, long t) {
        cb[c * CB + SPAN_OPEN] = false;
        latency.recordValue(Math.max(0, t - cl[c * CL + SPAN_START]));
    }

    // ---------------------------------------------------------------- costs

    private int distance(int a, int b) {
        return Topology.distance(place[a], place[b]);
    }

    private long readLine(int idx, int c) {
        int w = lineHolders[2 * idx];
        if (w < 0 || w == c || lineHolders[2 * idx + 1] == c) {
            return line[Topology.SELF];
        }
        lineHolders[2 * idx + 1] = c;
        return line[distance(c, w)];
    }

    private long writeLine(int idx, int c) {
        int w = lineHolders[2 * idx];
        int r = lineHolders[2 * idx + 1];
        int holder = r >= 0 && r != c ? r : w;
        lineHolders[2 * idx] = c;
        lineHolders[2 * idx + 1] = -1;
        return holder < 0 || holder == c ? line[Topology.SELF] : line[distance(c, holder)];
    }

    /** Remembers the PTE a dropped TLB entry was filled from, to tell refills an invalidation caused. */
    private void noteInvalidation(int c, int page) {
        if (s[cpu(c) + layout.tlb + page] != 0) {
            int pte = s[layout.pteBase + page];
            invalidatedPte[c * pages + page] = Pte.present(pte) ? pte : 0;
        }
    }

    /**
     * One machine event. Machine names the kind with a constant at each call site, and this method
     * and {@link #charge} are kept small (each kind's work is a method of its own) so that C2 inlines
     * them there and the tests of the kind fold away.
     */
    @Override
    public void on(int kind, int cpu, int a, int b) {
        if (probing | inTimer) {
            offStep(kind, cpu, a, b);
            return;
        }
        charge(kind, cpu, a, b);
    }

    /** An event outside a CPU's step: a guard's read while probing (remembered), or a broadcast performed by a timer. */
    private void offStep(int kind, int cpu, int a, int b) {
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
        counts[kind]++;
        if (trace != null) {
            trace.event(now, cpu, kind, a, b);
        }
    }

    /**
     * The most frequent kinds first, each one call, and the rest in {@link #chargeOther}: this stays
     * under C2's inlining limit (325 bytes of bytecode), so that at a call site with a constant kind
     * the tests fold away.
     */
    private void charge(int kind, int c, int a, int b) {
        counts[kind]++;
        if (trace != null) {
            traceEvent(kind, c, a, b);
        }
        if (kind == Event.PERCPU_READ) {
            chargeRead(kind, perCpuLine(b, a), c);
        } else if (kind == Event.SHARED_READ) {
            chargeRead(kind, a, c);
        } else if (kind == Event.PERCPU_WRITE) {
            chargeWrite(kind, perCpuLine(b, a), c);
        } else if (kind == Event.SHARED_WRITE) {
            chargeWrite(kind, a, c);
        } else if (kind == Event.INVLPG) {
            chargeInvlpg(c, a);
        } else if (kind == Event.ACK) {
            chargeAck(c, a);
        } else if (kind == Event.IPI_ENTER || kind == Event.IRET) {
            acc += cost[kind];
        } else {
            chargeOther(kind, c, a, b);
        }
    }

    private void traceEvent(int kind, int c, int a, int b) {
        trace.event(stepStart + acc, c, kind, a, b);
    }

    private void chargeOther(int kind, int c, int a, int b) {
        switch (kind) {
            case Event.PTE_READ -> chargeRead(kind, pteLineBase + a, c);
            case Event.PTE_WRITE, Event.PTE_ATOMIC -> chargeWrite(kind, pteLineBase + a, c);
            case Event.LOCK -> chargeLock(c, a, b);
            case Event.TLB_MISS -> chargeMiss(c, a);
            case Event.TLB_HIT, Event.USER_ACCESS, Event.DIRTY_REWALK, Event.EVICT -> chargeUser(kind);
            case Event.COMPUTE -> chargeCompute(c, a);
            case Event.IDLE -> chargeIdle(a);
            case Event.FLUSH_ALL -> chargeFlushAll(c);
            case Event.TLBIE -> chargeTlbie(c, a);
            case Event.TLBSYNC -> chargeTlbsync();
            case Event.IPI_SEND -> chargeIpiSend(c, a, b);
            case Event.WAIT_DONE -> chargeWaitDone(c);
            default -> acc += cost[kind];
        }
    }

    private void chargeRead(int kind, int idx, int c) {
        acc += cost[kind] + readLine(idx, c);
    }

    /** A store to line {@code idx}: its cost and transfer, then every CPU parked on it looks again. */
    private void chargeWrite(int kind, int idx, int c) {
        acc += cost[kind] + writeLine(idx, c);
        written(idx, stepStart + acc);
    }

    private void chargeLock(int c, int a, int b) {
        ci[c * CI + LOCKS_HELD] += b == 1 ? 1 : ci[c * CI + LOCKS_HELD] > 0 ? -1 : 0;
        chargeWrite(Event.LOCK, lockLine(a), c);
        if (b == 0) {
            wakeLockWaiters(stepStart + acc, a);
        } else if (queues > 0) {
            acquired(a, c);
        }
    }

    private void chargeMiss(int c, int page) {
        long walk = cost[Event.TLB_MISS] + readLine(pteLineBase + page, c);
        acc += walk;
        userAcc += walk;
        int at = c * pages + page;
        int was = invalidatedPte[at];
        if (was != 0) {
            int pte = s[layout.pteBase + page];
            if (Pte.present(pte) && Pte.pfn(pte) == Pte.pfn(was)) {
                missesCaused++;
                missCausedCycles += walk;
            }
            invalidatedPte[at] = 0;
        }
    }

    private void chargeUser(int kind) {
        long k = cost[kind];
        acc += k;
        userAcc += k;
    }

    /** Work done holding a spin lock is kernel work (a critical section); otherwise user work. */
    private void chargeCompute(int c, int cycles) {
        longestWork = Math.max(longestWork, cycles);
        computeFrom = stepStart + acc;
        acc += cycles;
        if (ci[c * CI + LOCKS_HELD] == 0) {
            userAcc += cycles;
        }
    }

    private void chargeIdle(int cycles) {
        longestWork = Math.max(longestWork, cycles);
        computeFrom = stepStart + acc;
        acc += cycles;
        idleAcc += cycles;
    }

    private void chargeInvlpg(int c, int page) {
        noteInvalidation(c, page);
        long k = cost[Event.INVLPG];
        acc += k;
        sdAcc += k;
    }

    private void chargeFlushAll(int c) {
        for (int p = 0; p < pages; p++) {
            noteInvalidation(c, p);
        }
        long k = cost[Event.FLUSH_ALL];
        acc += k;
        sdAcc += k;
    }

    private void chargeTlbie(int c, int page) {
        openSpan(c, stepStart + acc);
        long k = cost[Event.TLBIE];
        acc += k;
        sdAcc += k;
        long at = stepStart + acc;
        int arg = page * n + c; // page and issuer of the invalidation
        for (int t = 0; t < n; t++) {
            if (t != c) {
                timers.add(at + bcastLatency[distance(c, t)], t, arg);
                ci[c * CI + OUTSTANDING]++;
            }
        }
    }

    private void chargeTlbsync() {
        long k = cost[Event.TLBSYNC];
        acc += k;
        sdAcc += k;
        sawWait = true;
    }

    /** Queueing the call locks the initiator's ack word (Linux: the csd lock), which the ack will take away again. */
    private void chargeIpiSend(int c, int target, int handler) {
        openSpan(c, stepStart + acc);
        long send = cost[Event.IPI_SEND] + writeLine(ackLine(c), c);
        acc += send;
        sdAcc += send;
        sendIpi(c, target, handler, stepStart + acc);
    }

    /** The responder's store to the initiator's ack word (Linux: the csd lock word) is a remote write. */
    private void chargeAck(int c, int to) {
        acc += cost[Event.ACK] + writeLine(ackLine(to), c);
        long t = stepStart + acc;
        cb[to * CB + ACK_PENDING] = true;
        if (cb[to * CB + PARKED]) {
            // Most acks leave the initiator waiting for others: look at its guard once this step is done
            // instead of scheduling it for every ack.
            if (cl[to * CL + ACKED_AT] == 0) {
                acked.add(to);
            }
            cl[to * CL + ACKED_AT] = t;
        }
        if (cb[to * CB + SPAN_OPEN] && complete(to)) {
            closeSpan(to, t);
        }
    }

    private void chargeWaitDone(int c) {
        sawWait = true;
        if (cb[c * CB + ACK_PENDING]) {
            // The wait's last poll reads the ack word the last responder wrote.
            cb[c * CB + ACK_PENDING] = false;
            acc += readLine(ackLine(c), c);
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
                ops += s[cpu(c) + layout.perCpu + opsVar];
            }
        }
        long machineEvents = 0;
        for (long x : counts) {
            machineEvents += x;
        }
        return new SimResult(file, workload, opDefinition, profile.name(), profile.ghz(), n, seed, run.cycles() / (profile.ghz() * 1e9),
                run.actions(), machineEvents, run.wallSeconds(), run.cpuSeconds(), counts.clone(), phaseCycles.clone(), latency.copy(), callLatency.copy(), shootdowns, ops,
                missesCaused, missCausedCycles, List.copyOf(violations), stall, null, liveness);
    }

    /** The state (for tests and traces): CPU {@code c}'s clock is its next ready time. */
    public long clock(int c) {
        return cl[c * CL + CLOCK];
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
