package dev.shootdown.model;

/**
 * The semantics of a compiled {@link Program} on the hardware model: which actions are enabled in
 * a state and what each does. Both engines drive this one class; it keeps no state between calls
 * except scratch fields, so use one instance per thread.
 *
 * <p>Machine runs the instructions (steps, the invisible local ones after them, atomic blocks) and
 * hands each mechanism's work to its room: {@link Tlb}, {@link PageWalker}, {@link WalkCaches},
 * {@link Mmu} (the path of a user access), {@link StoreBuffer}, {@link Interrupts},
 * {@link BroadcastInvalidation}, {@link Rcu}, {@link XenQueue}, {@link Icache}, {@link Frames},
 * {@link PageTables}, {@link AddressSpaces}, {@link SpinLocks} and the property {@link Monitors}.
 * Each room registers the built-ins it implements in one {@link BuiltinTable}, through which the
 * operations and functions dispatch.
 */
public final class Machine {
    private final Program program;
    private final Layout layout;
    /** {@link Layout#cpuBase} and {@link Layout#stride}, one load each from here instead of two (the step path finds a CPU's words often). */
    private final int cpuBase;
    private final int stride;
    private final Hardware hw;
    private final Code[] handlers;
    private final int cpus;
    private final int pages;

    private final CpuSets sets;
    private final boolean tso;
    private final int[] mmSets;

    private final Names names;
    private final Monitors monitors;
    private final Expressions x;
    private final Interpreter interpreter;
    private final StoreBuffer storeBuffer;
    private final Tlb tlb;
    private final PageWalker walker;
    private final Mmu mmu;
    private final Interrupts interrupts;
    private final BroadcastInvalidation broadcast;
    private final Rcu rcu;
    private final Frames frames;
    private final boolean everyBit;
    /** Which steps may go alone (partial-order reduction); null when no step of the model can. */
    private final PartialOrder partialOrder;
    /** Runs steps again on altered states to find what they read (counterexamples only); made on first use. */
    private ReadProbe probe;
    /** The reader's view of a state, made on first use: engines that never show a state never build it. */
    private StateView view;
    /** Every part that hears the narrator and the events sink. */
    private final Observed[] parts;
    /** The most branches of any {@code either} (or list a {@code choose} picks from). */
    private final int widestChoice;
    /** The narrator the parts hear now. */
    private Narrator narrator;

    public Machine(Program program) {
        this(program, CpuSets.forCpus(program.cpus()));
    }

    public Machine(Program program, CpuSets sets) {
        this(program, sets, false);
    }

    /**
     * A machine that keeps every bit of state, including the PTEs' accessed bits in a model that
     * never reads them (which other machines leave clear: see {@link AccessedBitRead}): for the
     * checker's {@code --no-reductions}.
     */
    public static Machine unreduced(Program program) {
        return new Machine(program, CpuSets.forCpus(program.cpus()), true);
    }

    /** Whether this machine leaves the accessed bits clear: the model never reads them and the machine is not {@link #unreduced}. */
    public boolean accessedBitsUntracked() {
        return walker.accessedBit() == 0;
    }

