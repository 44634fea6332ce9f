package dev.shootdown.model;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Partial-order reduction (ample sets: Peled 1993; Clarke, Grumberg and Peled, Model Checking, ch. 10):
 * which steps no other action can observe, disable or be disabled by, so that the search may take such
 * a step alone, as a singleton ample set, instead of every enabled action.
 *
 * <p>A step of CPU {@code c} qualifies when its instruction (with the invisible local instructions the
 * step runs after it) reads and writes only
 * <ul>
 * <li>the running code's frame and program counter, and {@code c}'s interrupt flag, which only a merged
 *     {@code local_irq_enable} or interrupt return sets;</li>
 * <li>{@code c}'s own copy of a per-CPU variable that no code and no invariant ever names with a CPU
 *     index (so only {@code c} reads or writes that copy);</li>
 * <li>shared and per-CPU variables nothing ever writes, and {@code mm_cpumask} when nothing writes it;</li>
 * <li>with {@link #tlbPrivate}, {@code c}'s own TLB and paging-structure cache (the local flushes): no
 *     speculative walks, no evictions, and no built-in that reaches another CPU's TLB;</li>
 * <li>under TSO, {@code c}'s own store buffer: a store to kernel memory or an ack outside an atomic block
 *     ({@link #buffered}).</li>
 * </ul>
 * and, in the state at hand, nothing else of {@code c} can act first: its interrupts are off (or the model
 * has no IPI handler), so it takes no IPI before the step; under TSO its store buffer is empty, so no
 * drain and no memory-order gate; it is not in background code, so no state where the step is enabled is
 * a deadlock; and the step is its only step action (no TLB victim, no choice). Every other action of
 * every CPU, now or on any path before this step, then touches nothing the step touches (condition C1),
 * and no property, invariant or assertion of another action reads what the step writes (C2). The search
 * adds the cycle proviso (C3) and keeps the rest: see docs/language.md, "Partial-order reduction".
 */
final class PartialOrder {
    private final boolean tso;
    private final boolean handlers;
    private final boolean[] perCpuIndexed;
    private final boolean[] perCpuWritten;
    private final boolean[] sharedWritten;
    private final boolean masksWritten;
    private final boolean tlbPrivate;
    /** Per body: whether the step at each pc qualifies, as far as the code tells (the state decides the rest). */
    private final Map<Code, boolean[]> candidates = new IdentityHashMap<>();
    private final boolean any;
    /** Whether some instruction is of a kind {@link #scan(Insn)} does not know. */
    private boolean unknown;

    PartialOrder(Program program) {
        Hardware hw = program.hardware();
        this.tso = hw.memory() == Hardware.MemoryModel.TSO;
        this.handlers = !program.handlers().isEmpty();
        this.perCpuIndexed = new boolean[program.perCpu().size()];
        this.perCpuWritten = new boolean[program.perCpu().size()];
        this.sharedWritten = new boolean[program.shared().size()];
        boolean masks = false;
        boolean remote = false;
        List<Code> bodies = new java.util.ArrayList<>(program.cpuPrograms());
        bodies.addAll(program.handlers());
        for (Code code : bodies) {
            for (Insn insn : code.insns()) {
                scan(insn);
                if (insn instanceof Insn.Op o) {
                    BuiltinFootprint f = BuiltinFootprint.of(o.op());
                    masks |= f == BuiltinFootprint.CPUMASK_WRITE;
                    remote |= f == BuiltinFootprint.REMOTE_TLB;
                }
            }
        }
        for (Program.Invariant inv : program.invariants()) {
            scan(inv.cond());
        }
        this.masksWritten = masks;
        this.tlbPrivate = !hw.speculativeWalks() && !hw.evictions() && !remote;
        boolean found = false;
        for (Code code : bodies) {
            boolean[] ok = candidates.computeIfAbsent(code, this::candidates);
            for (boolean b : ok) {
                found |= b;
            }
        }
        this.any = found && !unknown;
    }

    /** Whether some step of some body could qualify: when none can, the search need not ask. */
    boolean any() {
        return any;
    }

    /** Whether the step at {@code pc} of {@code code} qualifies as far as the code tells. */
    boolean candidate(Code code, int pc) {
        boolean[] ok = candidates.get(code);
        return ok != null && ok[pc];
    }

    /** Whether the state lets CPU {@code c}'s step go alone: nothing else of {@code c} can act before it (see the class comment). */
    boolean alone(int[] s, int b) {
        return ((s[b + Layout.FLAGS] & Layout.IRQ_ON) == 0 || !handlers) && (!tso || s[b + Layout.SB_COUNT] == 0);
    }

    private boolean[] candidates(Code code) {
        boolean[] ok = new boolean[code.insns().length];
        for (int pc = 0; pc < ok.length; pc++) {
            ok[pc] = !code.local()[pc] && (insn(code, code.insns()[pc], pc) || buffered(code.insns()[pc]));
        }
        return ok;
    }

    /**
     * Under TSO, outside an atomic block, a store to kernel memory and an ack go into the CPU's own store buffer
     * (StoreBuffer.store): no other CPU reads that buffer, and what reads memory sees nothing until the drain, an
     * action of its own (Owens, Sarkar and Sewell, x86-TSO). With the buffer empty before the step (see {@link #alone}),
     * no drain of it can come first either.
     */
    private boolean buffered(Insn insn) {
        if (!tso) {
            return false;
        }
        if (insn instanceof Insn.Assign a) {
            boolean memory = a.target() instanceof Insn.Target.Shared
                    || a.target() instanceof Insn.Target.PerCpu p && (p.cpu() == null || expr(p.cpu()));
            return memory && expr(a.value());
        }
        return insn instanceof Insn.Op o && o.op() == dev.shootdown.lang.Builtin.ACK && o.lock() == null && java.util.Arrays.stream(o.args()).allMatch(this::expr);
    }

    private boolean insn(Code code, Insn insn, int pc) {
        if (insn instanceof Insn.Assign a) {
            boolean target = a.target() instanceof Insn.Target.Local
                    || a.target() instanceof Insn.Target.PerCpu p && p.cpu() == null && !perCpuIndexed[p.var()];
            return target && expr(a.value());
        } else if (insn instanceof Insn.Branch br) {
            return expr(br.cond());
        } else if (insn instanceof Insn.Wait w) {
            return expr(w.cond());
        } else if (insn instanceof Insn.Assert a) {
            return expr(a.cond());
        } else if (insn instanceof Insn.Atomic a) {
            if (a.guard() != null && !expr(a.guard())) {
                return false;
            }
            for (int at = pc + 1; at < a.end(); at++) {
                Insn inner = code.insns()[at];
                if (inner instanceof Insn.Atomic || !(code.local()[at] || insn(code, inner, at))) {
                    return false;
                }
            }
            return true;
        } else if (insn instanceof Insn.Op o) {
            if (o.lock() != null || o.onFault() >= 0) {
                return false;
            }
            BuiltinFootprint f = BuiltinFootprint.of(o.op());
            if (f != BuiltinFootprint.FRAME_ONLY && !(f == BuiltinFootprint.OWN_TLB && tlbPrivate)) {
                return false;
            }
            for (IrExpr arg : o.args()) {
                if (!expr(arg)) {
                    return false;
                }
            }
            return true;
        }
        return insn instanceof Insn.Jump;
    }

    /** Whether evaluating {@code e} reads only what no other CPU can change: see the class comment. */
    private boolean expr(IrExpr e) {
        boolean own;
        if (e instanceof IrExpr.Shared sh) {
            own = !sharedWritten[sh.var()];
        } else if (e instanceof IrExpr.PerCpu p) {
            own = p.cpu() == null ? !perCpuIndexed[p.var()] || !perCpuWritten[p.var()] : !perCpuWritten[p.var()];
        } else if (e instanceof IrExpr.Call call) {
            BuiltinFootprint f = BuiltinFootprint.of(call.fn());
            own = f == BuiltinFootprint.FRAME_ONLY || f == BuiltinFootprint.CPUMASK_READ && !masksWritten;
        } else {
            // Reads nothing but the frame, or only what its operands read. A new kind of expression counts as reading
            // the state until it is placed here.
            own = e instanceof IrExpr.Const || e instanceof IrExpr.Local || e instanceof IrExpr.Self || e instanceof IrExpr.AllCpus
                    || e instanceof IrExpr.Unary || e instanceof IrExpr.Binary || e instanceof IrExpr.SetOf || e instanceof IrExpr.SetComp
                    || e instanceof IrExpr.PteField || e instanceof IrExpr.Lowest;
        }
        return own && operands(e).stream().allMatch(this::expr);
    }

    /** The expressions {@code e} evaluates to find its value (a CPU index included), beside what it reads itself. */
    private static List<IrExpr> operands(IrExpr e) {
        if (e instanceof IrExpr.PerCpu p) {
            return p.cpu() == null ? List.of() : List.of(p.cpu());
        } else if (e instanceof IrExpr.Unary u) {
            return List.of(u.operand());
        } else if (e instanceof IrExpr.Binary bi) {
            return List.of(bi.left(), bi.right());
        } else if (e instanceof IrExpr.SetOf so) {
            return List.of(so.cpus());
        } else if (e instanceof IrExpr.SetComp sc) {
            return List.of(sc.domain(), sc.predicate());
        } else if (e instanceof IrExpr.Call call) {
            return List.of(call.args());
        } else if (e instanceof IrExpr.PteField pf) {
            return List.of(pf.pte());
        } else if (e instanceof IrExpr.Lowest l) {
            return List.of(l.set());
        }
        return List.of();
    }

    /** Notes which variables {@code insn} writes and which per-CPU variables it names with a CPU index. */
    private void scan(Insn insn) {
        if (insn instanceof Insn.Assign a) {
            target(a.target());
            scan(a.value());
        } else if (insn instanceof Insn.Branch br) {
            scan(br.cond());
        } else if (insn instanceof Insn.Wait w) {
            scan(w.cond());
        } else if (insn instanceof Insn.Assert a) {
            scan(a.cond());
        } else if (insn instanceof Insn.Atomic a && a.guard() != null) {
            scan(a.guard());
        } else if (insn instanceof Insn.Op o) {
            if (o.lock() != null) {
                target(o.lock());
            }
            for (IrExpr arg : o.args()) {
                scan(arg);
            }
        } else if (insn instanceof Insn.ChooseCpu ch) {
            scan(ch.set());
        } else if (!(insn instanceof Insn.Atomic || insn instanceof Insn.Jump || insn instanceof Insn.Choose || insn instanceof Insn.Iret
                || insn instanceof Insn.Halt)) {
            // A kind of instruction this scan does not know may write or index anything: no step goes alone.
            unknown = true;
        }
    }

    private void target(Insn.Target t) {
        if (t instanceof Insn.Target.Shared sh) {
            sharedWritten[sh.var()] = true;
        } else if (t instanceof Insn.Target.PerCpu p) {
            perCpuWritten[p.var()] = true;
            if (p.cpu() != null) {
                perCpuIndexed[p.var()] = true;
                scan(p.cpu());
            }
        }
    }

    private void scan(IrExpr e) {
        if (e instanceof IrExpr.PerCpu p && p.cpu() != null) {
            perCpuIndexed[p.var()] = true;
        }
        operands(e).forEach(this::scan);
    }
}
