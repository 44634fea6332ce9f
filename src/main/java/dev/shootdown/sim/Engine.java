package dev.shootdown.sim;

import dev.shootdown.lang.Builtin;
import dev.shootdown.lang.UserError;
import dev.shootdown.model.Action;
import dev.shootdown.model.Code;
import dev.shootdown.model.CollectedCpuSets;
import dev.shootdown.model.CpuSets;
import dev.shootdown.model.Event;
import dev.shootdown.model.Insn;
import dev.shootdown.model.Layout;
import dev.shootdown.model.Machine;
import dev.shootdown.model.MaskCpuSets;
import dev.shootdown.model.Program;
import dev.shootdown.model.Verdict;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;

import static dev.shootdown.sim.CpuRecords.ACKED_AT;
import static dev.shootdown.sim.CpuRecords.AWAITING_OBSERVE;
import static dev.shootdown.sim.CpuRecords.BLOCKED;
import static dev.shootdown.sim.CpuRecords.CB;
import static dev.shootdown.sim.CpuRecords.CI;
import static dev.shootdown.sim.CpuRecords.CL;
import static dev.shootdown.sim.CpuRecords.CLOCK;
import static dev.shootdown.sim.CpuRecords.IDLE_RUN;
import static dev.shootdown.sim.CpuRecords.IPI_COUNT;
import static dev.shootdown.sim.CpuRecords.NEVER;
import static dev.shootdown.sim.CpuRecords.NEXT_TICK;
import static dev.shootdown.sim.CpuRecords.OUTSTANDING;
import static dev.shootdown.sim.CpuRecords.PARKED;
import static dev.shootdown.sim.CpuRecords.PARKED_AT;
import static dev.shootdown.sim.CpuRecords.PARK_GEN;
import static dev.shootdown.sim.CpuRecords.PARK_PHASE;
import static dev.shootdown.sim.CpuRecords.PREEMPT_FROM;
import static dev.shootdown.sim.CpuRecords.RESIDUAL;

/**
 * The discrete-event simulator: runs a compiled {@link Program} on {@link Machine} (the checker's
 * semantics, unchanged) and resolves every choice the checker explores by time. The engine is the
 * loop and one CPU's turn; its rooms model the rest:
 *
 * <ul>
 * <li>Each CPU has a clock in cycles. A tournament tree ({@link CpuQueue}) orders CPUs by the time of
 *     their next action, ties by CPU number; hardware timers ({@link TimerQueue}: broadcast
 *     invalidations performed, store-buffer drains) by time. A step is applied at its start time;
 *     the CPU is then busy for the sum of the costs of the events it produced ({@link EventCosts}:
 *     the profile's flat per-kind table, plus cache-line transfers by topology distance,
 *     {@link CacheLines}).</li>
 * <li>{@link Interrupts}: an IPI sent at time t arrives after the profile's delivery latency and is
 *     taken at the first instruction boundary after arrival when interrupts are on, as is the
 *     periodic tick. {@code compute(n)} and {@code idle(n)} are interruptible: the interrupt is taken
 *     on arrival and the rest of the work resumes after the handler returns.</li>
 * <li>A CPU whose step is not enabled (wait, spin_lock, tlbsync) parks. It registers on the lines its
 *     guard read and is woken ({@link Wakeups}) when another CPU writes one of them, when an ack or the
 *     last broadcast invalidation it waits for arrives, when a lock is released (for guards that read
 *     no variable; of the CPUs queued for that lock, only the head: {@link SpinLockQueues}), or when an
 *     IPI arrives for it: no rescan of all CPUs. One that stays parked for the stall bound with work
 *     left is a stall, reported as a deadlock is ({@link StallDetector}).</li>
 * <li>Under {@code memory tso} each buffered store drains by a timer, {@code store_drain} cycles
 *     after it (entries in order: {@link StoreDrains}).</li>
 * <li>{@link Scheduler}: a workload with tasks has a run queue per CPU; its doorbells (per-CPU writes)
 *     pick the next task, and a wake-up cuts an idle CPU's idle().</li>
 * <li>Broadcast invalidations (tlbie, INVLPGB, TLBI IS) are performed at each other CPU by a timer
 *     after the profile's broadcast latency, costing that CPU nothing.</li>
 * <li>The only random choices left are the TLB victim of a fill into a full TLB and the branch of
 *     a choice ({@code either}, {@code choose}), drawn from a seeded {@link SplittableRandom}: a run
 *     is a function of (program, profile, seed).</li>
 * </ul>
 */