    private Machine(Program program, CpuSets sets, boolean everyBit) {
        this.everyBit = everyBit;
        this.sets = sets;
        this.tso = program.hardware().memory() == Hardware.MemoryModel.TSO;
        this.program = program;
        this.layout = new Layout(program);
        this.cpuBase = layout.cpuBase;
        this.stride = layout.stride;
        this.hw = program.hardware();
        this.handlers = program.handlers().toArray(Code[]::new);
        this.cpus = program.cpus();
        this.pages = program.pages();
        this.mmSets = new int[program.mmNames().size()];
        int all = 0;
        for (int c = 0; c < cpus; c++) {
            all = sets.union(all, sets.single(c));
            if (program.cpuMm()[c] >= 0) {
                mmSets[program.cpuMm()[c]] = sets.union(mmSets[program.cpuMm()[c]], sets.single(c));
            }
        }

        BuiltinTable table = new BuiltinTable();
        this.names = new Names(program, layout, sets);
        this.monitors = new Monitors(program, layout, names);
        this.storeBuffer = new StoreBuffer(layout, sets, names, hw);
        this.x = new Expressions(layout, sets, monitors, storeBuffer, table, all);
        WalkCaches walkCaches = new WalkCaches(program, layout);
        this.tlb = new Tlb(program, layout, names, monitors, x, walkCaches);
        Icache icache = new Icache(program, layout, sets, names, monitors, x, tlb);
        this.frames = new Frames(program, layout, names, monitors, x, icache);
        this.walker = new PageWalker(program, layout, names, monitors, walkCaches, tlb, frames, everyBit || !program.accessedReads().isEmpty());
        this.mmu = new Mmu(program, layout, names, monitors, x, tlb, walker, walkCaches, frames, icache);
        this.interrupts = new Interrupts(program, layout, sets, names, x, storeBuffer);
        this.broadcast = new BroadcastInvalidation(program, layout, sets, names, monitors, x, tlb);
        this.rcu = new Rcu(layout, sets, names, x, frames, all);
        XenQueue xen = new XenQueue(program, layout, names, x, tlb);
        PageTables pageTables = new PageTables(program, layout, names, monitors, x, storeBuffer, xen, frames);
        AddressSpaces addressSpaces = new AddressSpaces(program, layout, sets, names, x, storeBuffer, tlb);
        SpinLocks spinLocks = new SpinLocks(x, storeBuffer);
        new Bitmaps(monitors, x).register(table);
        monitors.register(table, x);
        storeBuffer.register(table);
        tlb.register(table);
        icache.register(table);
        frames.register(table);
        mmu.register(table);
        interrupts.register(table);
        broadcast.register(table);
        rcu.register(table);
        xen.register(table);
        pageTables.register(table);
        addressSpaces.register(table);
        spinLocks.register(table);
        this.interpreter = new Interpreter(program, layout, sets, monitors, x, storeBuffer, interrupts, tlb, mmu, table);
        table.requireComplete();
        int widest = 0;
        for (java.util.List<Code> bodies : java.util.List.of(program.cpuPrograms(), program.handlers())) {
            for (Code code : bodies) {
                for (Insn insn : code.insns()) {
                    if (insn instanceof Insn.Choose ch) {
                        widest = Math.max(widest, ch.targets().length);
                    }
                }
            }
        }
        this.widestChoice = widest;
        PartialOrder po = new PartialOrder(program);
        this.partialOrder = po.any() ? po : null;
        this.parts = new Observed[] {x, interpreter, storeBuffer, tlb, icache, frames, walker, mmu, interrupts, broadcast, rcu, xen, pageTables,
                addressSpaces, spinLocks};
    }

    public CpuSets sets() {
        return sets;
    }

    /** Events of the following {@link #apply} calls go to {@code events} (null: none). */
    public void events(Events events) {
        for (Observed part : parts) {
            part.events = events;
        }
    }

    public Program program() {
        return program;
    }

    public Layout layout() {
        return layout;
    }

