package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * The semantics of a compiled {@link Program} on the hardware model: which actions are enabled in
 * a state and what each does. Both engines drive this one class; it keeps no state between calls
 * except scratch fields, so use one instance per thread.
 *
 * <p>Hardware rules (x86, Intel SDM vol. 3A): a TLB miss walks the PTE and sets A (4.8); a write
 * through an entry whose cached D is clear re-walks with a locked access, sets D, and faults if the
 * PTE is no longer present and writable (4.8; the {@code blind_set} knob models hardware that sets D
 * without that check); a page fault invalidates the faulting address's TLB entry (4.10.4.1); IPIs
 * are taken only with interrupts enabled (6.8.1), at any point the checker likes.
 */
public final class Machine {
    private final Program program;
    private final Layout layout;
    /** {@link Layout#cpuBase} and {@link Layout#stride}, one load each from here instead of two (the step path finds a CPU's words often). */
    private final int cpuBase;
    private final int stride;
    private final Hardware hw;
    private final Code[] programs;
    private final boolean[][] programPlain;
    private final boolean[][] handlerPlain;
    private final Code[] handlers;
    private final int cpus;
    private final int pages;
    private final int[] pageMm;
    private final int maxLocalRun = 100_000;

    private final CpuSets sets;
    private final boolean tso;
    private final int sbEntries;
    private final int[] mmSets;
    private final int allCpus;

    private int violation;
    private String violationNote;
    private Narrator narrator;
    private Events events;
    private boolean canonicalFrames = true;
    /** Inside an atomic block: a locked sequence, whose stores go straight to memory. */
    private boolean inAtomic;
    /** The members of the set comprehensions being evaluated, innermost last. */
    private int[] compScratch = new int[64];
    private int compTop;

    public Machine(Program program) {
        this(program, CpuSets.forCpus(program.cpus()));
    }

    public Machine(Program program, CpuSets sets) {
        this.sets = sets;
        this.tso = program.hardware().memory() == Hardware.MemoryModel.TSO;
        this.sbEntries = program.hardware().storeBuffer();
        this.program = program;
        this.layout = new Layout(program);
        this.cpuBase = layout.cpuBase;
        this.stride = layout.stride;
        this.hw = program.hardware();
        this.programs = program.cpuPrograms().toArray(Code[]::new);
        this.handlers = program.handlers().toArray(Code[]::new);
        java.util.Map<Code, boolean[]> plain = new java.util.IdentityHashMap<>();
        this.programPlain = new boolean[programs.length][];
        for (int c = 0; c < programs.length; c++) {
            programPlain[c] = plain.computeIfAbsent(programs[c], Machine::plainSteps);
        }
        this.handlerPlain = new boolean[handlers.length][];
        for (int h = 0; h < handlers.length; h++) {
            handlerPlain[h] = plainSteps(handlers[h]);
        }
        this.cpus = program.cpus();
        this.pages = program.pages();
        this.pageMm = program.pageMm();
        this.mmSets = new int[program.mmNames().size()];
        int all = 0;
        for (int c = 0; c < cpus; c++) {
            all = sets.union(all, sets.single(c));
            if (program.cpuMm()[c] >= 0) {
                mmSets[program.cpuMm()[c]] = sets.union(mmSets[program.cpuMm()[c]], sets.single(c));
            }
        }
        this.allCpus = all;
    }

    public CpuSets sets() {
        return sets;
    }

    /** Events of the following {@link #apply} calls go to {@code events} (null: none). */
    public void events(Events events) {
        this.events = events;
    }

    public Program program() {
        return program;
    }

    public Layout layout() {
        return layout;
    }

    public int[] initialState() {
        violation = -1;
        violationNote = null;
        int[] s = new int[layout.size];
        for (int v = 0; v < program.shared().size(); v++) {
            s[v] = initial(program.shared().get(v));
        }
        for (int c = 0; c < cpus; c++) {
            int b = cpu(c);
            s[b + Layout.FLAGS] = Layout.IRQ_ON;
            for (int v = 0; v < program.perCpu().size(); v++) {
                s[b + layout.perCpu + v] = initial(program.perCpu().get(v));
            }
        }
        System.arraycopy(program.initialPtes(), 0, s, layout.pteBase, pages);
        System.arraycopy(program.initialPmds(), 0, s, layout.pmdBase, program.tableNames().size());
        System.arraycopy(mmSets, 0, s, layout.mmMaskBase, mmSets.length);
        for (int c = 0; c < cpus; c++) {
            s[cpu(c) + Layout.CR3] = program.cpuMm()[c] + 1;
        }
        System.arraycopy(program.initialFrames(), 0, s, layout.frameBase, program.frames());
        for (int c = 0; c < cpus; c++) {
            runLocals(s, c, cpu(c));
            clearDead(s, c, cpu(c));
        }
        return s;
    }

    private int initial(Program.Var v) {
        return v.type() == dev.shootdown.lang.Type.CPUSET ? sets.fromMask(v.initial() & 0xffffffffL) : v.initial();
    }

    // ---------------------------------------------------------------- enabled actions

    /** Writes the enabled actions of {@code s} into {@code out} and returns how many. */
    public int enabled(int[] s, int[] out) {
        int n = 0;
        for (int c = 0; c < cpus; c++) {
            n = enabledFor(s, c, out, n);
        }
        return n;
    }

    /**
     * Appends the actions CPU {@code c} can take in {@code s} to {@code out} from index {@code n} and
     * returns the new count: its next step (one per TLB victim when a fill must evict), each IPI it
     * may take, each broadcast invalidation it may perform, each eviction it may suffer.
     */
    public int enabledFor(int[] s, int c, int[] out, int n) {
        int b = cpu(c);
        int flags = s[b + Layout.FLAGS];
        Code code = code(s, c, b);
        int pc = s[b + Layout.PC];
        if (stepEnabled(s, c, b, code, pc) && !(hw.ipiLatched() && (flags & Layout.IRQ_ON) != 0 && ipiPending(s, b))) {
            if (!needsVictim(s, c, b, code.insns()[pc])) {
                out[n++] = Action.of(Action.STEP, c, 0);
            } else {
                for (int p = 0; p < pages; p++) {
                    if (s[b + layout.tlb + p] != 0) {
                        out[n++] = Action.of(Action.STEP, c, p + 1);
                    }
                }
            }
        }
        if ((flags & Layout.IRQ_ON) != 0) {
            for (int h = 0; h < layout.handlers; h++) {
                int senders = s[b + Layout.PENDING + h];
                for (int from = sets.next(senders, 0); from >= 0; from = sets.next(senders, from + 1)) {
                    out[n++] = Action.of(Action.IPI, c, (h << Action.SENDER_BITS) | from);
                }
            }
        }
        for (int p = 0; p < pages; p++) {
            if (layout.bcastPages == 0) {
                break;
            }
            int issuers = s[b + layout.bcast + p];
            for (int i = sets.next(issuers, 0); i >= 0; i = sets.next(issuers, i + 1)) {
                out[n++] = Action.of(Action.BCAST, c, (p << Action.SENDER_BITS) | i);
            }
        }
        if (s[b + Layout.SB_COUNT] > 0) {
            out[n++] = Action.of(Action.DRAIN, c, 0);
        }
        if (layout.rcuSlots > 0 && canBeQuiescent(s, c, b)) {
            out[n++] = Action.of(Action.RCU_QS, c, 0);
        }
        if (hw.speculativeWalks()) {
            for (int p = 0; p < pages; p++) {
                if (canSpeculate(s, b, p)) {
                    out[n++] = Action.of(Action.SPECULATE, c, p);
                }
            }
        }
        if (hw.evictions()) {
            for (int p = 0; p < pages; p++) {
                if (s[b + layout.tlb + p] != 0) {
                    out[n++] = Action.of(Action.EVICT, c, p);
                }
            }
        }
        return n;
    }

