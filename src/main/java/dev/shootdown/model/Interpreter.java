package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * Runs a CPU's compiled code ({@link Insn}): whether its next instruction can run (the guards of
 * waits, atomic blocks and the built-ins that register one, and under TSO its memory order), a
 * step, the invisible local instructions after it, atomic blocks, entering and leaving handlers.
 * Built-in operations dispatch through the {@link BuiltinTable}, except the few a simulated CPU runs
 * most, which are called directly ({@link #operate}); stores and loads go through the
 * {@link StoreBuffer}; interrupts are entered and left through {@link Interrupts}. The time
 * operations {@code compute} and {@code idle} are the interpreter's own.
 */
final class Interpreter extends Observed {
    private final Layout layout;
    private final Code[] programs;
    private final Code[] handlers;
    private final boolean[][] programPlain;
    private final boolean[][] handlerPlain;
    private final boolean tso;
    private final Monitors monitors;
    private final CpuSets sets;
    private final Expressions x;
    private final StoreBuffer storeBuffer;
    private final Interrupts interrupts;
    private final Tlb tlb;
    private final Mmu mmu;
    private final BuiltinTable.Operation[] operations;
    private final BuiltinTable.Guard[] guards;
    private final int maxLocalRun = 100_000;
    /**
     * Whether dead frame slots are zeroed between steps: it merges states for the checker and buys a
     * timed engine nothing (a dead slot is never read), so it can turn it off.
     */
    boolean canonicalFrames = true;

    /** Registers {@code compute} and {@code idle} in {@code table}, after the rooms have registered theirs and their guards. */
    Interpreter(Program program, Layout layout, CpuSets sets, Monitors monitors, Expressions x, StoreBuffer storeBuffer, Interrupts interrupts, Tlb tlb,
                Mmu mmu, BuiltinTable table) {
        this.layout = layout;
        this.programs = program.cpuPrograms().toArray(Code[]::new);
        this.handlers = program.handlers().toArray(Code[]::new);
        this.tso = program.hardware().memory() == Hardware.MemoryModel.TSO;
        this.monitors = monitors;
        this.sets = sets;
        this.x = x;
        this.storeBuffer = storeBuffer;
        this.interrupts = interrupts;
        this.tlb = tlb;
        this.mmu = mmu;
        // Time for timed engines: the checker takes each as one step that changes nothing.
        table.op(Builtin.COMPUTE, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                return work(Event.COMPUTE, s, c, fr, o);
            }
        });
        table.op(Builtin.IDLE, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                return work(Event.IDLE, s, c, fr, o);
            }
        });
        this.operations = table.operations;
        this.guards = table.guards;
        java.util.Map<Code, boolean[]> plain = new java.util.IdentityHashMap<>();
        this.programPlain = new boolean[programs.length][];
        for (int c = 0; c < programs.length; c++) {
            programPlain[c] = plain.computeIfAbsent(programs[c], this::plainSteps);
        }
        this.handlerPlain = new boolean[handlers.length][];
        for (int h = 0; h < handlers.length; h++) {
            handlerPlain[h] = plainSteps(handlers[h]);
        }
    }

    /** CPU {@code c}'s program. */
    Code program(int c) {
        return programs[c];
    }

    /** CPU {@code c}'s current code, for callers that know the CPU (no division by the stride). */
    Code code(int[] s, int c, int b) {
        return code(c, s[b + Layout.FLAGS]);
    }

    /** The code CPU {@code c} runs with these flags: a handler's, or its program. */
    Code code(int c, int flags) {
        return (flags & Layout.IN_HANDLER) != 0 ? handlers[flags >>> Layout.HANDLER_SHIFT] : programs[c];
    }


    /** Whether instruction {@code pc} of the code CPU {@code c} runs with these flags is plain (see {@link #plainSteps}). */
    boolean plain(int c, int flags, int pc) {
        return ((flags & Layout.IN_HANDLER) != 0 ? handlerPlain[flags >>> Layout.HANDLER_SHIFT] : programPlain[c])[pc];
    }

    /**
     * Which instructions are always enabled and never choose a TLB victim under sequential
     * consistency (no guard, not a user access): for them {@link #stepStatus} needs no look at the
     * state (a timed engine asks before every step).
     */
    private boolean[] plainSteps(Code code) {
        boolean[] plain = new boolean[code.insns().length];
        for (int pc = 0; pc < plain.length; pc++) {
            Insn insn = code.insns()[pc];
            // A choice is not plain either: the engine picks one of its alternatives (Machine.alternatives).
            boolean guarded = insn instanceof Insn.Halt || insn instanceof Insn.Wait || insn instanceof Insn.Atomic a && a.guard() != null
                    || insn instanceof Insn.Choose || insn instanceof Insn.ChooseCpu;
            if (insn instanceof Insn.Op o) {
                guarded = guards[o.op().ordinal()] != null || Mmu.isAccess(o.op());
            }
            plain[pc] = !guarded;
        }
        return plain;
    }


    /**
     * Whether instruction {@code pc} of {@code code} waits on the state (a {@code wait until}, a guarded
     * {@code atomic} block, a built-in with a guard such as {@code spin_lock} or {@code tlbsync}) or
     * chooses ({@code either}, {@code choose}): what the CPU runs after it depends on it.
     */
    boolean waitsOrChooses(Code code, int pc) {
        Insn insn = code.insns()[pc];
        return insn instanceof Insn.Wait || insn instanceof Insn.Atomic a && a.guard() != null || insn instanceof Insn.Choose
                || insn instanceof Insn.ChooseCpu || insn instanceof Insn.Op o && guards[o.op().ordinal()] != null;
    }

    int frame(int[] s, int b) {
        return (s[b + Layout.FLAGS] & Layout.IN_HANDLER) != 0 ? b + layout.handlerLocals : b + layout.locals;
    }

    boolean stepEnabled(int[] s, int c, int b, Code code, int pc) {
        Insn insn = code.insns()[pc];
        int fr = frame(s, b);
        if (tso && !storeBuffer.orderAllows(s, b, code.memoryOrder()[pc])) {
            return false;
        }
        if (insn instanceof Insn.Halt) {
            return false;
        } else if (insn instanceof Insn.Wait w) {
            return x.eval(w.cond(), s, c, fr) != 0;
        } else if (insn instanceof Insn.Atomic a) {
            return a.guard() == null || x.eval(a.guard(), s, c, fr) != 0;
        } else if (insn instanceof Insn.Op o) {
            BuiltinTable.Guard guard = guards[o.op().ordinal()];
            return guard == null || guard.allows(s, c, b, fr, o);
        }
        return true;
    }


    /** CPU {@code c} takes {@code h}'s interrupt from {@code from} and runs the handler up to its first visible instruction. */
    void takeIpi(int[] s, int c, int b, int h, int from) {
        interrupts.enter(s, c, b, h, from);
        runLocals(s, c, b);
        clearDead(s, c, b);
    }

    void step(int[] s, int c, int b, int victim) {
        step(s, c, b, code(s, c, b), s[b + Layout.PC], victim);
    }

    void step(int[] s, int c, int b, Code code, int pc, int victim) {
        int fr = frame(s, b);
        Insn insn = code.insns()[pc];
        if (insn instanceof Insn.Atomic a) {
            int end = a.end();
            int at = pc + 1;
            int guard = 0;
            storeBuffer.locked = true;
            while (at >= pc + 1 && at < end && monitors.violation < 0) {
                if (++guard > maxLocalRun) {
                    monitors.fail(Verdict.ASSERTION, "an atomic block runs for ever");
                    break;
                }
                at = exec(s, c, b, fr, code.insns()[at], at, victim);
            }
            storeBuffer.locked = false;
            // A return inside the block jumps past its end: the block ends there.
            s[b + Layout.PC] = at;
        } else {
            int next = exec(s, c, b, fr, insn, pc, victim);
            s[b + Layout.PC] = next;
            if (narrator != null && insn instanceof Insn.Branch) {
                // The way an if or a loop went, which the timeline otherwise shows only by the statements that follow.
                say(next == pc + 1 ? "condition true" : "condition false");
            }
            if (monitors.violation < 0 && !(insn instanceof Insn.Iret) && !code.local()[next]) {
                // Still in the same code (only iret leaves it) and the next instruction is visible: nothing
                // for runLocals to run, and no second look-up of the CPU's code to find that out.
                clearDead(s, c, b);
                return;
            }
        }
        if (monitors.violation < 0) {
            runLocals(s, c, b);
            clearDead(s, c, b);
        }
    }

    /** Zeroes the frame slots no longer read from where the CPU now rests (see {@link Liveness}). */
    void clearDead(int[] s, int c, int b) {
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
    void runLocals(int[] s, int c, int b) {
        int guard = 0;
        while (true) {
            Code code = code(s, c, b);
            int pc = s[b + Layout.PC];
            Insn insn = code.insns()[pc];
            if (!code.local()[pc] || insn instanceof Insn.Halt) {
                return;
            }
            if (++guard > maxLocalRun) {
                monitors.fail(Verdict.ASSERTION, "cpu" + c + " loops for ever without touching shared state");
                return;
            }
            s[b + Layout.PC] = exec(s, c, b, frame(s, b), insn, pc, -1);
        }
    }

    /** Executes one instruction and returns the next pc. */
    private int exec(int[] s, int c, int b, int fr, Insn insn, int pc, int victim) {
        if (insn instanceof Insn.Assign a) {
            int value = x.eval(a.value(), s, c, fr);
            int at = x.targetIndex(a.target(), s, c, fr);
            if (a.target() instanceof Insn.Target.Local) {
                s[at] = value;
            } else {
                storeBuffer.store(s, c, b, at, value);
                if (events != null) {
                    noteWrite(a.target(), at, c);
                }
            }
            return pc + 1;
        } else if (insn instanceof Insn.Jump j) {
            return j.target();
        } else if (insn instanceof Insn.Branch br) {
            return x.eval(br.cond(), s, c, fr) != 0 ? pc + 1 : br.target();
        } else if (insn instanceof Insn.Wait w) {
            if (events != null) {
                events.on(Event.WAIT_DONE, c, 0, 0);
            }
            return pc + 1;
        } else if (insn instanceof Insn.Atomic a) {
            throw new IllegalStateException("nested atomic at " + pc);
        } else if (insn instanceof Insn.Op o) {
            int result = operate(s, c, b, fr, o, victim);
            if (o.result() >= 0) {
                s[fr + o.result()] = result;
            }
            // A user access that faulted goes to the model's page_fault, inlined after it, which retries the access.
            return o.onFault() >= 0 && mmu.faulted ? o.onFault() : pc + 1;
        } else if (insn instanceof Insn.Choose ch) {
            if (victim < 0 || victim >= ch.targets().length) {
                throw new IllegalArgumentException("choice " + victim + " of " + ch.targets().length + " at " + pc);
            }
            if (narrator != null) {
                say("branch " + (victim + 1) + " of " + ch.targets().length);
            }
            return ch.targets()[victim];
        } else if (insn instanceof Insn.ChooseCpu ch) {
            int set = x.eval(ch.set(), s, c, fr);
            if (sets.count(set) == 0) {
                monitors.fail(Verdict.ASSERTION, "choose from an empty set of CPUs");
                return pc + 1;
            }
            if (victim < 0 || !sets.contains(set, victim)) {
                throw new IllegalArgumentException("cpu" + victim + " is not in the set chosen from at " + pc);
            }
            s[fr + ch.slot()] = victim;
            if (narrator != null) {
                say("chose cpu" + victim + " of " + sets.describe(set));
            }
            return pc + 1;
        } else if (insn instanceof Insn.Assert a) {
            if (x.eval(a.cond(), s, c, fr) == 0) {
                monitors.fail(Verdict.ASSERTION, "assertion failed: " + a.message());
            }
            return pc + 1;
        } else if (insn instanceof Insn.Iret r) {
            return interrupts.iret(s, c, b);
        }
        return pc; // Halt: stays
    }

    /**
     * Runs a built-in operation. The ones a simulated CPU runs most are called directly (user
     * accesses, compute and idle, the IPI handler's flushes and ack: in {@code shootdown bench},
     * flush_tlb_page and ack are 43% of the operations run each, compute and read 7% each), the rest
     * through the table. The table's call site sees every operation, so it is megamorphic: a call
     * through a vtable stub that the JIT cannot inline, where each case here is inlined. Both paths
     * call the same method of the room.
     */
    private int operate(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
        return switch (o.op()) {
            case READ -> mmu.read(s, c, b, fr, o, victim);
            case WRITE -> mmu.write(s, c, b, fr, o, victim);
            case COMPUTE -> work(Event.COMPUTE, s, c, fr, o);
            case IDLE -> work(Event.IDLE, s, c, fr, o);
            case FLUSH_TLB_PAGE -> tlb.flushTlbPage(s, c, b, fr, o);
            case FLUSH_TLB_ALL -> tlb.flushTlbAll(s, c, b);
            case ACK -> interrupts.ack(s, c, b, fr, o);
            default -> operations[o.op().ordinal()].run(s, c, b, fr, o, victim);
        };
    }

    /** {@code compute(n)} and {@code idle(n)}: {@code n} cycles of work of this {@link Event} kind, for timed engines. */
    private int work(int kind, int[] s, int c, int fr, Insn.Op o) {
        int cycles = x.eval(o.args()[0], s, c, fr);
        if (events != null) {
            events.on(kind, c, cycles, 0);
        }
        return 0;
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
}