public final class Engine {
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
    /** The slice each CPU is in; null without a trace. */
    private final TraceSlices slices;
    private final SimOptions.Progress progress;
    private final long endCycle;
    private final long stepCycles;
    private final long tickCost;
    /** {@link Layout#cpuBase} and {@link Layout#stride}: one load each from here instead of two. */
    private final int cpuBase;
    private final int stride;

    private final long[] cl;
    private final int[] ci;
    private final boolean[] cb;
    private final CpuQueue queue;
    private final TimerQueue timers = new TimerQueue();
    private final CacheLines lines;
    private final SpinLockQueues locks;
    private final Wakeups wakeups;
    private final ShootdownSpans spans;
    private final Interrupts interrupts;
    private final EventCosts costs;
    private final StallDetector stalls;
    /** Jitter, device interrupts and reschedule IPIs; null without noise. */
    private final NoiseSources noise;
    /** The run queues of a workload with tasks; null without. */
    private final Scheduler scheduler;
    /** Under x86-TSO ({@code memory tso}) the store buffers' drains; null under SC. */
    private final StoreDrains drains;

    /** When the run next looks for stalled CPUs (at most a quarter of the bound after one stalls), or its end. */
    private long checkAt;
    /** The CPUs of the stall or deadlock that ended the run, with what each waits on. */
    private SimResult.Liveness liveness;
    private final long[] phaseCycles = new long[Phase.COUNT];
    private long actions;
    private final List<SimViolation> violations = new ArrayList<>();
    /** Every step that broke a property: the run records it and goes on from the state the step left. */
    private long violationSteps;
    private final EnumSet<Verdict> seen = EnumSet.noneOf(Verdict.class);
    private String stall;
    private long now;

    public Engine(Program program, Profile profile, SimOptions options) {
        this(program, Tasks.NONE, profile, options);
    }

    /** A run of {@code program} whose workload declares {@code tasks}, scheduled by {@link Scheduler}. */
    Engine(Program program, Tasks tasks, Profile profile, SimOptions options) {
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
        this.layout = machine.layout();
        this.pages = program.pages();
        checkBroadcast(program, profile);
        this.s = machine.initialState();
        if (collected != null) {
            collected.pinAll();
        }
        this.random = new SplittableRandom(options.seed());
        this.trace = options.trace();
        this.slices = trace != null ? new TraceSlices(trace, n) : null;
        this.progress = options.progress();
        this.endCycle = profile.secondsToCycles(options.seconds());
        this.stepCycles = profile.stepCycles();
        this.tickCost = profile.eventCycles()[Event.TIMER_TICK];
        this.cpuBase = layout.cpuBase;
        this.stride = layout.stride;
        long tickPeriod = options.tickHz() > 0 ? Math.max(1, Math.round(profile.ghz() * 1e9 / options.tickHz())) : NEVER;

        CpuRecords records = new CpuRecords(n);
        cl = records.cl;
        ci = records.ci;
        cb = records.cb;
        long[] place = topology.places(n);
        queue = new CpuQueue(n);
        lines = new CacheLines(layout, n, program.perCpu().size(), pages, place, profile.lineCycles());
        locks = new SpinLockQueues(program, layout, s);
        wakeups = new Wakeups(queue, records, locks, lines.count);
        spans = new ShootdownSpans(s, layout, records);
        noise = options.noise().any() ? new NoiseSources(options.noise(), n, options.seed(), profile.ghz()) : null;
        interrupts = new Interrupts(s, layout, records, queue, wakeups, place, profile.ipiLatency(), tickPeriod, options.tickSkew(), noise);
        costs = new EventCosts(machine, s, profile, records, place, lines, wakeups, locks, spans, interrupts, timers, trace);
        scheduler = Scheduler.of(program, layout, s, tasks, records, queue, place, profile.ipiLatency(), phaseCycles);
        costs.scheduler(scheduler);
        stalls = new StallDetector(machine, program, s, profile, records, locks, costs, options.stallSeconds());
        boolean tso = program.hardware().memory() == dev.shootdown.model.Hardware.MemoryModel.TSO;
        drains = tso ? new StoreDrains(machine, s, records, profile.eventCycles()[Event.STORE_DRAIN], timers, costs, wakeups, spans, lines) : null;
        // Under TSO a sink of its own notes when each step stores, so the SC path has not even a test for it.
        machine.events(tso ? drains.events() : costs);
        checkAt = Math.min(endCycle, stalls.stallCycles);
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
            if (slices != null) {
                slices.close(c, Math.min(end, cl[c * CL + CLOCK]));
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
            liveness = stalls.find(endCycle); // at the end the run is whole: a stall is reported, the figures are not partial
            return true;
        }
        now = t;
        SimResult.Liveness found = stalls.find(t);
        if (found != null) {
            liveness = found;
            stall = liveness.summary();
            return true;
        }
        checkAt = Math.min(endCycle, t + Math.max(1, stalls.stallCycles / 4)); // the bound is never less than stallCycles
        return false;
    }

