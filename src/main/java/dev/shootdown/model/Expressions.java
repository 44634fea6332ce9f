package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * Evaluates the compiled expressions of kernel code against a state: locals, shared and per-CPU
 * variables (kernel loads, which under TSO see the CPU's own buffered stores first), CPU-set
 * arithmetic and the built-in functions each room registers in the {@link BuiltinTable}.
 */
final class Expressions extends Observed {
    private final Layout layout;
    private final CpuSets sets;
    private final Monitors monitors;
    private final StoreBuffer sb;
    private final BuiltinTable.Function[] functions;
    private final int allCpus;
    /** The members of the set comprehensions being evaluated, innermost last. */
    private int[] compScratch = new int[64];
    private int compTop;

    Expressions(Layout layout, CpuSets sets, Monitors monitors, StoreBuffer sb, BuiltinTable table, int allCpus) {
        this.layout = layout;
        this.sets = sets;
        this.monitors = monitors;
        this.sb = sb;
        this.functions = table.functions;
        this.allCpus = allCpus;
        table.function(Builtin.COUNT, new BuiltinTable.Function() {
            @Override
            int call(IrExpr[] a, int[] s, int c, int fr) {
                return sets.count(eval(a[0], s, c, fr));
            }
        });
    }

    int eval(IrExpr e, int[] s, int c, int fr) {
        if (e instanceof IrExpr.Const k) {
            return k.value();
        } else if (e instanceof IrExpr.Local l) {
            return s[fr + l.slot()];
        } else if (e instanceof IrExpr.Shared sh) {
            if (events != null) {
                events.on(Event.SHARED_READ, c, sh.var(), 0);
            }
            return sb.load(s, c, sh.var());
        } else if (e instanceof IrExpr.PerCpu p) {
            int cpu = p.cpu() == null ? c : checkedCpu(eval(p.cpu(), s, c, fr));
            if (events != null) {
                events.on(Event.PERCPU_READ, c, p.var(), cpu);
            }
            return sb.load(s, c, layout.cpu(cpu) + layout.perCpu + p.var());
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
        IrExpr.Call call = (IrExpr.Call) e;
        return functions[call.fn().ordinal()].call(call.args(), s, c, fr);
    }

    private int divByZero() {
        monitors.fail(Verdict.ASSERTION, "division by zero");
        return 0;
    }

    /** The state index an assignment or a spin lock names. */
    int targetIndex(Insn.Target t, int[] s, int c, int fr) {
        if (t instanceof Insn.Target.Local l) {
            return fr + l.slot();
        } else if (t instanceof Insn.Target.Shared sh) {
            return sh.var();
        }
        Insn.Target.PerCpu pc = (Insn.Target.PerCpu) t;
        return layout.cpu(pc.cpu() == null ? c : checkedCpu(eval(pc.cpu(), s, c, fr))) + layout.perCpu + pc.var();
    }

    /** A CPU number computed by kernel code: out of range is an assertion failure (and CPU 0 stands in). */
    int checkedCpu(int cpu) {
        if (cpu < 0 || cpu >= layout.cpus) {
            monitors.fail(Verdict.ASSERTION, "CPU index " + cpu + " out of range");
            return 0;
        }
        return cpu;
    }
}
