package dev.shootdown.sim;

import dev.shootdown.model.Event;
import dev.shootdown.model.Events;
import dev.shootdown.model.Layout;
import dev.shootdown.model.Machine;
import dev.shootdown.model.Pte;

import java.util.Arrays;

import static dev.shootdown.sim.CpuRecords.ACK_PENDING;
import static dev.shootdown.sim.CpuRecords.CB;
import static dev.shootdown.sim.CpuRecords.CI;
import static dev.shootdown.sim.CpuRecords.LOCKS_HELD;
import static dev.shootdown.sim.CpuRecords.NEVER;
import static dev.shootdown.sim.CpuRecords.OUTSTANDING;
import static dev.shootdown.sim.CpuRecords.PARKED;

/**
 * What each machine event costs the CPU whose step made it: the profile's flat per-kind cost, plus
 * cache-line transfers ({@link CacheLines}) for shared, per-CPU and PTE words, sorted into the
 * step's phases (shootdown work, user work, idle; the rest is kernel). This is the sink
 * {@link Machine} reports every event to; besides the cost, an event may wake CPUs parked on the
 * word it wrote, send an IPI, set broadcast timers or open and close a shootdown span.
 *
 * <p>Outside a step an event is not charged: a guard's reads while the engine probes whether a
 * step is enabled are remembered ({@link #probe}), and a broadcast or store drain a timer performs
 * is only counted.
 */
final class EventCosts implements Events {
    private final Machine machine;
    private final int[] s;
    private final int n;
    private final int pages;
    private final int cpuBase;
    private final int stride;
    private final int tlb;
    /** TLB slots per page: the ASIDs, or 1. */
    private final int tags;
    private final int pteBase;
    private final long[] cost;
    private final long[] bcastLatency;
    private final long[] place;
    private final int[] ci;
    private final boolean[] cb;
    private final CacheLines lines;
    private final Wakeups wakeups;
    private final SpinLockQueues locks;
    private final ShootdownSpans spans;
    private final Interrupts interrupts;
    private final TimerQueue timers;
    private final SimTrace trace;

    // The step being charged: its start, its cycles so far, and how many of them were shootdown, user and idle work.
    long stepStart;
    long acc;
    long sdAcc;
    long userAcc;
    long idleAcc;
    /** Whether the step ended a wait (a wait until that saw its condition, a tlbsync). */
    boolean sawWait;
    /** When the step's interruptible compute()/idle() began, or NEVER. */
    long computeFrom;

    private boolean probing;
    /** The reads of the last probe, three ints each: kind, a, b as reported. */
    int[] probe = new int[48];
    int probeLen;
    private boolean inTimer;
    private long timerAt;

    final long[] counts = new long[Event.COUNT];
    /** The longest compute()/idle() of the run so far: user work that is no wait, however long. */
    long longestWork;
    /** The run's scheduler, or null; a per-CPU write to a variable whose {@code doorbells} flag is set is shown to it. */
    private Scheduler sched;
    private boolean[] doorbells;
    long missesCaused;
    long missCausedCycles;
    /** Per CPU and page, the PTE a dropped TLB entry was filled from, to tell refills an invalidation caused. */
    private final int[] invalidatedPte;

    EventCosts(Machine machine, int[] s, Profile profile, CpuRecords records, long[] place, CacheLines lines, Wakeups wakeups,
               SpinLockQueues locks, ShootdownSpans spans, Interrupts interrupts, TimerQueue timers, SimTrace trace) {
        this.machine = machine;
        this.s = s;
        Layout layout = machine.layout();
        this.n = layout.cpus;
        this.pages = layout.pages;
        this.cpuBase = layout.cpuBase;
        this.stride = layout.stride;
        this.tlb = layout.tlb;
        this.tags = layout.tags;
        this.pteBase = layout.pteBase;
        this.cost = profile.eventCycles();
        this.bcastLatency = profile.bcastLatency();
        this.place = place;
        this.ci = records.ci;
        this.cb = records.cb;
        this.lines = lines;
        this.wakeups = wakeups;
        this.locks = locks;
        this.spans = spans;
        this.interrupts = interrupts;
        this.timers = timers;
        this.trace = trace;
        this.invalidatedPte = new int[n * Math.max(1, pages)];
    }

    /** A step of some CPU begins at {@code t} with {@code base} cycles charged. */
    void begin(long t, long base) {
        stepStart = t;
        acc = base;
        sdAcc = 0;
        userAcc = 0;
        idleAcc = 0;
        sawWait = false;
        computeFrom = NEVER;
    }

    /** The run's scheduler (null for a workload without tasks). */
    void scheduler(Scheduler scheduler) {
        sched = scheduler;
        doorbells = scheduler == null ? null : scheduler.doorbells;
    }

    /** Whether CPU {@code c}'s step is enabled (Machine's stepStatus), its guard's reads kept in {@link #probe}. */
    int probeStatus(int c) {
        probing = true;
        probeLen = 0;
        int status = machine.stepStatus(s, c);
        probing = false;
        return status;
    }

    /** The step of {@code c} that was probed runs: the guard's reads are charged to it. */
    void chargeProbe(int c) {
        for (int i = 0; i < probeLen; i += 3) {
            charge(probe[i], c, probe[i + 1], probe[i + 2]);
        }
    }

    /** The events until {@link #leaveTimer} come from a timer at {@code t} (a broadcast performed, a store drained): counted, not charged. */
    void enterTimer(long t) {
        inTimer = true;
        timerAt = t;
    }