    /** Null when every CPU has halted; otherwise what the blocked CPUs wait at (nothing can move any more: a deadlock). */
    private String deadlock() {
        SimResult.Liveness found = stalls.deadlock(now);
        if (found == null) {
            return null;
        }
        liveness = found;
        return liveness.summary();
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
        if (slices != null) {
            slices.close(c, t);
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
        costs.begin(t, stepCycles);
        // Most steps need no look at the state to know they can run: one call does both.
        int v = machine.stepIfPlain(s, c);
        if (v == Machine.NOT_PLAIN) {
            int status = costs.probeStatus(c);
            if (status < 0 || locks.kept > 0 && locks.keptForAnother(c, flags)) {
                park(c, t, flags);
                return;
            }
            if (cb[c * CB + BLOCKED]) {
                stalls.unblocked(c, t, flags);
            }
            int victim = status == 1 ? chooseVictim(b) : status == 2 ? chooseAlternative(c) : -1;
            costs.chargeProbe(c);
            v = machine.step(s, c, victim);
            if (drains != null) {
                drains.stepped(c, t);
            }
        }
        end(c, t, (flags & Layout.IN_HANDLER) != 0, false, v, label);
    }

    /** Takes the earliest IPI that has arrived by {@code t}; false when none has (or all were coalesced). */
    private boolean takeArrivedIpi(int c, long t) {
        while (ci[c * CI + IPI_COUNT] > 0) {
            int what = interrupts.takeArrived(c, t);
            if (what < 0) {
                return false;
            }
            int h = what >>> Action.SENDER_BITS;
            int from = what & Action.SENDER_MASK;
            if (!sets.contains(s[cpu(c) + Layout.PENDING + h], from)) {
                continue; // coalesced with an earlier one of the same handler and sender (the APIC's IRR holds one)
            }
            String label = trace == null || !trace.wants(t) ? null : machine.ipiLabel(h, from);
            keepResumeLabel(c);
            costs.begin(t, 0);
            int v = machine.takeIpi(s, c, h, from);
            end(c, t, true, false, v, label);
            return true;
        }
        return false;
    }

    /**
     * A local interrupt: the periodic timer tick, or with {@link Noise} a device interrupt or a
     * reschedule IPI. The CPU is busy in the handler with interrupts off for its cost (an IPI that
     * arrives meanwhile waits), then resumes what it interrupted. A tick that fell due while interrupts
     * were off is taken once, late, as the local APIC timer's one pending interrupt is.
     */
    private void takeTick(int c, long t) {
        int kind = interrupts.takeLocal(c, t);
        String label = trace == null ? null : kind == Interrupts.TICK ? "timer tick" : NoiseSources.label(kind);
        keepResumeLabel(c);
        costs.begin(t, 0);
        if (kind == Interrupts.TICK) {
            costs.counts[Event.TIMER_TICK]++;
            if (trace != null) {
                trace.event(t, c, Event.TIMER_TICK, 0, 0);
            }
            costs.acc += tickCost;
        } else {
            costs.acc += interrupts.noise.cycles(kind);
        }
        end(c, t, false, true, -1, label);
    }

    /** An interrupt cuts a compute()/idle(): its rest, reported after the return, keeps the label and phase it began with. */
    private void keepResumeLabel(int c) {
        if (slices != null && cl[c * CL + RESIDUAL] > 0) {
            slices.keepForResume(c);
        }
    }

    /** A choice's alternative, uniformly among those {@link Machine#alternatives} gives. */
    private int chooseAlternative(int c) {
        if (alternatives == null) {
            alternatives = new int[machine.maxActionsPerCpu()];
        }
        int n = machine.alternatives(s, c, alternatives, 0);
        return alternatives[random.nextInt(n)];
    }

    private int[] alternatives;

    /** A valid TLB slot (a page's entry, under one ASID with ASIDs) to evict, uniformly. */
    private int chooseVictim(int b) {
        int valid = 0;
        for (int slot = 0; slot < layout.tlbSlots; slot++) {
            if (s[b + layout.tlb + slot] != 0) {
                valid++;
            }
        }
        int pick = random.nextInt(valid);
        for (int slot = 0; slot < layout.tlbSlots; slot++) {
            if (s[b + layout.tlb + slot] != 0 && pick-- == 0) {
                return slot;
            }
        }
        throw new IllegalStateException("no TLB victim");
    }

    /** Ends CPU {@code c}'s step begun at {@code t}: a step of a handler, a timer {@code tick}, or anything else. */
    private void end(int c, long t, boolean inHandler, boolean tick, int verdict, String label) {
        EventCosts k = costs;
        actions++;
        long dur = Math.max(1, k.acc);
        int phase;
        if (inHandler) {
            phase = Phase.HANDLER;
            phaseCycles[Phase.HANDLER] += dur;
        } else {
            long rest = dur - k.sdAcc - k.userAcc - k.idleAcc;
            phaseCycles[Phase.SHOOTDOWN] += k.sdAcc;
            phaseCycles[Phase.USER] += k.userAcc;
            phaseCycles[Phase.IDLE] += k.idleAcc;
            boolean observing = cb[c * CB + AWAITING_OBSERVE] && k.sawWait;
            phaseCycles[observing ? Phase.SHOOTDOWN : Phase.KERNEL] += rest;
            phase = k.sdAcc > 0 || observing ? Phase.SHOOTDOWN : k.userAcc > 0 ? Phase.USER : k.idleAcc > 0 ? Phase.IDLE : Phase.KERNEL;
        }
        long next = t + dur;
        int flagsNow = s[cpu(c) + Layout.FLAGS];
        boolean nowInHandler = (flagsNow & Layout.IN_HANDLER) != 0;
        // Back from an interrupt (an IPI handler's return, or a tick) to what it interrupted.
        boolean returned = tick || inHandler && !nowInHandler;
        if (slices != null) {
            if (returned && cl[c * CL + RESIDUAL] > 0) {
                // The return from the interrupt (cut at the end of the run like any slice), then the rest of the
                // interrupted compute()/idle() under the label it began with, up to its end or the next interrupt.
                trace.slice(c, t, Math.min(next, endCycle), phase, label);
                slices.openResumed(c, next);
            } else {
                slices.open(c, t, phase, label);
            }
        }
        if (returned && cl[c * CL + RESIDUAL] > 0) {
            // Back from the interrupt into a preempted compute()/idle(): the rest of it, still interruptible.
            cl[c * CL + PREEMPT_FROM] = next;
            next += cl[c * CL + RESIDUAL];
            cl[c * CL + RESIDUAL] = 0;
        } else {
            cl[c * CL + PREEMPT_FROM] = k.computeFrom;
            if (k.computeFrom != NEVER) {
                cb[c * CB + IDLE_RUN] = k.idleAcc > 0;
            }
        }
        boolean idleRun = cl[c * CL + PREEMPT_FROM] != NEVER && cb[c * CB + IDLE_RUN];
        if (idleRun && interrupts.tickPeriod != NEVER) {
            // No tick while idle (CONFIG_NO_HZ_IDLE, the default: Documentation/timers/no_hz.rst); the next comes after.
            interrupts.noTickUntil(c, next);
        }
        if (cl[c * CL + PREEMPT_FROM] != NEVER && (flagsNow & Layout.IRQ_ON) != 0) {
            // An IPI already in flight, or a tick (not in idle()), lands inside the interruptible part of this step.
            long at = Math.max(interrupts.next(c, !idleRun), cl[c * CL + PREEMPT_FROM]);
            if (at < next) {
                // Still interruptible until then: an IPI sent meanwhile that lands earlier cuts it earlier.
                cl[c * CL + RESIDUAL] += next - at;
                next = at;
            }
        }
        if (verdict >= 0) {
            violated(verdict, c, t);
        }
        spans.closeIfComplete(c, next);
        if (k.sawWait && !inHandler) {
            spans.observed(c, next);
        }
        cl[c * CL + CLOCK] = next;
        if (queue.topCpu() == c) {
            queue.moveTop(c, next); // the usual case: no CPU was woken ahead of it during the step
        } else {
            queue.put(c, next);
        }
        if (wakeups.acked.size > 0) {
            recheckAcked();
        }
    }

    private void violated(int verdict, int c, long t) {
        violationSteps++;
        Verdict v = Verdict.values()[verdict];
        if (seen.add(v)) {
            violations.add(new SimViolation(v.word(), c, profile.cyclesToMicros(t), machine.violationNote()));
        }
    }

    /** Wakes the parked initiators whose guard an ack of the step just done made true, at the ack's time. */
    private void recheckAcked() {
        IntList acked = wakeups.acked;
        for (int i = 0; i < acked.size; i++) {
            int c = acked.data[i];
            long t = cl[c * CL + ACKED_AT];
            cl[c * CL + ACKED_AT] = 0;
            if (!cb[c * CB + PARKED] || (queue.contains(c) && queue.time(c) <= t)) {
                continue;
            }
            if (costs.probeStatus(c) >= 0) {
                wakeups.wake(c, t);
            }
        }
        acked.size = 0;
    }

    // ---------------------------------------------------------------- parking

    private void park(int c, long t, int flags) {
        cb[c * CB + PARKED] = true;
        cl[c * CL + PARKED_AT] = t;
        int gen = ++ci[c * CI + PARK_GEN];
        boolean halted = machine.halted(s, c);
        if (!halted) {
            stalls.block(c, t, flags);
        } else {
            interrupts.halted(c);
        }
        ci[c * CI + PARK_PHASE] = halted ? Phase.IDLE : (flags & Layout.IN_HANDLER) != 0 ? Phase.HANDLER : cb[c * CB + AWAITING_OBSERVE] ? Phase.SHOOTDOWN : Phase.SPIN;
        if (!halted) {
            boolean watched = false;
            int[] probe = costs.probe;
            for (int i = 0; i < costs.probeLen; i += 3) {
                int idx = lines.readIndex(probe[i], probe[i + 1], probe[i + 2]);
                if (idx >= 0) {
                    wakeups.watch(idx, c, gen);
                    watched = true;
                }
            }
            if (!watched) {
                wakeups.waitForAnyLock(c);
            }
        }
        // A CPU spinning with interrupts on still takes IPIs and ticks (a halted one does not tick).
        long first = (flags & Layout.IRQ_ON) != 0 ? interrupts.next(c, !halted) : NEVER;
        if (first != NEVER) {
            queue.put(c, Math.max(first, t + 1));
        } else {
            queue.remove(c);
        }
    }

    private void unpark(int c, long t) {
        cb[c * CB + PARKED] = false;
        phaseCycles[ci[c * CI + PARK_PHASE]] += t - cl[c * CL + PARKED_AT];
        if (trace != null && t > cl[c * CL + PARKED_AT]) {
            trace.slice(c, cl[c * CL + PARKED_AT], t, ci[c * CI + PARK_PHASE], "blocked");
        }
    }

    /** Where CPU {@code c}'s words start in the machine state (as {@link Layout#cpu}). */
    private int cpu(int c) {
        return cpuBase + c * stride;
    }

    // ---------------------------------------------------------------- timers

    /** The earliest timer: a store drains (TSO), or a broadcast invalidation is performed at one CPU. */
    private void fireTimer() {
        int target = timers.topA();
        int arg = timers.topB();
        long t = timers.topTime();
        timers.pop();
        actions++;
        if (arg == StoreDrains.DRAIN_TIMER) {
            drains.drain(target, t);
            return;
        }
        int slot = arg / n;
        int issuer = arg % n;
        int page = layout.bcastPage(slot);
        if (page >= 0) {
            costs.noteInvalidation(target, page);
        }
        costs.enterTimer(t);
        int v = machine.performBroadcast(s, target, slot, issuer);
        costs.leaveTimer();
        if (v >= 0) {
            violated(v, target, t);
        }
        if (--ci[issuer * CI + OUTSTANDING] == 0) {
            wakeups.wake(issuer, t);
            spans.closeIfComplete(issuer, t);
        }
    }

    // ---------------------------------------------------------------- results

    public SimResult result(Run run, String file, String workload, String opDefinition, long seed) {
        long machineEvents = 0;
        for (long x : costs.counts) {
            machineEvents += x;
        }
        return new SimResult(file, program.meta() == null ? null : program.meta().title(), workload, opDefinition, profile.name(), profile.ghz(), n, seed, run.cycles() / (profile.ghz() * 1e9),
                run.actions(), machineEvents, run.wallSeconds(), run.cpuSeconds(), costs.counts.clone(), phaseCycles.clone(),
                spans.latency.copy(), spans.callLatency.copy(), spans.shootdowns, Workloads.operations(program, layout, s),
                costs.missesCaused, costs.missCausedCycles, List.copyOf(violations), stall, null, liveness, violationSteps,
                noise == null ? 0 : noise.deviceTaken, noise == null ? 0 : noise.reschedTaken,
                scheduler == null ? SimResult.Switches.NONE : new SimResult.Switches(scheduler.contextSwitches, scheduler.mmSwitches, scheduler.wakeups));
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
}