    public int[] initialState() {
        monitors.clear();
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
        if (layout.hasSharers()) {
            System.arraycopy(program.initialSharers(), 0, s, layout.sharersBase, program.frames());
        }
        for (int c = 0; c < cpus; c++) {
            interpreter.runLocals(s, c, cpu(c));
            interpreter.clearDead(s, c, cpu(c));
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
        Code code = interpreter.code(s, c, b);
        int pc = s[b + Layout.PC];
        if (interpreter.stepEnabled(s, c, b, code, pc) && !(hw.ipiLatched() && (flags & Layout.IRQ_ON) != 0 && interrupts.pending(s, b))) {
            Insn insn = code.insns()[pc];
            if (insn instanceof Insn.Choose || insn instanceof Insn.ChooseCpu) {
                // One action per alternative, its argument the alternative + 1 (as a victim's is).
                int first = n;
                n = alternatives(s, c, out, n);
                for (int i = first; i < n; i++) {
                    out[i] = Action.of(Action.STEP, c, out[i] + 1);
                }
            } else if (!mmu.needsVictim(s, c, b, interpreter.frame(s, b), insn)) {
                out[n++] = Action.of(Action.STEP, c, 0);
            } else {
                for (int slot = 0; slot < layout.tlbSlots; slot++) {
                    if (s[b + layout.tlb + slot] != 0) {
                        out[n++] = Action.of(Action.STEP, c, slot + 1);
                    }
                }
            }
        }
        n = interrupts.actions(s, c, b, flags, out, n);
        n = broadcast.actions(s, c, b, out, n);
        n = storeBuffer.actions(s, c, b, out, n);
        n = rcu.actions(s, c, b, out, n);
        n = walker.actions(s, c, b, out, n);
        return tlb.actions(s, c, b, out, n);
    }

    /**
     * Partial-order reduction: the place in {@code actions[0..n)} (the enabled actions of {@code s}, as
     * {@link #enabled} gives them) of a step that may be taken alone, as a singleton ample set, or -1. It is
     * the step of the lowest CPU whose next step touches only what no other action can see or change, and
     * which nothing else of that CPU can precede (see {@link PartialOrder}). The caller still owes the
     * conditions that need the outcome and the search: the step breaks no property, and (the cycle proviso)
     * it leads to a state not seen before.
     */
    public int ample(int[] s, int[] actions, int n) {
        if (partialOrder == null || n < 2) {
            return -1;
        }
        for (int i = 0; i < n; ) {
            int c = Action.cpu(actions[i]);
            int step = -1;
            int steps = 0;
            for (; i < n && Action.cpu(actions[i]) == c; i++) {
                if (Action.kind(actions[i]) == Action.STEP) {
                    steps++;
                    step = i;
                }
            }
            if (steps == 1 && Action.arg(actions[step]) == 0 && stepsAlone(s, c)) {
                return step;
            }
        }
        return -1;
    }

    /** Whether some step of the model may go alone (see {@link #ample}): when none can, a search need not ask. */
    public boolean partialOrderApplies() {
        return partialOrder != null;
    }

    /** Whether CPU {@code c}'s next step may go alone in {@code s}: see {@link #ample}. */
    private boolean stepsAlone(int[] s, int c) {
        int b = cpu(c);
        return partialOrder.alone(s, b) && !inBackground(s, c) && partialOrder.candidate(interpreter.code(s, c, b), s[b + Layout.PC]);
    }

    /**
     * The alternatives of the choice CPU {@code c} runs next ({@code either} or {@code choose}),
     * appended to {@code out} from {@code n}: branch numbers, or the CPUs of the set chosen from (an
     * empty set has the one alternative 0, whose step reports the error). Returns the new count; for a
     * timed engine, which passes the one it picks to {@link #step(int[], int, int)} as the victim.
     */
    public int alternatives(int[] s, int c, int[] out, int n) {
        int b = cpu(c);
        Code code = interpreter.code(s, c, b);
        Insn insn = code.insns()[s[b + Layout.PC]];
        if (insn instanceof Insn.Choose ch) {
            for (int i = 0; i < ch.targets().length; i++) {
                out[n++] = i;
            }
        } else if (insn instanceof Insn.ChooseCpu ch) {
            int set = x.eval(ch.set(), s, c, interpreter.frame(s, b));
            if (sets.count(set) == 0) {
                out[n++] = 0;
            }
            for (int k = sets.next(set, 0); k >= 0; k = sets.next(set, k + 1)) {
                out[n++] = k;
            }
        }
        return n;
    }

    /** Whether CPU {@code c} has finished its program (it may still take interrupts). */
    public boolean halted(int[] s, int c) {
        int b = cpu(c);
        return (s[b + Layout.FLAGS] & Layout.IN_HANDLER) == 0 && interpreter.program(c).insns()[s[b + Layout.PC]] instanceof Insn.Halt;
    }

    /**
     * For timed engines, which pick one CPU at a time: -1 when CPU {@code c}'s next step is not
     * enabled (it waits, spins on a lock, or has halted), 1 when it is enabled but is a fill into a
     * full TLB (the engine picks the victim among the valid entries), 2 when it is a choice (the
     * engine picks one of the {@link #alternatives}), 0 otherwise. Evaluating the
     * guard reports its reads to the {@link Events} sink, so an engine learns what a blocked CPU
     * waits on.
     */
    public int stepStatus(int[] s, int c) {
        int b = cpu(c);
        int flags = s[b + Layout.FLAGS];
        if (!tso && interpreter.plain(c, flags, s[b + Layout.PC])) {
            return 0;
        }
        Code code = interpreter.code(s, c, b);
        int pc = s[b + Layout.PC];
        if (!interpreter.stepEnabled(s, c, b, code, pc)) {
            return -1;
        }
        if (code.insns()[pc] instanceof Insn.Choose || code.insns()[pc] instanceof Insn.ChooseCpu) {
            return 2;
        }
        return mmu.needsVictim(s, c, b, interpreter.frame(s, b), code.insns()[pc]) ? 1 : 0;
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
        if (!interpreter.plain(c, flags, pc)) {
            return NOT_PLAIN;
        }
        startAction();
        interpreter.step(s, c, b, interpreter.code(c, flags), pc, -1);
        return monitors.violation;
    }

    /** An upper bound on the number of actions any state can enable, for sizing buffers. */
    public int maxActions() {
        return cpus * maxActionsPerCpu();
    }

    public int maxActionsPerCpu() {
        // A step (one per TLB victim, CPU or branch), IPIs, broadcast invalidations (slot and issuer), a
        // drain, an RCU quiescent state, speculative walks (one per page) and evictions (one per slot).
        return Math.max(Math.max(1, layout.tlbSlots), Math.max(cpus, widestChoice)) + layout.handlers * cpus + cpus * Math.max(pages, layout.bcastSlots)
                + pages + layout.tlbSlots + 3;
    }

    /** Where CPU {@code c}'s words start in the state (as {@link Layout#cpu}). */
    private int cpu(int c) {
        return cpuBase + c * stride;
    }

    /** The current code of the CPU whose words start at {@code b}. */
    private Code code(int[] s, int b) {
        return interpreter.code(s, (b - layout.cpuBase) / layout.stride, b);
    }

    /**
     * Whether dead frame slots are zeroed between steps: it merges states for the checker and buys a
     * timed engine nothing (a dead slot is never read), so it can turn it off.
     */
    public void canonicalFrames(boolean on) {
        interpreter.canonicalFrames = on;
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
            Code code = interpreter.code(s, c, b);
            int pc = s[b + Layout.PC];
            boolean halted = code.insns()[pc] instanceof Insn.Halt;
            if (!halted && !(inBackground(s, c) && interpreter.stepEnabled(s, c, b, code, pc))) {
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
        return (s[b + Layout.FLAGS] & Layout.IN_HANDLER) == 0 && interpreter.program(c).background()[s[b + Layout.PC]];
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
            case Action.STEP -> interpreter.step(s, c, b, Action.arg(action) - 1);
            case Action.IPI -> interpreter.takeIpi(s, c, b, Action.arg(action) >>> Action.SENDER_BITS, Action.arg(action) & Action.SENDER_MASK);
            case Action.EVICT -> tlb.evict(s, c, b, Action.arg(action));
            case Action.BCAST -> broadcast.perform(s, c, b, Action.arg(action) >>> Action.ISSUER_BITS, Action.arg(action) & Action.ISSUER_MASK);
            case Action.DRAIN -> storeBuffer.drain(s, c, b);
            case Action.RCU_QS -> rcu.quiescent(s, c);
            case Action.SPECULATE -> walker.speculate(s, c, b, Action.arg(action));
            default -> throw new IllegalArgumentException("action " + action);
        }
        if (narrator != null) {
            tell(null);
        }
        return monitors.violation;
    }

    /**
     * The STEP action of CPU {@code c} ({@code victim}: the TLB entry a fill into a full TLB replaces,
     * or -1), for a timed engine that names the CPU itself: an action packs the CPU in 10 bits, the
     * simulator runs more CPUs than that. Returns the verdict ordinal of a violation, or -1.
     */
    public int step(int[] s, int c, int victim) {
        startAction();
        interpreter.step(s, c, cpu(c), victim);
        return monitors.violation;
    }

    /** The IPI action: CPU {@code c} takes {@code handler}'s interrupt sent by {@code from} (see {@link #step(int[], int, int)}). */
    public int takeIpi(int[] s, int c, int handler, int from) {
        startAction();
        interpreter.takeIpi(s, c, cpu(c), handler, from);
        return monitors.violation;
    }

    /** The source label of the instruction CPU {@code c} runs next. */
    public String stepLabel(int[] s, int c) {
        int b = cpu(c);
        return interpreter.code(s, c, b).labels()[s[b + Layout.PC]];
    }

    /** The label of taking {@code handler}'s interrupt from {@code from}. */
    public String ipiLabel(int handler, int from) {
        return "<IPI " + handlers[handler].name() + " from cpu" + from + ">";
    }

    /** Before an action: who hears it, and no violation yet. */
    private void startAction(Narrator narrator) {
        if (narrator != this.narrator) {
            tell(narrator);
        }
        monitors.clear();
    }

    /**
     * Before a timed engine's action: no narrator, and no violation yet. Its signature names no
     * {@link Narrator}: a run of the simulator never loads that class, and the JIT does not inline
     * a method whose signature names a class not loaded, so {@link #startAction(Narrator)} was a
     * call of its own on every step.
     */
    private void startAction() {
        if (narrator != null) {
            tell(null);
        }
        monitors.clear();
    }

    /** From now on the parts tell {@code narrator} what they do. */
    private void tell(Narrator narrator) {
        this.narrator = narrator;
        for (Observed part : parts) {
            part.narrator = narrator;
        }
    }

    /** The last violation's explanation (set when {@link #apply} returned a verdict). */
    public String violationNote() {
        return monitors.note;
    }

    /** The verdict ordinal of a violation found while building the initial state (-1 if none). */
    public int initialViolation() {
        return monitors.violation;
    }

    /** Whether CPU {@code c}'s next instruction can run now. */
    public boolean canStep(int[] s, int c) {
        int b = cpu(c);
        return interpreter.stepEnabled(s, c, b, interpreter.code(s, c, b), s[b + Layout.PC]);
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
     * CPU {@code c} performs {@code issuer}'s broadcast invalidation of {@code slot} (the BCAST action,
     * for engines that schedule it themselves, as the simulator does by time; the slot is what
     * {@link Event#TLBIE} reported: the page without ASIDs, {@link Layout#bcastPage}). Returns the
     * verdict ordinal of a violation, or -1.
     */
    public int performBroadcast(int[] s, int c, int slot, int issuer) {
        startAction();
        broadcast.perform(s, c, cpu(c), slot, issuer);
        return monitors.violation;
    }

    /**
     * TSO, for timed engines, which drain store buffers by time: CPU {@code c}'s oldest buffered store
     * becomes visible (the DRAIN action, for a CPU named by number: an action names only 1024). The
     * buffer must not be empty. Returns the address written: a state index, or -1 - cpu for an ack
     * to that CPU.
     */
    public int drainStore(int[] s, int c) {
        startAction();
        int b = cpu(c);
        int addr = s[b + layout.storeBuffer];
        storeBuffer.drain(s, c, b);
        return addr;
    }

    // ---------------------------------------------------------------- snapshots and invariants

    /** A readable picture of {@code s} (for reports; not for hot paths). */
    public Snapshot snapshot(int[] s) {
        java.util.Map<String, String> ptes = new java.util.LinkedHashMap<>();
        for (int p = 0; p < pages; p++) {
            ptes.put(names.page(p), names.pte(s[layout.pteBase + p]));
        }
        java.util.Map<String, String> shared = new java.util.LinkedHashMap<>();
        for (int v = 0; v < program.shared().size(); v++) {
            shared.put(program.shared().get(v).name(), names.value(program.shared().get(v), s[v]));
        }
        java.util.List<Snapshot.CpuView> views = new java.util.ArrayList<>();
        for (int c = 0; c < cpus; c++) {
            int b = cpu(c);
            int flags = s[b + Layout.FLAGS];
            java.util.Map<String, String> vars = new java.util.LinkedHashMap<>();
            for (int v = 0; v < program.perCpu().size(); v++) {
                vars.put(program.perCpu().get(v).name(), names.value(program.perCpu().get(v), s[b + layout.perCpu + v]));
            }
            Code code = code(s, b);
            String where = (flags & Layout.IN_HANDLER) != 0 ? "in " + code.name() + ": " + code.labels()[s[b + Layout.PC]]
                    : code.labels()[s[b + Layout.PC]];
            views.add(new Snapshot.CpuView(c, where, (flags & Layout.IRQ_ON) != 0, tlb.describe(s, b), vars, storeBuffer.describe(s, b),
                    interrupts.describe(s, b)));
        }
        return new Snapshot(ptes, frames.describe(s), shared, views, view().parts(s));
    }

    StateView view() {
        if (view == null) {
            view = new StateView(program, layout, names, storeBuffer, interrupts);
        }
        return view;
    }

    private ReadProbe probe() {
        if (probe == null) {
            probe = new ReadProbe(() -> new Machine(program, sets, everyBit), layout, view());
        }
        return probe;
    }

    /**
     * What {@code action} reads and changes in {@code s} (which it leaves as it is), for the reader of
     * a counterexample: found by running it again on altered copies of {@code s} (see {@link ReadProbe}).
     * Slow: hundreds of steps per call.
     */
    public Footprint footprint(int[] s, int action) {
        return probe().footprint(s, action);
    }

    /**
     * What keeps the CPUs of a deadlocked state {@code s} from moving: the things of the state whose
     * other values would let a CPU with work left take a step or an interrupt.
     */
    public java.util.Map<String, String> stuckReads(int[] s) {
        return probe().readsOf(s, m -> t -> m.movable(t));
    }

    /** What the broken invariant of {@code s} reads: the things whose other values would change whether one is broken. */
    public java.util.Map<String, String> invariantReads(int[] s) {
        return probe().readsOf(s, m -> t -> m.brokenInvariant(t) != null);
    }

    /** The CPUs with work left that can take a step or an interrupt in {@code s}. */
    private java.util.Set<Integer> movable(int[] s) {
        java.util.Set<Integer> can = new java.util.TreeSet<>();
        int[] out = new int[maxActions()];
        for (int c = 0; c < cpus; c++) {
            if (halted(s, c) || inBackground(s, c)) {
                continue;
            }
            int n = enabledFor(s, c, out, 0);
            for (int i = 0; i < n; i++) {
                int k = Action.kind(out[i]);
                if (k == Action.STEP || k == Action.IPI) {
                    can.add(c);
                }
            }
        }
        return can;
    }

    /** Whether CPU {@code c}'s next instruction waits on the state or chooses (see {@link Interpreter#waitsOrChooses}). */
    boolean waitsOrChooses(int[] s, int c) {
        int b = cpu(c);
        return interpreter.waitsOrChooses(interpreter.code(s, c, b), s[b + Layout.PC]);
    }

    /** Returns the text of the first invariant {@code s} breaks, or null. */
    public String brokenInvariant(int[] s) {
        for (Program.Invariant inv : program.invariants()) {
            monitors.violation = -1;
            boolean holds = x.eval(inv.cond(), s, -1, cpu(0) + layout.locals) != 0;
            if (monitors.violation >= 0) {
                String why = monitors.note;
                monitors.violation = -1;
                return inv.text() + " (cannot be evaluated: " + why + ")";
            }
            if (!holds) {
                return inv.text();
            }
        }
        return null;
    }
}