    void leaveTimer() {
        inTimer = false;
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
            trace.event(timerAt, cpu, kind, a, b);
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
            chargeRead(kind, lines.perCpuLine(b, a), c);
        } else if (kind == Event.SHARED_READ) {
            chargeRead(kind, a, c);
        } else if (kind == Event.PERCPU_WRITE) {
            chargeWrite(kind, lines.perCpuLine(b, a), c);
            if (doorbells != null && doorbells[a]) {
                sched.written(a, c, stepStart + acc);
            }
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
            case Event.PTE_READ -> chargeRead(kind, lines.pteLineBase + a, c);
            case Event.PTE_WRITE, Event.PTE_ATOMIC -> chargeWrite(kind, lines.pteLineBase + a, c);
            case Event.LOCK -> chargeLock(c, a, b);
            case Event.TLB_MISS -> chargeMiss(c, a);
            case Event.TLB_HIT, Event.USER_ACCESS, Event.DIRTY_REWALK, Event.EVICT -> chargeUser(kind);
            case Event.COMPUTE -> chargeCompute(c, a);
            case Event.IDLE -> chargeIdle(c, sched == null ? a : sched.idleCycles(c, a));
            case Event.FLUSH_ALL -> chargeFlushAll(c);
            case Event.TLBIE -> chargeTlbie(c, a);
            case Event.TLBSYNC -> chargeTlbsync();
            case Event.IPI_SEND -> chargeIpiSend(c, a, b);
            case Event.WAIT_DONE -> chargeWaitDone(c);
            default -> acc += cost[kind];
        }
    }

    private void chargeRead(int kind, int idx, int c) {
        acc += cost[kind] + lines.read(idx, c);
    }

    /** A store to line {@code idx}: its cost and transfer, then every CPU parked on it looks again. */
    private void chargeWrite(int kind, int idx, int c) {
        acc += cost[kind] + lines.write(idx, c);
        wakeups.written(idx, stepStart + acc);
    }

    private void chargeLock(int c, int a, int b) {
        ci[c * CI + LOCKS_HELD] += b == 1 ? 1 : ci[c * CI + LOCKS_HELD] > 0 ? -1 : 0;
        chargeWrite(Event.LOCK, lines.lockLine(a), c);
        if (b == 0) {
            wakeups.lockReleased(stepStart + acc, a);
        } else if (locks.queues > 0) {
            locks.acquired(a, c);
        }
    }

    private void chargeMiss(int c, int page) {
        long walk = cost[Event.TLB_MISS] + lines.read(lines.pteLineBase + page, c);
        acc += walk;
        userAcc += walk;
        int at = c * pages + page;
        int was = invalidatedPte[at];
        if (was != 0) {
            int pte = s[pteBase + page];
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
    private void chargeCompute(int c, int n) {
        long cycles = interrupts.noise == null ? n : interrupts.noise.draw(c, n);
        longestWork = Math.max(longestWork, cycles);
        computeFrom = stepStart + acc;
        acc += cycles;
        if (ci[c * CI + LOCKS_HELD] == 0) {
            userAcc += cycles;
        }
    }

    private void chargeIdle(int c, long n) {
        long cycles = interrupts.noise == null ? n : interrupts.noise.draw(c, (int) Math.min(n, Integer.MAX_VALUE));
        longestWork = Math.max(longestWork, cycles);
        computeFrom = stepStart + acc;
        acc += cycles;
        idleAcc += cycles;
    }

    /** Remembers the PTE a dropped TLB entry was filled from, to tell refills an invalidation caused. */
    void noteInvalidation(int c, int page) {
        for (int tag = 0; tag < tags; tag++) {
            if (s[cpuBase + c * stride + tlb + page * tags + tag] != 0) {
                int pte = s[pteBase + page];
                invalidatedPte[c * pages + page] = Pte.present(pte) ? pte : 0;
                return;
            }
        }
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

    /** A broadcast invalidation: performed at every other CPU by a timer after the broadcast latency for its distance. */
    private void chargeTlbie(int c, int page) {
        spans.open(c, stepStart + acc);
        long k = cost[Event.TLBIE];
        acc += k;
        sdAcc += k;
        long at = stepStart + acc;
        int arg = page * n + c; // page and issuer of the invalidation
        for (int t = 0; t < n; t++) {
            if (t != c) {
                timers.add(at + bcastLatency[Topology.distance(place[c], place[t])], t, arg);
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
        spans.open(c, stepStart + acc);
        long send = cost[Event.IPI_SEND] + lines.write(lines.ackLine(c), c);
        acc += send;
        sdAcc += send;
        interrupts.send(c, target, handler, stepStart + acc);
    }

    /** The responder's store to the initiator's ack word (Linux: the csd lock word) is a remote write. */
    private void chargeAck(int c, int to) {
        acc += cost[Event.ACK] + lines.write(lines.ackLine(to), c);
        long t = stepStart + acc;
        cb[to * CB + ACK_PENDING] = true;
        if (cb[to * CB + PARKED]) {
            wakeups.ackedAt(to, t);
        }
        spans.closeIfComplete(to, t);
    }

    private void chargeWaitDone(int c) {
        sawWait = true;
        if (cb[c * CB + ACK_PENDING]) {
            // The wait's last poll reads the ack word the last responder wrote.
            cb[c * CB + ACK_PENDING] = false;
            acc += lines.read(lines.ackLine(c), c);
        }
    }
}