    private boolean ipiPending(int[] s, int b) {
        for (int h = 0; h < layout.handlers; h++) {
            if (s[b + Layout.PENDING + h] != 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether CPU {@code c} has finished its program (it may still take interrupts). */
    public boolean halted(int[] s, int c) {
        int b = cpu(c);
        return (s[b + Layout.FLAGS] & Layout.IN_HANDLER) == 0 && programs[c].insns()[s[b + Layout.PC]] instanceof Insn.Halt;
    }

    /**
     * For timed engines, which pick one CPU at a time: -1 when CPU {@code c}'s next step is not
     * enabled (it waits, spins on a lock, or has halted), 1 when it is enabled but is a fill into a
     * full TLB (the engine picks the victim among the valid entries), 0 otherwise. Evaluating the
     * guard reports its reads to the {@link Events} sink, so an engine learns what a blocked CPU
     * waits on.
     */
    public int stepStatus(int[] s, int c) {
        int b = cpu(c);
        int flags = s[b + Layout.FLAGS];
        if (!tso && plain(c, flags, s[b + Layout.PC])) {
            return 0;
        }
        Code code = code(s, c, b);
        int pc = s[b + Layout.PC];
        if (!stepEnabled(s, c, b, code, pc)) {
            return -1;
        }
        return needsVictim(s, c, b, code.insns()[pc]) ? 1 : 0;
    }

    /** What {@link #stepIfPlain} returns when it did nothing. */
    public static final int NOT_PLAIN = -2;

    /**
     * For timed engines: when CPU {@code c}'s next instruction is one {@link #stepStatus} would call
     * enabled without a look at the state (0), runs it as {@link #step(int[], int, int)} with no
     * victim and returns what that returns; otherwise does nothing and returns {@link #NOT_PLAIN}.
     * One look-up of the CPU's code and pc serves both the question and the step.
     */
    public int stepIfPlain(int[] s, int c) {
        if (tso) {
            return NOT_PLAIN;
        }
        int b = cpu(c);
        int flags = s[b + Layout.FLAGS];
        int pc = s[b + Layout.PC];
        if (!plain(c, flags, pc)) {
            return NOT_PLAIN;
        }
        startAction(null);
        step(s, c, b, code(c, flags), pc, -1);
        return violation;
    }

    /** An upper bound on the number of actions any state can enable, for sizing buffers. */
    public int maxActions() {
        return cpus * maxActionsPerCpu();
    }

    public int maxActionsPerCpu() {
        return Math.max(1, pages) + layout.handlers * cpus + cpus * pages + 2 * pages + 3;
    }

    /** Where CPU {@code c}'s words start in the state (as {@link Layout#cpu}). */
    private int cpu(int c) {
        return cpuBase + c * stride;
    }

    /** CPU {@code c}'s current code, for callers that know the CPU (no division by the stride). */
    private Code code(int[] s, int c, int b) {
        return code(c, s[b + Layout.FLAGS]);
    }

    /** The code CPU {@code c} runs with these flags: a handler's, or its program. */
    private Code code(int c, int flags) {
        return (flags & Layout.IN_HANDLER) != 0 ? handlers[flags >>> Layout.HANDLER_SHIFT] : programs[c];
    }

    /** Whether instruction {@code pc} of the code CPU {@code c} runs with these flags is plain (see {@link #plainSteps}). */
    private boolean plain(int c, int flags, int pc) {
        return ((flags & Layout.IN_HANDLER) != 0 ? handlerPlain[flags >>> Layout.HANDLER_SHIFT] : programPlain[c])[pc];
    }

    /**
     * Which instructions are always enabled and never choose a TLB victim under sequential
     * consistency: for them {@link #stepStatus} needs no look at the state (a timed engine asks
     * before every step).
     */
    private static boolean[] plainSteps(Code code) {
        boolean[] plain = new boolean[code.insns().length];
        for (int pc = 0; pc < plain.length; pc++) {
            Insn insn = code.insns()[pc];
            boolean guarded = insn instanceof Insn.Halt || insn instanceof Insn.Wait || insn instanceof Insn.Atomic a && a.guard() != null;
            if (insn instanceof Insn.Op o) {
                Builtin op = o.op();
                guarded = op == Builtin.SPIN_LOCK || op == Builtin.TLBSYNC || op == Builtin.DSB_ISH || op == Builtin.ALLOC_FRAME
                        || op == Builtin.RCU_FREE || op == Builtin.SEND_IPI || op == Builtin.READ || op == Builtin.WRITE || op == Builtin.EXEC;
            }
            plain[pc] = !guarded;
        }
        return plain;
    }

    private Code code(int[] s, int b) {
        return code(s, (b - layout.cpuBase) / layout.stride, b);
    }

    private int frame(int[] s, int b) {
        return (s[b + Layout.FLAGS] & Layout.IN_HANDLER) != 0 ? b + layout.handlerLocals : b + layout.locals;
    }

    private boolean stepEnabled(int[] s, int c, int b, Code code, int pc) {
        Insn insn = code.insns()[pc];
        int fr = frame(s, b);
        if (tso && !orderAllows(s, b, code.memoryOrder()[pc])) {
            return false;
        }
        if (tso && hw.xapic() && s[b + Layout.SB_COUNT] > 0 && insn instanceof Insn.Op o && o.op() == Builtin.SEND_IPI) {
            // An xAPIC ICR write is a store: it cannot leave before the stores buffered ahead of it.
            return false;
        }
        if (insn instanceof Insn.Halt) {
            return false;
        } else if (insn instanceof Insn.Wait w) {
            return eval(w.cond(), s, c, fr) != 0;
        } else if (insn instanceof Insn.Atomic a) {
            return a.guard() == null || eval(a.guard(), s, c, fr) != 0;
        } else if (insn instanceof Insn.Op o && o.op() == Builtin.SPIN_LOCK) {
            return s[targetIndex(o.lock(), s, c, fr)] == 0;
        } else if (insn instanceof Insn.Op o && (o.op() == Builtin.TLBSYNC || o.op() == Builtin.DSB_ISH)) {
            return !bcastPendingFrom(s, c);
        } else if (insn instanceof Insn.Op o && o.op() == Builtin.ALLOC_FRAME) {
            // The allocator has nothing to give until some frame is freed: the caller waits.
            for (int f = 0; f < program.frames(); f++) {
                if (FrameState.isFree(s[layout.frameBase + f])) {
                    return true;
                }
            }
            return false;
        } else if (insn instanceof Insn.Op o && o.op() == Builtin.RCU_FREE) {
            for (int i = 0; i < layout.rcuSlots; i++) {
                if (s[layout.rcuBase + 2 * i] == 0) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    /** TSO: whether the store buffer lets an instruction of this {@link MemoryOrder} class run now. */
    private boolean orderAllows(int[] s, int b, byte order) {
        int count = s[b + Layout.SB_COUNT];
        if (count == 0 || order == MemoryOrder.NONE) {
            return true;
        }
        if (order == MemoryOrder.DRAIN || (s[b + Layout.FLAGS] & Layout.FENCE) != 0) {
            return false;
        }
        return order != MemoryOrder.STORE || count < sbEntries;
    }

    /** Whether a user access misses in a full TLB, so that the step must choose a victim to evict. */
    private boolean needsVictim(int[] s, int c, int b, Insn insn) {
        if (hw.tlbCapacity() >= pages || !(insn instanceof Insn.Op o) || (o.op() != Builtin.READ && o.op() != Builtin.WRITE && o.op() != Builtin.EXEC)) {
            return false;
        }
        int page = eval(o.args()[0], s, c, frame(s, b));
        if (s[b + layout.tlb + page] != 0 || !Pte.present(s[layout.pteBase + page])) {
            return false;
        }
        return tlbCount(s, b) >= hw.tlbCapacity();
    }

    private boolean bcastPendingFrom(int[] s, int issuer) {
        for (int c = 0; c < cpus; c++) {
            if (layout.bcastPages == 0) {
                return false;
            }
            int b = cpu(c) + layout.bcast;
            for (int p = 0; p < pages; p++) {
                if (sets.contains(s[b + p], issuer)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- progress (no_deadlock)

    /** True when some CPU still has work it cannot finish and no action can ever help (seed 000: two initiators with interrupts off). */
    public boolean deadlocked(int[] s, int[] actions, int count) {
        for (int i = 0; i < count; i++) {
            int a = actions[i];
            if (Action.kind(a) == Action.EVICT || Action.kind(a) == Action.SPECULATE) {
                continue;
            }
            if (Action.kind(a) != Action.STEP || !inBackground(s, Action.cpu(a))) {
                return false;
            }
        }
        for (int c = 0; c < cpus; c++) {
            int b = cpu(c);
            Code code = code(s, c, b);
            int pc = s[b + Layout.PC];
            boolean halted = code.insns()[pc] instanceof Insn.Halt;
            if (!halted && !(inBackground(s, c) && stepEnabled(s, c, b, code, pc))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether no CPU has unfinished work: each has reached the end of its program or runs background
     * code, and none is inside an IRQ handler. The goal of {@code no_deadlock}'s progress half: from
     * every reachable state some continuation must reach such a state.
     */
    public boolean finished(int[] s) {
        for (int c = 0; c < cpus; c++) {
            if (!halted(s, c) && !inBackground(s, c)) {
                return false;
            }
        }
        return true;
    }

    /** A CPU running its top-level user loop: endless by design, so not unfinished work. */
    public boolean inBackground(int[] s, int c) {
        int b = cpu(c);
        return (s[b + Layout.FLAGS] & Layout.IN_HANDLER) == 0 && programs[c].background()[s[b + Layout.PC]];
    }

    // ---------------------------------------------------------------- applying an action

    /**
     * Applies {@code action} to {@code s} in place. Returns the verdict ordinal of a property the
     * action violated, or -1. {@code narrator}, when not null, hears what happened.
     */
    public int apply(int[] s, int action, Narrator narrator) {
        startAction(narrator);
        int c = Action.cpu(action);
        int b = cpu(c);
        switch (Action.kind(action)) {
            case Action.STEP -> step(s, c, b, Action.arg(action) - 1);
            case Action.IPI -> takeIpi(s, c, b, Action.arg(action) >>> Action.SENDER_BITS, Action.arg(action) & Action.SENDER_MASK);
            case Action.EVICT -> {
                if (events != null) {
                    events.on(Event.EVICT, c, Action.arg(action), 0);
                }
                s[b + layout.tlb + Action.arg(action)] = 0;
                if (narrator != null) {
                    say("TLB entry for " + program.pageNames().get(Action.arg(action)) + " evicted");
                }
            }
            case Action.BCAST -> broadcast(s, c, b, Action.arg(action) >>> Action.SENDER_BITS, Action.arg(action) & Action.SENDER_MASK);
            case Action.DRAIN -> drain(s, c, b);
            case Action.RCU_QS -> {
                if (narrator != null) {
                    say("cpu" + c + " passes a quiescent state");
                }
                quiescent(s, c);
            }
            case Action.SPECULATE -> speculate(s, c, b, Action.arg(action));
            default -> throw new IllegalArgumentException("action " + action);
        }
        this.narrator = null;
        return violation;
    }

    /**
     * The STEP action of CPU {@code c} ({@code victim}: the TLB entry a fill into a full TLB replaces,
     * or -1), for a timed engine that names the CPU itself: an action packs the CPU in 10 bits, the
     * simulator runs more CPUs than that. Returns the verdict ordinal of a violation, or -1.
     */
    public int step(int[] s, int c, int victim) {
        startAction(null);
        step(s, c, cpu(c), victim);
        return violation;
    }

    /** The IPI action: CPU {@code c} takes {@code handler}'s interrupt sent by {@code from} (see {@link #step(int[], int, int)}). */
    public int takeIpi(int[] s, int c, int handler, int from) {
        startAction(null);
        takeIpi(s, c, cpu(c), handler, from);
        return violation;
    }

    /** The source label of the instruction CPU {@code c} runs next. */
    public String stepLabel(int[] s, int c) {
        int b = cpu(c);
        return code(s, c, b).labels()[s[b + Layout.PC]];
    }

    /** The label of taking {@code handler}'s interrupt from {@code from}. */
    public String ipiLabel(int handler, int from) {
        return "<IPI " + handlers[handler].name() + " from cpu" + from + ">";
    }

    /** Before an action: who hears it, and no violation yet. */
    private void startAction(Narrator narrator) {
        this.narrator = narrator;
        this.violation = -1;
        this.violationNote = null;
    }

    /** The last violation's explanation (set when {@link #apply} returned a verdict). */
    public String violationNote() {
        return violationNote;
    }

    /** The verdict ordinal of a violation found while building the initial state (-1 if none). */
    public int initialViolation() {
        return violation;
    }

    /** Whether CPU {@code c}'s next instruction can run now. */
    public boolean canStep(int[] s, int c) {
        int b = cpu(c);
        return stepEnabled(s, c, b, code(s, c, b), s[b + Layout.PC]);
    }

    /** The source label of the instruction a STEP action of {@code cpu} would run. */
    public String label(int[] s, int action) {
        int c = Action.cpu(action);
        int b = cpu(c);
        return switch (Action.kind(action)) {
            case Action.STEP -> code(s, b).labels()[s[b + Layout.PC]];
            case Action.IPI -> ipiLabel(Action.arg(action) >>> Action.SENDER_BITS, Action.arg(action) & Action.SENDER_MASK);
            case Action.EVICT -> "<TLB eviction>";
            case Action.DRAIN -> "<store buffer drains>";
            case Action.RCU_QS -> "<RCU quiescent state>";
            case Action.SPECULATE -> "<speculative walk>";
            default -> "<broadcast invalidation>";
        };
    }

    public dev.shootdown.lang.Position position(int[] s, int action) {
        int b = cpu(Action.cpu(action));
        return Action.kind(action) == Action.STEP ? code(s, b).positions()[s[b + Layout.PC]] : null;
    }

    /**
     * CPU {@code c} performs {@code issuer}'s broadcast invalidation of {@code page} (the BCAST action,
     * for engines that schedule it themselves, as the simulator does by time). Returns the verdict
     * ordinal of a violation, or -1.
     */
    public int performBroadcast(int[] s, int c, int page, int issuer) {
        startAction(null);
        broadcast(s, c, cpu(c), page, issuer);
        return violation;
    }

    private void broadcast(int[] s, int c, int b, int page, int issuer) {
        s[b + layout.bcast + page] = sets.diff(s[b + layout.bcast + page], sets.single(issuer));
        s[b + layout.tlb + page] = 0;
        dropPwc(s, b, page);
        if (events != null) {
            events.on(Event.BCAST_PERFORM, c, page, issuer);
        }
        if (narrator != null) {
            say("broadcast invalidation of " + program.pageNames().get(page) + " from cpu" + issuer + " performed");
        }
    }

    /**
     * TSO, for timed engines, which drain store buffers by time: CPU {@code c}'s oldest buffered store
     * becomes visible (the DRAIN action, for a CPU named by number: an action names only 1024). The
     * buffer must not be empty. Returns the address written: a state index, or -1 - cpu for an ack
     * to that CPU.
     */
    public int drainStore(int[] s, int c) {
        startAction(null);
        int b = cpu(c);
        int addr = s[b + layout.storeBuffer];
        drain(s, c, b);
        return addr;
    }

    /** TSO: the oldest buffered store becomes visible to all CPUs. */
    private void drain(int[] s, int c, int b) {
        int sb = b + layout.storeBuffer;
        int addr = s[sb];
        int value = s[sb + 1];
        int count = s[b + Layout.SB_COUNT];
        if (events != null) {
            events.on(Event.STORE_DRAIN, c, addr, 0);
        }
        System.arraycopy(s, sb + 2, s, sb, 2 * (count - 1));
        s[sb + 2 * (count - 1)] = 0;
        s[sb + 2 * (count - 1) + 1] = 0;
        s[b + Layout.SB_COUNT] = count - 1;
        if (count == 1) {
            s[b + Layout.FLAGS] &= ~Layout.FENCE;
        }
        if (addr < 0) {
            int to = -1 - addr;
            int at = cpu(to) + Layout.ACK_WAIT;
            s[at] = sets.diff(s[at], sets.single(c));
            if (narrator != null) {
                say("ack to cpu" + to + " becomes visible");
            }
        } else {
            s[addr] = value;
            if (narrator != null) {
                say(addressName(addr) + " = " + value + " becomes visible");
            }
        }
    }

    /** A locked read-modify-write that clears {@code bits} of a PTE and returns its old value. */
    private int clearPteBits(int[] s, int c, int page, int bits, String what) {
        if (events != null) {
            events.on(Event.PTE_ATOMIC, c, page, 0);
        }
        int old = s[layout.pteBase + page];
        s[layout.pteBase + page] = old & ~bits;
        if (narrator != null) {
            say((bits == -1 ? what + " " : what + " of ") + pageName(page) + " cleared atomically, was " + pte(old));
        }
        return old;
    }

    /** The locked page-table updates: under Xen PV each is a synchronous hypercall of its own. */
    private static boolean lockedPteUpdate(Builtin op) {
        switch (op) {
            case PTEP_GET_AND_CLEAR:
            case PTEP_CMPXCHG:
            case PTEP_TEST_AND_CLEAR_YOUNG:
            case PTEP_MKCLEAN:
            case PTEP_SET_WRPROTECT:
            case PMDP_GET_AND_CLEAR:
                return true;
            default:
                return false;
        }
    }

    /** A kernel PTE store: queued under Xen PV (xpq_queue_pte_update), else an ordinary store. */
    private void pteStore(int[] s, int c, int b, int page, int pte) {
        int q = b + layout.xenQueue;
        if (hw.xenQueue() == 0) {
            store(s, c, b, layout.pteBase + page, pte);
            return;
        }
        if (s[q] == hw.xenQueue()) {
            xenFlush(s, c, b); // NetBSD's xpq_queue_pte_update flushes a full queue
        }
        int n = s[q];
        s[q + 1 + 2 * n] = page;
        s[q + 2 + 2 * n] = pte;
        s[q] = n + 1;
        if (narrator != null) {
            say("PTE " + pageName(page) + " := " + pte(pte) + " queued (not yet applied)");
        }
    }

    /** Xen PV: the hypervisor applies this CPU's queued PTE updates in order (HYPERVISOR_mmu_update). */
    private void xenFlush(int[] s, int c, int b) {
        if (hw.xenQueue() == 0) {
            return; // not a Xen PV guest: PTE writes were never queued
        }
        int q = b + layout.xenQueue;
        int n = s[q];
        for (int i = 0; i < n; i++) {
            int page = s[q + 1 + 2 * i];
            int pte = s[q + 2 + 2 * i];
            s[layout.pteBase + page] = pte;
            s[q + 1 + 2 * i] = 0;
            s[q + 2 + 2 * i] = 0;
            if (narrator != null) {
                say("hypervisor applies PTE " + pageName(page) + " := " + pte(pte));
            }
        }
        s[q] = 0;
    }

    /** A frame's content changed: on incoherent i-caches, every CPU's line of it is now stale. */
    private void contentChanged(int[] s, int f) {
        if (!hw.icacheIncoherent()) {
            return;
        }
        for (int t = 0; t < cpus; t++) {
            int at = cpu(t) + layout.icache + f;
            if (s[at] == 1) {
                s[at] = 2;
                if (narrator != null) {
                    say("cpu" + t + "'s i-cache line of frame " + frameName(f) + " is now stale");
                }
            }
        }
    }

    /** A kernel store: through the store buffer under TSO, straight to memory under SC. */
    private void store(int[] s, int c, int b, int addr, int value) {
        if (!tso || inAtomic) {
            if (addr < 0) {
                int at = cpu(-1 - addr) + Layout.ACK_WAIT;
                s[at] = sets.diff(s[at], sets.single(c));
            } else {
                s[addr] = value;
            }
            return;
        }
        int count = s[b + Layout.SB_COUNT];
        int at = b + layout.storeBuffer + 2 * count;
        s[at] = addr;
        s[at + 1] = value;
        s[b + Layout.SB_COUNT] = count + 1;
        if (narrator != null) {
            say("store " + (addr < 0 ? "ack to cpu" + (-1 - addr) : addressName(addr) + " = " + value) + " buffered");
        }
    }

    /** A kernel load: the CPU's own newest buffered store to {@code addr} if any (TSO forwarding), else memory. */
    private int load(int[] s, int c, int addr) {
        if (tso && c >= 0) {
            int b = cpu(c);
            int sb = b + layout.storeBuffer;
            for (int i = s[b + Layout.SB_COUNT] - 1; i >= 0; i--) {
                if (s[sb + 2 * i] == addr) {
                    return s[sb + 2 * i + 1];
                }
            }
        }
        return s[addr];
    }

    /** The name of a kernel memory location, for narration. */
    private String addressName(int addr) {
        if (addr < program.shared().size()) {
            return program.shared().get(addr).name();
        }
        if (addr >= layout.pteBase && addr < layout.pteBase + pages) {
            return "PTE " + pageName(addr - layout.pteBase);
        }
        int c = (addr - layout.cpuBase) / layout.stride;
        int off = (addr - layout.cpuBase) % layout.stride - layout.perCpu;
        if (c >= 0 && c < cpus && off >= 0 && off < program.perCpu().size()) {
            return program.perCpu().get(off).name() + "[" + c + "]";
        }
        return "#" + addr;
    }

    private void takeIpi(int[] s, int c, int b, int h, int from) {
        s[b + Layout.PENDING + h] = sets.diff(s[b + Layout.PENDING + h], sets.single(from));
        if (events != null) {
            events.on(Event.IPI_ENTER, c, from, h);
        }
        s[b + Layout.SAVED_PC] = s[b + Layout.PC];
        int flags = s[b + Layout.FLAGS];
        s[b + Layout.FLAGS] = Layout.IN_HANDLER | (h << Layout.HANDLER_SHIFT) | ((flags & Layout.IRQ_ON) != 0 ? Layout.SAVED_IRQ : 0)
                | (flags & Layout.FENCE);
        s[b + Layout.PC] = 0;
        s[b + layout.handlerLocals] = from;
        if (narrator != null) {
            say("interrupt: " + handlers[h].name() + " from cpu" + from);
        }
        runLocals(s, c, b);
        clearDead(s, c, b);
    }

    private void step(int[] s, int c, int b, int victim) {
        step(s, c, b, code(s, c, b), s[b + Layout.PC], victim);
    }

    private void step(int[] s, int c, int b, Code code, int pc, int victim) {
        int fr = frame(s, b);
        Insn insn = code.insns()[pc];
        if (insn instanceof Insn.Atomic a) {
            int end = a.end();
            int at = pc + 1;
            int guard = 0;
            inAtomic = true;
            while (at >= pc + 1 && at < end && violation < 0) {
                if (++guard > maxLocalRun) {
                    fail(Verdict.ASSERTION, "an atomic block runs for ever");
                    break;
                }
                at = exec(s, c, b, fr, code.insns()[at], at, victim);
            }
            inAtomic = false;
            // A return inside the block jumps past its end: the block ends there.
            s[b + Layout.PC] = at;
        } else {
            int next = exec(s, c, b, fr, insn, pc, victim);
            s[b + Layout.PC] = next;
            if (violation < 0 && !(insn instanceof Insn.Iret) && !code.local()[next]) {
                // Still in the same code (only iret leaves it) and the next instruction is visible: nothing
                // for runLocals to run, and no second look-up of the CPU's code to find that out.
                clearDead(s, c, b);
                return;
            }
        }
        if (violation < 0) {
            runLocals(s, c, b);
            clearDead(s, c, b);
        }
    }

    /**
     * Whether dead frame slots are zeroed between steps: it merges states for the checker and buys a
     * timed engine nothing (a dead slot is never read), so it can turn it off.
     */
    public void canonicalFrames(boolean on) {
        this.canonicalFrames = on;
    }

    /** Zeroes the frame slots no longer read from where the CPU now rests (see {@link Liveness}). */
    private void clearDead(int[] s, int c, int b) {
        if (!canonicalFrames) {
            return;
        }
        Code code = code(s, c, b);
        int pc = s[b + Layout.PC];
        int fr = frame(s, b);
        for (int slot = 0; slot < code.frameSize(); slot++) {
            if (!code.live(pc, slot)) {
                s[fr + slot] = 0;
            }
        }
    }

    /** Runs the instructions that only touch the CPU's own frame, up to the next visible one. */
    private void runLocals(int[] s, int c, int b) {
        int guard = 0;
        while (true) {
            Code code = code(s, c, b);
            int pc = s[b + Layout.PC];
            Insn insn = code.insns()[pc];
            if (!code.local()[pc] || insn instanceof Insn.Halt) {
                return;
            }
            if (++guard > maxLocalRun) {
                fail(Verdict.ASSERTION, "cpu" + c + " loops for ever without touching shared state");
                return;
            }
            s[b + Layout.PC] = exec(s, c, b, frame(s, b), insn, pc, -1);
        }
    }

    /** Executes one instruction and returns the next pc. */
    private int exec(int[] s, int c, int b, int fr, Insn insn, int pc, int victim) {
        if (insn instanceof Insn.Assign a) {
            int value = eval(a.value(), s, c, fr);
            int at = targetIndex(a.target(), s, c, fr);
            if (a.target() instanceof Insn.Target.Local) {
                s[at] = value;
            } else {
                store(s, c, b, at, value);
                if (events != null) {
                    noteWrite(a.target(), at, c);
                }
            }
            return pc + 1;
        } else if (insn instanceof Insn.Jump j) {
            return j.target();
        } else if (insn instanceof Insn.Branch br) {
            return eval(br.cond(), s, c, fr) != 0 ? pc + 1 : br.target();
        } else if (insn instanceof Insn.Wait w) {
            if (events != null) {
                events.on(Event.WAIT_DONE, c, 0, 0);
            }
            return pc + 1;
        } else if (insn instanceof Insn.Atomic a) {
            throw new IllegalStateException("nested atomic at " + pc);
        } else if (insn instanceof Insn.Op o) {
            op(s, c, b, fr, o, victim);
            return pc + 1;
        } else if (insn instanceof Insn.Assert a) {
            if (eval(a.cond(), s, c, fr) == 0) {
                fail(Verdict.ASSERTION, "assertion failed: " + a.message());
            }
            return pc + 1;
        } else if (insn instanceof Insn.Iret r) {
            if (events != null) {
                events.on(Event.IRET, c, 0, 0);
            }
            int flags = s[b + Layout.FLAGS];
            s[b + Layout.FLAGS] = ((flags & Layout.SAVED_IRQ) != 0 ? Layout.IRQ_ON : 0) | (flags & Layout.FENCE);
            int next = s[b + Layout.SAVED_PC];
            s[b + Layout.SAVED_PC] = 0;
            java.util.Arrays.fill(s, b + layout.handlerLocals, b + layout.stride, 0);
            return next;
        }
        return pc; // Halt: stays
    }

    /** Reports a store to a shared or per-CPU variable (state index {@code at}) to the events sink. */
    private void noteWrite(Insn.Target t, int at, int c) {
        if (t instanceof Insn.Target.Shared sh) {
            events.on(Event.SHARED_WRITE, c, sh.var(), 0);
        } else if (t instanceof Insn.Target.PerCpu p) {
            // The writer's own variable (the usual case) needs no division to find whose it is.
            events.on(Event.PERCPU_WRITE, c, p.var(), p.cpu() == null ? c : (at - layout.cpuBase) / layout.stride);
        }
    }

    private int targetIndex(Insn.Target t, int[] s, int c, int fr) {
        if (t instanceof Insn.Target.Local l) {
            return fr + l.slot();
        } else if (t instanceof Insn.Target.Shared sh) {
            return sh.var();
        }
        Insn.Target.PerCpu pc = (Insn.Target.PerCpu) t;
        return cpu(pc.cpu() == null ? c : checkedCpu(eval(pc.cpu(), s, c, fr))) + layout.perCpu + pc.var();
    }

    private int checkedCpu(int cpu) {
        if (cpu < 0 || cpu >= cpus) {
            fail(Verdict.ASSERTION, "CPU index " + cpu + " out of range");
            return 0;
        }
        return cpu;
    }

    // ---------------------------------------------------------------- operations

    private void op(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
        IrExpr[] args = o.args();
        int result = 0;
        if (hw.xenQueue() > 0 && s[b + layout.xenQueue] > 0 && lockedPteUpdate(o.op())) {
            // A locked PTE update is its own synchronous hypercall: the queue goes first, in order.
            xenFlush(s, c, b);
        }
        switch (o.op()) {
            case SET_PTE -> {
                int page = eval(args[0], s, c, fr);
                int pte = eval(args[1], s, c, fr);
                pteStore(s, c, b, page, pte);
                if (events != null) {
                    events.on(Event.PTE_WRITE, c, page, 0);
                }
                if (Pte.present(pte)) {
                    int f = layout.frameBase + Pte.pfn(pte);
                    if (FrameState.owner(s[f]) == FrameState.KERNEL) {
                        s[f] = FrameState.withOwner(s[f], FrameState.mmOwner(pageMm[page]));
                    }
                }
                if (narrator != null && hw.xenQueue() == 0) {
                    say("PTE " + pageName(page) + " := " + pte(pte));
                }
            }
            case PTE_CLEAR -> {
                int page = eval(args[0], s, c, fr);
                pteStore(s, c, b, page, 0);
                if (events != null) {
                    events.on(Event.PTE_WRITE, c, page, 0);
                }
                if (narrator != null && hw.xenQueue() == 0) {
                    say("PTE " + pageName(page) + " cleared");
                }
            }
            case PTEP_GET_AND_CLEAR -> result = clearPteBits(s, c, eval(args[0], s, c, fr), -1, "PTE");
            case PTEP_CMPXCHG -> {
                int page = eval(args[0], s, c, fr);
                if (events != null) {
                    events.on(Event.PTE_ATOMIC, c, page, 0);
                }
                int expected = eval(args[1], s, c, fr);
                int desired = eval(args[2], s, c, fr);
                if (s[layout.pteBase + page] == expected) {
                    s[layout.pteBase + page] = desired;
                    result = 1;
                }
                if (narrator != null) {
                    say("cmpxchg PTE " + pageName(page) + (result != 0 ? " succeeded: " + pte(desired) : " failed: PTE is " + pte(s[layout.pteBase + page])));
                }
            }
            case PTEP_TEST_AND_CLEAR_YOUNG -> result = Pte.accessed(clearPteBits(s, c, eval(args[0], s, c, fr), Pte.ACCESSED, "A bit")) ? 1 : 0;
            case PTEP_MKCLEAN -> result = clearPteBits(s, c, eval(args[0], s, c, fr), Pte.DIRTY, "D bit");
            case PTEP_SET_WRPROTECT -> result = clearPteBits(s, c, eval(args[0], s, c, fr), Pte.WRITABLE, "W bit");
            case FLUSH_TLB_PAGE -> {
                int page = eval(args[0], s, c, fr);
                if (events != null) {
                    events.on(Event.INVLPG, c, page, 0);
                }
                // With PCIDs, INVLPG acts on the current PCID only (SDM vol. 3A 4.10.4.1).
                if (!hw.pcid() || s[b + Layout.CR3] == pageMm[page] + 1) {
                    s[b + layout.tlb + page] = 0;
                    dropPwc(s, b, page);
                }
            }
            case FLUSH_TLB_ALL -> {
                if (events != null) {
                    int dropped = 0;
                    for (int p = 0; p < pages; p++) {
                        dropped += s[b + layout.tlb + p] != 0 ? 1 : 0;
                    }
                    events.on(Event.FLUSH_ALL, c, dropped, 0);
                }
                flushAll(s, b);
            }
            case PMD_CLEAR -> {
                int t = eval(args[0], s, c, fr);
                store(s, c, b, layout.pmdBase + t, 0);
                if (narrator != null) {
                    say("PMD of table " + program.tableNames().get(t) + " cleared (table unhooked)");
                }
            }
            case PMDP_GET_AND_CLEAR -> {
                int t = eval(args[0], s, c, fr);
                result = s[layout.pmdBase + t];
                s[layout.pmdBase + t] = 0;
                if (narrator != null) {
                    say("PMD of table " + program.tableNames().get(t) + " cleared atomically (table unhooked), was " + pte(result));
                }
            }
            case PMD_POPULATE -> {
                int t = eval(args[0], s, c, fr);
                int f = eval(args[1], s, c, fr);
                store(s, c, b, layout.pmdBase + t, Pte.make(f, true));
                int at = layout.frameBase + f;
                if (FrameState.owner(s[at]) == FrameState.KERNEL) {
                    s[at] = FrameState.withOwner(s[at], FrameState.mmOwner(program.tableMm()[t]));
                }
                if (narrator != null) {
                    say("table " + program.tableNames().get(t) + " hooked with frame " + frameName(f));
                }
            }
            case SWITCH_MM -> {
                int mm = eval(args[0], s, c, fr);
                s[b + Layout.CR3] = mm + 1;
                if (!hw.pcid()) {
                    flushAll(s, b);
                }
                if (narrator != null) {
                    say("CR3 := " + program.mmNames().get(mm) + (hw.pcid() ? " (PCID: TLB kept)" : " (TLB flushed)"));
                }
            }
            case CPUMASK_SET, CPUMASK_CLEAR -> {
                int at = layout.mmMaskBase + eval(args[0], s, c, fr);
                int cpu = sets.single(checkedCpu(eval(args[1], s, c, fr)));
                s[at] = o.op() == Builtin.CPUMASK_SET ? sets.union(s[at], cpu) : sets.diff(s[at], cpu);
            }
            case RCU_FREE -> {
                int f = eval(args[0], s, c, fr);
                for (int i = 0; i < layout.rcuSlots; i++) {
                    int at = layout.rcuBase + 2 * i;
                    if (s[at] == 0) {
                        s[at] = f + 1;
                        s[at + 1] = allCpus;
                        break;
                    }
                }
                if (narrator != null) {
                    say("frame " + frameName(f) + " queued to be freed after an RCU grace period");
                }
            }
            case RCU_READ_LOCK -> s[b + Layout.RCU_NEST]++;
            case RCU_READ_UNLOCK -> s[b + Layout.RCU_NEST] = Math.max(0, s[b + Layout.RCU_NEST] - 1);
            case GUP_FAST -> {
                int page = eval(args[0], s, c, fr);
                int t = program.pageTable()[page];
                result = t < 0 ? Pte.make(0, true) : s[layout.pmdBase + t];
                if (narrator != null && t >= 0) {
                    say("gup_fast reads PMD of " + program.tableNames().get(t) + ": " + pte(result));
                }
            }
            case GUP_FAST_PTE -> gupFast(s, c, eval(args[0], s, c, fr), eval(args[1], s, c, fr));
            case XEN_FLUSH_QUEUE -> xenFlush(s, c, b);
            case XEN_TLB_FLUSH_ALL -> {
                for (int t = 0; t < cpus; t++) {
                    flushAll(s, cpu(t));
                }
                if (narrator != null) {
                    say("hypercall: every vCPU's TLB flushed");
                }
            }
            case XEN_INVLPG_ALL -> {
                int page = eval(args[0], s, c, fr);
                for (int t = 0; t < cpus; t++) {
                    s[cpu(t) + layout.tlb + page] = 0;
                    dropPwc(s, cpu(t), page);
                }
                if (narrator != null) {
                    say("hypercall: " + pageName(page) + " invalidated on every vCPU");
                }
            }
            case FLUSH_ICACHE_ALL -> {
                if (hw.icacheIncoherent()) {
                    java.util.Arrays.fill(s, b + layout.icache, b + layout.icache + program.frames(), 0);
                }
            }
            case FLUSH_REMOTE -> {
                int targets = eval(args[0], s, c, fr);
                int page = eval(args[1], s, c, fr);
                for (int t = sets.next(targets, 0); t >= 0; t = sets.next(targets, t + 1)) {
                    int tb = cpu(t);
                    s[tb + layout.tlb + page] = 0;
                    dropPwc(s, tb, page);
                    if (hw.icacheIncoherent()) {
                        java.util.Arrays.fill(s, tb + layout.icache, tb + layout.icache + program.frames(), 0);
                    }
                }
                if (narrator != null) {
                    say("hv_flush_remote: " + pageName(page) + " and the i-caches of " + cpuSet(targets) + " flushed");
                }
            }
            case WRITE_FRAME -> {
                int f = eval(args[0], s, c, fr);
                int at = layout.frameBase + f;
                if (FrameState.isFree(s[at])) {
                    fail(Verdict.USE_AFTER_FREE, "the kernel writes frame " + frameName(f) + ", which is free");
                }
                s[at] |= FrameState.MODIFIED;
                contentChanged(s, f);
                if (narrator != null) {
                    say("frame " + frameName(f) + " filled with new content");
                }
            }
            case TLBIE, TLBI_IS, INVLPGB -> {
                // PowerPC tlbie, arm64 TLBI ...IS, AMD INVLPGB: the local entry goes now, other CPUs'
                // entries at some later point, all of them by the issuer's tlbsync / DSB ISH / TLBSYNC
                // (Power ISA 3.0 Book III 6.10; ARM ARM D8.13.4; AMD APM vol. 3 INVLPGB).
                int page = eval(args[0], s, c, fr);
                if (events != null) {
                    events.on(Event.TLBIE, c, page, 0);
                }
                s[b + layout.tlb + page] = 0;
                dropPwc(s, b, page);
                int me = sets.single(c);
                for (int t = 0; t < cpus; t++) {
                    if (t != c) {
                        int at = cpu(t) + layout.bcast + page;
                        s[at] = sets.union(s[at], me);
                    }
                }
            }
            case TLBSYNC, DSB_ISH -> {
                if (events != null) {
                    events.on(Event.TLBSYNC, c, 0, 0);
                }
                if (narrator != null) {
                    say("all broadcast invalidations from cpu" + c + " are complete");
                }
            }
            case SEND_IPI -> {
                int targets = sets.diff(eval(args[0], s, c, fr), sets.single(c));
                int h = eval(args[1], s, c, fr);
                int me = sets.single(c);
                for (int t = sets.next(targets, 0); t >= 0; t = sets.next(targets, t + 1)) {
                    int at = cpu(t) + Layout.PENDING + h;
                    s[at] = sets.union(s[at], me);
                    if (events != null) {
                        events.on(Event.IPI_SEND, c, t, h);
                    }
                }
                s[b + Layout.ACK_WAIT] = sets.union(s[b + Layout.ACK_WAIT], targets);
                if (narrator != null) {
                    say("IPI " + handlers[h].name() + " sent to " + cpuSet(targets));
                }
            }
            case ACK -> {
                int to = checkedCpu(eval(args[0], s, c, fr));
                if (tso) {
                    // The ack is a plain store (csd_unlock): it leaves in order behind the handler's stores.
                    store(s, c, b, -1 - to, 0);
                } else {
                    int at = cpu(to) + Layout.ACK_WAIT;
                    s[at] = sets.diff(s[at], sets.single(c));
                }
                if (events != null) {
                    events.on(Event.ACK, c, to, 0);
                }
            }
            case LOCAL_IRQ_DISABLE -> {
                s[b + Layout.FLAGS] &= ~Layout.IRQ_ON;
                if (events != null) {
                    events.on(Event.IRQ_OFF, c, 0, 0);
                }
            }
            case LOCAL_IRQ_ENABLE -> {
                if (events != null) {
                    events.on(Event.IRQ_ON, c, 0, 0);
                }
                if ((s[b + Layout.FLAGS] & Layout.IN_HANDLER) == 0) {
                    s[b + Layout.FLAGS] |= Layout.IRQ_ON;
                }
            }
            case SMP_MB -> {
                if (tso && s[b + Layout.SB_COUNT] > 0) {
                    s[b + Layout.FLAGS] |= Layout.FENCE;
                }
                if (events != null) {
                    events.on(Event.BARRIER, c, o.op().ordinal(), 0);
                }
            }
            case WEAK_WRMSR_FENCE -> {
                // Enabled only with an empty store buffer (MemoryOrder.DRAIN): nothing left to do.
                if (events != null) {
                    events.on(Event.BARRIER, c, o.op().ordinal(), 0);
                }
            }
            case SMP_WMB, SMP_RMB -> {
                // Compiler barriers on x86 and under SC: nothing to order (a timed engine may still charge them).
                if (events != null) {
                    events.on(Event.BARRIER, c, o.op().ordinal(), 0);
                }
            }
            case COMPUTE, IDLE -> {
                int cycles = eval(args[0], s, c, fr);
                if (events != null) {
                    events.on(o.op() == Builtin.COMPUTE ? Event.COMPUTE : Event.IDLE, c, cycles, 0);
                }
            }
            case FREE_FRAME -> freeFrame(s, eval(args[0], s, c, fr));
            case ALLOC_FRAME -> {
                result = -1;
                for (int f = 0; f < program.frames(); f++) {
                    if (FrameState.isFree(s[layout.frameBase + f])) {
                        result = f;
                        break;
                    }
                }
                if (result < 0) {
                    fail(Verdict.ASSERTION, "alloc_frame: no free frame");
                    result = 0;
                } else {
                    s[layout.frameBase + result] = FrameState.KERNEL;
                    if (events != null) {
                        events.on(Event.FRAME_ALLOC, c, result, 0);
                    }
                    if (narrator != null) {
                        say("frame " + frameName(result) + " allocated");
                    }
                }
            }
            case WRITEBACK -> {
                int f = eval(args[0], s, c, fr);
                int st = s[layout.frameBase + f];
                if (FrameState.isFree(st)) {
                    fail(Verdict.USE_AFTER_FREE, "writeback reads frame " + frameName(f) + ", which is free");
                }
                s[layout.frameBase + f] = (st | FrameState.SAVED) & ~FrameState.MODIFIED;
                if (events != null) {
                    events.on(Event.WRITEBACK, c, f, 0);
                }
                if (narrator != null) {
                    say("frame " + frameName(f) + " written back");
                }
            }
            case SPIN_LOCK -> {
                int at = targetIndex(o.lock(), s, c, fr);
                s[at] = 1;
                if (events != null) {
                    events.on(Event.LOCK, c, at, 1);
                }
            }
            case SPIN_UNLOCK -> {
                int at = targetIndex(o.lock(), s, c, fr);
                store(s, c, b, at, 0);
                if (events != null) {
                    events.on(Event.LOCK, c, at, 0);
                }
            }
            case PROTECT_DONE -> s[layout.protectedPages + eval(args[0], s, c, fr)] = 1;
            case READ -> access(s, c, b, eval(args[0], s, c, fr), false, false, victim);
            case EXEC -> access(s, c, b, eval(args[0], s, c, fr), false, true, victim);
            case WRITE -> access(s, c, b, eval(args[0], s, c, fr), true, false, victim);
            default -> throw new IllegalStateException("not an operation: " + o.op());
        }
        if (o.result() >= 0) {
            s[fr + o.result()] = result;
        }
    }

    /**
     * get_user_pages_fast: a software walk of the page tables in memory (no TLB, no paging-structure
     * cache), then a reference to the page. Linux runs it with interrupts off so that a table cannot
     * be freed under it by a freer that waits for IPIs (seed 004; mm/gup.c).
     */
    private void gupFast(int[] s, int c, int page, int pmd) {
        int t = program.pageTable()[page];
        if (t >= 0) {
            if (!Pte.present(pmd)) {
                if (narrator != null) {
                    say("gup_fast: PMD of " + program.tableNames().get(t) + " not present: falls back to the slow path");
                }
                return;
            }
            int tf = Pte.pfn(pmd);
            if (FrameState.isFree(s[layout.frameBase + tf])) {
                fail(Verdict.WALK_OF_FREED_TABLE, "gup_fast on cpu" + c + " reads page table " + frameName(tf) + ", which is free");
                return;
            }
        }
        int pte = s[layout.pteBase + page];
        if (!Pte.present(pte)) {
            if (narrator != null) {
                say("gup_fast: PTE of " + pageName(page) + " not present: falls back to the slow path");
            }
            return;
        }
        int f = Pte.pfn(pte);
        if (narrator != null) {
            say("gup_fast: " + pageName(page) + " -> frame " + frameName(f) + ", reference taken");
        }
        if (FrameState.owner(s[layout.frameBase + f]) != FrameState.mmOwner(pageMm[page])) {
            fail(Verdict.USE_AFTER_FREE, "gup_fast takes a reference to frame " + frameName(f) + ", which is "
                    + FrameState.describe(s[layout.frameBase + f], program.mmNames()));
        }
    }

    /** RCU: CPU {@code c} passes a quiescent state; grace periods it was the last to end free their frames. */
    private void quiescent(int[] s, int c) {
        int me = sets.single(c);
        for (int i = 0; i < layout.rcuSlots; i++) {
            int at = layout.rcuBase + 2 * i;
            if (s[at] != 0 && sets.contains(s[at + 1], c)) {
                s[at + 1] = sets.diff(s[at + 1], me);
                if (s[at + 1] == 0) {
                    int f = s[at] - 1;
                    s[at] = 0;
                    if (narrator != null) {
                        say("grace period over for frame " + frameName(f));
                    }
                    freeFrame(s, f);
                }
            }
        }
    }

    /** RCU-sched: a CPU is quiescent outside read-side sections, handlers and interrupts-off regions. */
    private boolean canBeQuiescent(int[] s, int c, int b) {
        int flags = s[b + Layout.FLAGS];
        if ((flags & Layout.IRQ_ON) == 0 || (flags & Layout.IN_HANDLER) != 0 || s[b + Layout.RCU_NEST] != 0) {
            return false;
        }
        for (int i = 0; i < layout.rcuSlots; i++) {
            int at = layout.rcuBase + 2 * i;
            if (s[at] != 0 && sets.contains(s[at + 1], c)) {
                return true;
            }
        }
        return false;
    }

    /** Speculative walk of {@code page} by CPU {@code c} (knob speculative_walks). */
    private void speculate(int[] s, int c, int b, int page) {
        int pte = walk(s, c, b, page, "speculative walk", true);
        if (violation >= 0) {
            return;
        }
        if (Pte.present(pte) && tlbCount(s, b) < hw.tlbCapacity()) {
            s[layout.pteBase + page] = pte | Pte.ACCESSED;
            s[b + layout.tlb + page] = pte | Pte.ACCESSED;
            if (narrator != null) {
                say("speculative walk fills " + pageName(page) + " -> " + pte(pte | Pte.ACCESSED));
            }
        } else if (narrator != null) {
            say("speculative walk of " + pageName(page) + " (PTE " + pte(pte) + ")");
        }
    }

    /** Whether a speculative walk of {@code page} could do anything on CPU {@code c}. */
    private boolean canSpeculate(int[] s, int b, int page) {
        if (s[b + Layout.CR3] != pageMm[page] + 1 || s[b + layout.tlb + page] != 0) {
            return false;
        }
        int t = program.pageTable()[page];
        if (t < 0) {
            return Pte.present(s[layout.pteBase + page]);
        }
        int cached = hw.pagingCache() == Hardware.PagingCache.OFF ? 0 : s[b + layout.pwc + t];
        return Pte.present(cached != 0 ? cached : s[layout.pmdBase + t]);
    }

    private int tlbCount(int[] s, int b) {
        int n = 0;
        for (int p = 0; p < pages; p++) {
            n += s[b + layout.tlb + p] != 0 ? 1 : 0;
        }
        return n;
    }

    /** A user load or store of {@code page} through the MMU of CPU {@code c}. */
    private void access(int[] s, int c, int b, int page, boolean write, boolean fetch, int victim) {
        int slot = b + layout.tlb + page;
        int pteAt = layout.pteBase + page;
        int entry = s[slot];
        String how;
        if (s[b + Layout.CR3] != pageMm[page] + 1) {
            fail(Verdict.ASSERTION, "cpu" + c + " accesses " + pageName(page) + " of " + program.mmNames().get(pageMm[page])
                    + " while its CR3 holds " + loadedName(s[b + Layout.CR3]));
            return;
        }
        if (entry == 0) {
            int pte = walk(s, c, b, page, "walk", false);
            if (violation >= 0) {
                return;
            }
            if (!Pte.present(pte) || (write && !Pte.writable(pte)) || (write && hw.softwareDirty() && !Pte.dirty(pte))) {
                faultDropsPwc(s, b, page);
                if (events != null) {
                    events.on(Event.PAGE_FAULT, c, page, 0);
                }
                if (narrator != null) {
                    int t = program.pageTable()[page];
                    boolean unhooked = t >= 0 && !Pte.present(s[layout.pmdBase + t]) && !Pte.present(s[b + layout.pwc + t]);
                    say("page fault on " + pageName(page) + (unhooked ? " (its table " + program.tableNames().get(t) + " is not hooked)" : " (PTE " + pte(pte) + ")") + ": no access");
                }
                return;
            }
            if (events != null) {
                events.on(Event.TLB_MISS, c, page, 0);
                if (victim >= 0) {
                    events.on(Event.EVICT, c, victim, 0);
                }
            }
            // Walk: A (and D for a write) set atomically in the PTE; the TLB caches the result (SDM 4.8).
            pte |= Pte.ACCESSED | (write ? Pte.DIRTY : 0);
            s[pteAt] = pte;
            if (victim < 0 && hw.tlbCapacity() < pages && tlbCount(s, b) >= hw.tlbCapacity()) {
                // A fill inside an atomic block has no victim choice of its own: the lowest entry goes.
                for (int p = 0; p < pages && victim < 0; p++) {
                    if (p != page && s[b + layout.tlb + p] != 0) {
                        victim = p;
                    }
                }
            }
            if (victim >= 0) {
                s[b + layout.tlb + victim] = 0;
            }
            entry = pte;
            s[slot] = entry;
            how = narrator == null ? null : "TLB miss, walk fills " + pte(entry) + (victim >= 0 ? " (evicting " + pageName(victim) + ")" : "");
        } else {
            if (events != null) {
                events.on(Event.TLB_HIT, c, page, 0);
            }
            how = narrator == null ? null : "TLB hit " + pte(entry);
        }
        if (write) {
            if (!Pte.writable(entry)) {
                s[slot] = 0;
                faultDropsPwc(s, b, page);
                if (events != null) {
                    events.on(Event.PAGE_FAULT, c, page, 0);
                }
                if (narrator != null) {
                    say(how + "; write to a read-only entry faults and drops it: no access");
                }
                return;
            }
            if (!Pte.dirty(entry) && hw.softwareDirty()) {
                // No hardware dirty-bit management: the first write to a clean page faults, and the
                // kernel's fault handler marks the PTE dirty (ARM ARM D8.4.6).
                s[slot] = 0;
                faultDropsPwc(s, b, page);
                if (narrator != null) {
                    say(how + "; write to a clean entry faults (software dirty bit): no access");
                }
                return;
            }
            if (!Pte.dirty(entry)) {
                int pte = walk(s, c, b, page, "dirty-bit re-walk", false);
                if (events != null) {
                    events.on(Event.DIRTY_REWALK, c, page, 0);
                }
                if (violation >= 0) {
                    return;
                }
                if (hw.blindSet()) {
                    s[pteAt] = s[pteAt] | Pte.DIRTY;
                    how = narrator == null ? null : how + "; D set blindly in PTE (was " + pte(pte) + ")";
                } else if (Pte.present(pte) && Pte.writable(pte)) {
                    s[pteAt] = pte | Pte.DIRTY | Pte.ACCESSED;
                    how = narrator == null ? null : how + "; locked re-walk sets D";
                } else {
                    s[slot] = 0;
                    faultDropsPwc(s, b, page);
                    if (events != null) {
                        events.on(Event.PAGE_FAULT, c, page, 0);
                    }
                    if (narrator != null) {
                        say(how + "; locked re-walk finds PTE " + pte(pte) + ": fault, no access");
                    }
                    return;
                }
                s[slot] = entry | Pte.DIRTY;
            }
        }
        int frame = Pte.pfn(entry);
        int fs = s[layout.frameBase + frame];
        if (events != null) {
            events.on(Event.USER_ACCESS, c, page, write ? 1 : 0);
        }
        boolean stale = narrator != null && (Pte.pfn(s[pteAt]) != frame || !Pte.present(s[pteAt]));
        if (narrator != null) {
            say((write ? "store" : fetch ? "fetch" : "load") + " " + pageName(page) + ": " + how + " -> frame " + frameName(frame)
                    + (stale ? " (stale: PTE is " + pte(s[pteAt]) + ")" : ""));
        }
        if (FrameState.owner(fs) != FrameState.mmOwner(pageMm[page])) {
            fail(Verdict.USE_AFTER_FREE, (write ? "store" : "load") + " reaches frame " + frameName(frame) + ", which is "
                    + FrameState.describe(fs, program.mmNames()));
        }
        if (fetch && hw.icacheIncoherent()) {
            int line = b + layout.icache + frame;
            if (s[line] == 2) {
                fail(Verdict.STALE_ICACHE, "cpu" + c + " fetches " + pageName(page) + " from an i-cache line of frame " + frameName(frame)
                        + " filled before the frame's content last changed, and not flushed since");
            }
            if (s[line] == 0) {
                s[line] = 1;
                if (narrator != null) {
                    say("i-cache line of frame " + frameName(frame) + " filled");
                }
            }
        }
        if (write) {
            s[layout.frameBase + frame] = fs | FrameState.MODIFIED;
            contentChanged(s, frame);
            if (layout.size > layout.protectedPages && s[layout.protectedPages + page] != 0) {
                fail(Verdict.WRITE_AFTER_PROTECT, "store to " + pageName(page) + " succeeds after mprotect(read-only) returned");
            }
        }
    }

    /**
     * The hardware walker of CPU {@code c} looks up {@code page}: through its table's PMD (from the
     * paging-structure cache if it holds one, else from memory, caching it) to the PTE. Returns the
     * PTE, or 0 when the PMD is not present. Reading a table whose frame is free is a walk of a freed
     * table (seed 004).
     */
    private int walk(int[] s, int c, int b, int page, String who, boolean speculative) {
        int t = program.pageTable()[page];
        if (t >= 0) {
            int cached = hw.pagingCache() == Hardware.PagingCache.OFF ? 0 : s[b + layout.pwc + t];
            int pmd = cached != 0 ? cached : s[layout.pmdBase + t];
            if (!Pte.present(pmd)) {
                return 0;
            }
            int tf = Pte.pfn(pmd);
            if (FrameState.isFree(s[layout.frameBase + tf])) {
                fail(Verdict.WALK_OF_FREED_TABLE, "cpu" + c + "'s " + who + " of " + pageName(page) + " reads page table "
                        + frameName(tf) + ", which is free" + (cached != 0 ? " (PMD from its paging-structure cache)" : ""));
                return 0;
            }
            if (hw.pagingCache() != Hardware.PagingCache.OFF) {
                // A walk that ends in a page fault leaves no paging-structure entry for the faulting
                // address (SDM vol. 3A 4.10.4.1); a speculative one may keep what it read (4.10.3).
                boolean faults = !Pte.present(s[layout.pteBase + page]) && !speculative;
                s[b + layout.pwc + t] = faults ? 0 : pmd;
            }
        }
        return s[layout.pteBase + page];
    }

    private String loadedName(int cr3) {
        return cr3 == 0 ? "no mm" : program.mmNames().get(cr3 - 1);
    }

    /** Drops the paging-structure cache entries a TLB invalidation of {@code page} drops on this hardware. */
    private void dropPwc(int[] s, int b, int page) {
        if (hw.pagingCache() == Hardware.PagingCache.X86) {
            java.util.Arrays.fill(s, b + layout.pwc, b + layout.pwc + program.tableNames().size(), 0);
        } else if (hw.pagingCache() == Hardware.PagingCache.LPAE && program.pageTable()[page] >= 0) {
            s[b + layout.pwc + program.pageTable()[page]] = 0;
        }
    }

    /** A page fault leaves no paging-structure entry for the faulting address (SDM vol. 3A 4.10.4.1). */
    private void faultDropsPwc(int[] s, int b, int page) {
        int t = program.pageTable()[page];
        if (t >= 0 && hw.pagingCache() != Hardware.PagingCache.OFF) {
            s[b + layout.pwc + t] = 0;
        }
    }

    /** A full flush (a CR3 reload): with PCIDs only the current address space's entries go (SDM 4.10.4.1). */
    private void flushAll(int[] s, int b) {
        if (!hw.pcid()) {
            java.util.Arrays.fill(s, b + layout.tlb, b + layout.tlb + pages, 0);
            java.util.Arrays.fill(s, b + layout.pwc, b + layout.pwc + program.tableNames().size(), 0);
            return;
        }
        int current = s[b + Layout.CR3];
        for (int p = 0; p < pages; p++) {
            if (pageMm[p] + 1 == current) {
                s[b + layout.tlb + p] = 0;
            }
        }
        for (int t = 0; t < program.tableNames().size(); t++) {
            if (program.tableMm()[t] + 1 == current) {
                s[b + layout.pwc + t] = 0;
            }
        }
    }

    /** Frees a frame now (free_frame, or an RCU grace period's end): lost-write and double-free checks. */
    private void freeFrame(int[] s, int f) {
        int st = s[layout.frameBase + f];
        if (FrameState.isFree(st)) {
            fail(Verdict.ASSERTION, "double free of frame " + frameName(f));
        } else if ((st & FrameState.SAVED) != 0 && (st & FrameState.MODIFIED) != 0) {
            fail(Verdict.LOST_WRITE, "frame " + frameName(f) + " freed with writes newer than its saved copy");
        }
        s[layout.frameBase + f] = FrameState.FREE;
        if (narrator != null) {
            say("frame " + frameName(f) + " freed");
        }
        if (events != null) {
            events.on(Event.FRAME_FREE, 0, f, 0);
        }
    }

    private void fail(Verdict v, String note) {
        if (violation >= 0 || !program.properties().contains(v)) {
            return;
        }
        violation = v.ordinal();
        violationNote = note;
    }

    private void say(String text) {
        narrator.note(text);
    }

    private String pageName(int p) {
        return p >= 0 && p < pages ? program.pageNames().get(p) : "#" + p;
    }

    private String frameName(int f) {
        return f >= 0 && f < program.frames() ? program.frameNames().get(f) : "#" + f;
    }

    private String pte(int v) {
        return Pte.describe(v, program.frameNames());
    }

    private String cpuSet(int set) {
        return sets.describe(set);
    }

    // ---------------------------------------------------------------- snapshots

    /** A readable picture of {@code s} (for reports; not for hot paths). */
    public Snapshot snapshot(int[] s) {
        java.util.Map<String, String> ptes = new java.util.LinkedHashMap<>();
        for (int p = 0; p < pages; p++) {
            ptes.put(pageName(p), pte(s[layout.pteBase + p]));
        }
        java.util.Map<String, String> frames = new java.util.LinkedHashMap<>();
        for (int f = 0; f < program.frames(); f++) {
            frames.put(frameName(f), FrameState.describe(s[layout.frameBase + f], program.mmNames()));
        }
        java.util.Map<String, String> shared = new java.util.LinkedHashMap<>();
        for (int v = 0; v < program.shared().size(); v++) {
            shared.put(program.shared().get(v).name(), value(program.shared().get(v), s[v]));
        }
        java.util.List<Snapshot.CpuView> views = new java.util.ArrayList<>();
        for (int c = 0; c < cpus; c++) {
            int b = cpu(c);
            int flags = s[b + Layout.FLAGS];
            java.util.Map<String, String> tlb = new java.util.LinkedHashMap<>();
            for (int p = 0; p < pages; p++) {
                if (s[b + layout.tlb + p] != 0) {
                    tlb.put(pageName(p), pte(s[b + layout.tlb + p]));
                }
            }
            java.util.Map<String, String> vars = new java.util.LinkedHashMap<>();
            for (int v = 0; v < program.perCpu().size(); v++) {
                vars.put(program.perCpu().get(v).name(), value(program.perCpu().get(v), s[b + layout.perCpu + v]));
            }
            java.util.List<String> sb = new java.util.ArrayList<>();
            for (int i = 0; i < s[b + Layout.SB_COUNT]; i++) {
                int addr = s[b + layout.storeBuffer + 2 * i];
                sb.add(addr < 0 ? "ack to cpu" + (-1 - addr) : addressName(addr) + " = " + s[b + layout.storeBuffer + 2 * i + 1]);
            }
            java.util.List<String> pending = new java.util.ArrayList<>();
            for (int h = 0; h < layout.handlers; h++) {
                int senders = s[b + Layout.PENDING + h];
                for (int from = sets.next(senders, 0); from >= 0; from = sets.next(senders, from + 1)) {
                    pending.add(handlers[h].name() + " from cpu" + from);
                }
            }
            Code code = code(s, b);
            String where = (flags & Layout.IN_HANDLER) != 0 ? "in " + code.name() + ": " + code.labels()[s[b + Layout.PC]]
                    : code.labels()[s[b + Layout.PC]];
            views.add(new Snapshot.CpuView(c, where, (flags & Layout.IRQ_ON) != 0, tlb, vars, sb, pending));
        }
        return new Snapshot(ptes, frames, shared, views);
    }

    private String value(Program.Var v, int raw) {
        switch (v.type()) {
            case BOOL:
                return raw != 0 ? "true" : "false";
            case CPUSET:
                return sets.describe(raw);
            case PTE:
                return pte(raw);
            case FRAME:
                return frameName(raw);
            case PAGE:
                return pageName(raw);
            default:
                return Integer.toString(raw);
        }
    }

    // ---------------------------------------------------------------- invariants

    /** Returns the text of the first invariant {@code s} breaks, or null. */
    public String brokenInvariant(int[] s) {
        for (Program.Invariant inv : program.invariants()) {
            violation = -1;
            boolean holds = eval(inv.cond(), s, -1, cpu(0) + layout.locals) != 0;
            if (violation >= 0) {
                String why = violationNote;
                violation = -1;
                return inv.text() + " (cannot be evaluated: " + why + ")";
            }
            if (!holds) {
                return inv.text();
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- expressions

    int eval(IrExpr e, int[] s, int c, int fr) {
        if (e instanceof IrExpr.Const k) {
            return k.value();
        } else if (e instanceof IrExpr.Local l) {
            return s[fr + l.slot()];
        } else if (e instanceof IrExpr.Shared sh) {
            if (events != null) {
                events.on(Event.SHARED_READ, c, sh.var(), 0);
            }
            return load(s, c, sh.var());
        } else if (e instanceof IrExpr.PerCpu p) {
            int cpu = p.cpu() == null ? c : checkedCpu(eval(p.cpu(), s, c, fr));
            if (events != null) {
                events.on(Event.PERCPU_READ, c, p.var(), cpu);
            }
            return load(s, c, cpu(cpu) + layout.perCpu + p.var());
        } else if (e instanceof IrExpr.Self self) {
            return c;
        } else if (e instanceof IrExpr.Unary u) {
            int v = eval(u.operand(), s, c, fr);
            return u.op() == IrExpr.Op.NOT ? (v == 0 ? 1 : 0) : -v;
        } else if (e instanceof IrExpr.Binary bin) {
            int l = eval(bin.left(), s, c, fr);
            switch (bin.op()) {
                case AND -> {
                    return l == 0 ? 0 : (eval(bin.right(), s, c, fr) != 0 ? 1 : 0);
                }
                case OR -> {
                    return l != 0 ? 1 : (eval(bin.right(), s, c, fr) != 0 ? 1 : 0);
                }
                default -> {
                }
            }
            int r = eval(bin.right(), s, c, fr);
            return switch (bin.op()) {
                case ADD -> l + r;
                case SUB -> l - r;
                case MUL -> l * r;
                case DIV -> r == 0 ? divByZero() : l / r;
                case MOD -> r == 0 ? divByZero() : l % r;
                case EQ -> l == r ? 1 : 0;
                case NE -> l != r ? 1 : 0;
                case LT -> l < r ? 1 : 0;
                case LE -> l <= r ? 1 : 0;
                case GT -> l > r ? 1 : 0;
                case GE -> l >= r ? 1 : 0;
                case UNION -> sets.union(l, r);
                case DIFF -> sets.diff(l, r);
                case INTER -> sets.inter(l, r);
                case IN -> sets.contains(r, l) ? 1 : 0;
                default -> throw new IllegalStateException(bin.op().name());
            };
        } else if (e instanceof IrExpr.SetOf set) {
            int m = 0;
            for (IrExpr x : set.cpus()) {
                m = sets.union(m, sets.single(checkedCpu(eval(x, s, c, fr))));
            }
            return m;
        } else if (e instanceof IrExpr.SetComp comp) {
            int domain = eval(comp.domain(), s, c, fr);
            int saved = s[fr + comp.slot()];
            // The members are gathered on a scratch stack (the predicate may hold another comprehension,
            // which uses the stack above them) and made into one set at the end: on a thousand CPUs, one
            // set made instead of one per member.
            int base = compTop;
            for (int x = sets.next(domain, 0); x >= 0; x = sets.next(domain, x + 1)) {
                s[fr + comp.slot()] = x;
                if (eval(comp.predicate(), s, c, fr) != 0) {
                    if (compTop == compScratch.length) {
                        compScratch = java.util.Arrays.copyOf(compScratch, compTop * 2);
                    }
                    compScratch[compTop++] = x;
                }
            }
            s[fr + comp.slot()] = saved;
            int m = sets.of(compScratch, base, compTop - base);
            compTop = base;
            return m;
        } else if (e instanceof IrExpr.AllCpus) {
            return allCpus;
        } else if (e instanceof IrExpr.PteField f) {
            return Pte.field(f.field(), eval(f.pte(), s, c, fr));
        } else if (e instanceof IrExpr.Lowest l) {
            return sets.next(eval(l.set(), s, c, fr), 0);
        }
        return callBuiltin((IrExpr.Call) e, s, c, fr);
    }

    private int divByZero() {
        fail(Verdict.ASSERTION, "division by zero");
        return 0;
    }

    private int callBuiltin(IrExpr.Call call, int[] s, int c, int fr) {
        IrExpr[] a = call.args();
        return switch (call.fn()) {
            case ACKED -> sets.disjoint(s[cpu(c) + Layout.ACK_WAIT], eval(a[0], s, c, fr)) ? 1 : 0;
            case COUNT -> sets.count(eval(a[0], s, c, fr));
            case CPUMASK -> load(s, c, layout.mmMaskBase + eval(a[0], s, c, fr));
            case PMD_GET -> load(s, c, layout.pmdBase + eval(a[0], s, c, fr));
            case TABLE_FRAME -> program.tableFrame()[eval(a[0], s, c, fr)];
            case PTEP_GET -> {
                int page = eval(a[0], s, c, fr);
                if (events != null) {
                    events.on(Event.PTE_READ, c, page, 0);
                }
                yield load(s, c, layout.pteBase + page);
            }
            case MK_PTE -> Pte.make(eval(a[0], s, c, fr), eval(a[1], s, c, fr) != 0);
            case PTE_MKCLEAN -> eval(a[0], s, c, fr) & ~Pte.DIRTY;
            case PTE_MKDIRTY -> eval(a[0], s, c, fr) | Pte.DIRTY;
            case PTE_WRPROTECT -> eval(a[0], s, c, fr) & ~Pte.WRITABLE;
            case PTE_MKOLD -> eval(a[0], s, c, fr) & ~Pte.ACCESSED;
            case FRAME_FREE -> FrameState.isFree(s[layout.frameBase + eval(a[0], s, c, fr)]) ? 1 : 0;
            default -> throw new IllegalStateException("not a function: " + call.fn());
        };
    }
}
