package dev.shootdown.model;

import dev.shootdown.lang.Builtin;
import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Expr;
import dev.shootdown.lang.Keywords;
import dev.shootdown.lang.Position;
import dev.shootdown.lang.Type;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Resolves the names in an expression or an assignment target and checks its types, giving its
 * intermediate form: {@link Expr} in, {@link Typed} out. It runs on each inlined copy of a
 * procedure's body, since a parameter written without a type takes the type of each call's argument.
 */
final class TypeChecker {
    private final Symbols symbols;
    private final int cpus;
    private final Scope scope;
    private final SizeBudget budget;
    private final Supplier<Position> blame;
    /** Checking an invariant: no CPU is running, so 'self', 'acked' and unindexed per-CPU variables have no meaning. */
    private final boolean global;

    TypeChecker(Symbols symbols, int cpus, Scope scope, SizeBudget budget, Supplier<Position> blame, boolean global) {
        this.symbols = symbols;
        this.cpus = cpus;
        this.scope = scope;
        this.budget = budget;
        this.blame = blame;
        this.global = global;
    }

    /** The nearest known value name ({@code values}) or procedure and built-in name, as ": did you mean 'x'?", or "". */
    String suggestion(String n, boolean values) {
        List<String> all = new ArrayList<>();
        if (values) {
            scope.innermost().keySet().stream().sorted().forEach(all::add);
            all.addAll(symbols.sharedIndex().keySet());
            all.addAll(symbols.perCpuIndex().keySet());
            all.addAll(symbols.pages().keySet());
            all.addAll(symbols.frames().keySet());
            all.addAll(symbols.tables().keySet());
            all.addAll(symbols.mms().keySet());
            all.addAll(Keywords.BUILTIN_NAMES);
        } else {
            all.addAll(symbols.procs().keySet());
            Arrays.stream(Builtin.values()).filter(b -> b.kind() == Builtin.Kind.OP).map(Builtin::word).forEach(all::add);
            Arrays.stream(Builtin.values()).filter(b -> b.kind() != Builtin.Kind.OP).map(Builtin::word).forEach(all::add);
        }
        return Suggestions.nearest(n, all);
    }

    /** The target of an assignment of {@code value}; its type may convert to the target's (an int to a cpu and back, noted). */
    Insn.Target target(Expr target, Typed value) {
        Type type = value.type();
        if (target instanceof Expr.Index ix) {
            Integer var = symbols.perCpuIndex().get(ix.name());
            if (var == null) {
                throw new CompileError(ix.pos(), "'" + ix.name() + "' is not a per-CPU variable; only those can be indexed by CPU");
            }
            checkAssignable(symbols.perCpu().get(var).type(), value, ix.pos(), ix.name());
            Typed idx = coerce(expr(ix.index()), Type.CPU, ix.index().pos(), "a CPU index");
            return new Insn.Target.PerCpu(var, idx.ir());
        }
        String n = ((Expr.Name) target).name();
        Scope.Local l = scope.lookup(n);
        if (l != null) {
            checkAssignable(l.type(), value, target.pos(), n);
            return new Insn.Target.Local(l.slot());
        }
        if (symbols.sharedIndex().containsKey(n)) {
            int var = symbols.sharedIndex().get(n);
            checkAssignable(symbols.shared().get(var).type(), value, target.pos(), n);
            return new Insn.Target.Shared(var);
        }
        if (symbols.perCpuIndex().containsKey(n)) {
            int var = symbols.perCpuIndex().get(n);
            checkAssignable(symbols.perCpu().get(var).type(), value, target.pos(), n);
            return new Insn.Target.PerCpu(var, null);
        }
        if (symbols.globals().containsKey(n) || n.equals("self") || n.equals("all_cpus")) {
            throw new CompileError(target.pos(), "cannot assign to '" + n + "': it is not a variable");
        }
        if (global) {
            throw new CompileError(target.pos(), "unknown variable '" + n + "'");
        }
        return new Insn.Target.Local(scope.declare(n, type, target.pos()).slot());
    }

    private void checkAssignable(Type declared, Typed value, Position at, String n) {
        if (declared != value.type() && !convertible(value.type(), declared)) {
            throw new CompileError(at, "'" + n + "' is " + declared.withArticle() + "; cannot assign " + value.type().withArticle());
        }
        coerce(value, declared, at, "'" + n + "'");
    }

    private static boolean convertible(Type from, Type to) {
        return from == Type.INT && to == Type.CPU || from == Type.CPU && to == Type.INT;
    }

    /**
     * {@code t} as a value of type {@code want}: an int where a cpu is expected names a CPU (a constant
     * names that one CPU; any other int could be any CPU), and a cpu where an int is expected makes a
     * CPU's number matter. Both are noted as {@link CpuUse}s for symmetry; other types must match.
     */
    Typed coerce(Typed t, Type want, Position at, String what) {
        if (t.type() == want) {
            return t;
        }
        if (want == Type.CPU && t.type() == Type.INT) {
            if (t.ir() instanceof IrExpr.Const k) {
                symbols.cpuUses().add(CpuUse.naming(at, "CPU " + k.value() + " named in " + what, k.value()));
            } else {
                symbols.cpuUses().add(CpuUse.ordering(at, "an int used as a CPU in " + what));
            }
            return new Typed(t.ir(), Type.CPU);
        }
        if (want == Type.INT && t.type() == Type.CPU) {
            symbols.cpuUses().add(CpuUse.ordering(at, "a CPU used as a number in " + what));
            return new Typed(t.ir(), Type.INT);
        }
        require(t, want, at, what);
        return t;
    }

    static void checkArity(Expr.Call c, Builtin b) {
        // send_ipi may pass a value to a handler that takes one (the lowering checks which).
        if (b == Builtin.SEND_IPI && c.args().size() == 3) {
            return;
        }
        if (c.args().size() != b.params().size()) {
            throw new CompileError(c.pos(), "'" + b.word() + "' takes " + b.params().size() + " argument" + (b.params().size() == 1 ? "" : "s")
                    + ", found " + c.args().size() + ": " + b.signature());
        }
    }

    static void require(Typed t, Type want, Position at, String what) {
        if (t.type() != want) {
            throw new CompileError(at, "expected " + want.withArticle() + " for " + what + ", found " + t.type().withArticle());
        }
    }

    Typed expr(Expr e) {
        budget.countTerm(blame);
        if (e instanceof Expr.IntLit i) {
            return new Typed(new IrExpr.Const(i.value()), Type.INT);
        } else if (e instanceof Expr.BoolLit b) {
            return new Typed(new IrExpr.Const(b.value() ? 1 : 0), Type.BOOL);
        } else if (e instanceof Expr.Name n) {
            return name(n);
        } else if (e instanceof Expr.Index ix) {
            Integer var = symbols.perCpuIndex().get(ix.name());
            if (var == null) {
                throw new CompileError(ix.pos(), "'" + ix.name() + "' is not a per-CPU variable; only those can be indexed by CPU");
            }
            Typed idx = coerce(expr(ix.index()), Type.CPU, ix.index().pos(), "a CPU index");
            return new Typed(new IrExpr.PerCpu(var, idx.ir()), symbols.perCpu().get(var).type());
        } else if (e instanceof Expr.Field f) {
            Typed t = expr(f.target());
            require(t, Type.PTE, f.target().pos(), "'." + f.field() + "'");
            return switch (f.field()) {
                case "pfn" -> new Typed(new IrExpr.PteField(Pte.Field.PFN, t.ir()), Type.FRAME);
                case "present" -> new Typed(new IrExpr.PteField(Pte.Field.PRESENT, t.ir()), Type.BOOL);
                case "writable" -> new Typed(new IrExpr.PteField(Pte.Field.WRITABLE, t.ir()), Type.BOOL);
                case "dirty" -> new Typed(new IrExpr.PteField(Pte.Field.DIRTY, t.ir()), Type.BOOL);
                case "accessed" -> {
                    symbols.accessedReads().add(new AccessedBitRead(f.pos(), "'.accessed'"));
                    yield new Typed(new IrExpr.PteField(Pte.Field.ACCESSED, t.ir()), Type.BOOL);
                }
                default -> throw new CompileError(f.pos(), "unknown PTE field '" + f.field() + "': expected " + Keywords.alternatives(Keywords.PTE_FIELDS));
            };
        } else if (e instanceof Expr.Unary u) {
            Typed t = expr(u.operand());
            if (u.op().equals("!")) {
                require(t, Type.BOOL, u.operand().pos(), "'!'");
                return new Typed(new IrExpr.Unary(IrExpr.Op.NOT, t.ir()), Type.BOOL);
            }
            t = coerce(t, Type.INT, u.operand().pos(), "'-'");
            return new Typed(new IrExpr.Unary(IrExpr.Op.NEG, t.ir()), Type.INT);
        } else if (e instanceof Expr.Binary b) {
            return binary(b);
        } else if (e instanceof Expr.Call c) {
            return callExpr(c);
        } else if (e instanceof Expr.SetLit s) {
            IrExpr[] els = new IrExpr[s.elements().size()];
            for (int i = 0; i < els.length; i++) {
                Typed t = coerce(expr(s.elements().get(i)), Type.CPU, s.elements().get(i).pos(), "a set element (a CPU number)");
                els[i] = t.ir();
            }
            return new Typed(new IrExpr.SetOf(els), Type.CPUSET);
        } else if (e instanceof Expr.SetComp s) {
            Typed d = expr(s.domain());
            require(d, Type.CPUSET, s.domain().pos(), "the domain of a set comprehension");
            Map<String, Scope.Local> inner = new HashMap<>(scope.innermost());
            if (symbols.globals().containsKey(s.var())) {
                throw new CompileError(s.pos(), "'" + s.var() + "' hides the declaration at " + symbols.globals().get(s.var()));
            }
            int slot = scope.newSlot(Type.CPU);
            inner.put(s.var(), new Scope.Local(slot, Type.CPU));
            scope.push(inner);
            try {
                Typed p = expr(s.predicate());
                require(p, Type.BOOL, s.predicate().pos(), "the condition of a set comprehension");
                return new Typed(new IrExpr.SetComp(slot, d.ir(), p.ir()), Type.CPUSET);
            } finally {
                scope.pop();
            }
        }
        throw new IllegalArgumentException(e.toString());
    }

    private Typed name(Expr.Name n) {
        String s = n.name();
        Scope.Local l = scope.lookup(s);
        if (l != null) {
            return new Typed(new IrExpr.Local(l.slot()), l.type());
        }
        if (symbols.sharedIndex().containsKey(s)) {
            int v = symbols.sharedIndex().get(s);
            return new Typed(new IrExpr.Shared(v), symbols.shared().get(v).type());
        }
        if (symbols.perCpuIndex().containsKey(s)) {
            if (global) {
                throw new CompileError(n.pos(), "'" + s + "' is per-CPU: an invariant must name the CPU, as " + s + "[0]");
            }
            int v = symbols.perCpuIndex().get(s);
            return new Typed(new IrExpr.PerCpu(v, null), symbols.perCpu().get(v).type());
        }
        if (symbols.pages().containsKey(s)) {
            return new Typed(new IrExpr.Const(symbols.pages().get(s)), Type.PAGE);
        }
        if (symbols.frames().containsKey(s)) {
            return new Typed(new IrExpr.Const(symbols.frames().get(s)), Type.FRAME);
        }
        if (symbols.mms().containsKey(s)) {
            return new Typed(new IrExpr.Const(symbols.mms().get(s)), Type.MM);
        }
        if (symbols.tables().containsKey(s)) {
            return new Typed(new IrExpr.Const(symbols.tables().get(s)), Type.TABLE);
        }
        switch (s) {
            case "self" -> {
                if (global) {
                    throw new CompileError(n.pos(), "'self' has no meaning in an invariant");
                }
                return new Typed(new IrExpr.Self(), Type.CPU);
            }
            case "all_cpus" -> {
                return new Typed(new IrExpr.AllCpus(), Type.CPUSET);
            }
            case "nr_cpus" -> {
                return new Typed(new IrExpr.Const(cpus), Type.INT);
            }
            default -> {
            }
        }
        if (symbols.procs().containsKey(s)) {
            throw new CompileError(n.pos(), "'" + s + "' is a " + (symbols.procs().get(s).irq() ? "handler" : "procedure") + ", not a value");
        }
        throw new CompileError(n.pos(), "unknown name '" + s + "'" + suggestion(s, true));
    }

    private Typed callExpr(Expr.Call c) {
        if (symbols.procs().containsKey(c.name())) {
            throw new CompileError(c.pos(), "a procedure call must stand alone: 'x = " + c.name() + "(...)' or '" + c.name() + "(...)'");
        }
        Builtin b = Builtin.byWord(c.name());
        if (b == null || !b.callable()) {
            throw new CompileError(c.pos(), "unknown function '" + c.name() + "'" + suggestion(c.name(), false));
        }
        if (b.kind() == Builtin.Kind.OP) {
            throw new CompileError(c.pos(), "'" + c.name() + "' is an operation: use it as a statement, or as 'x = " + c.name() + "(...)'");
        }
        checkArity(c, b);
        if (global && b == Builtin.ACKED) {
            throw new CompileError(c.pos(), "'acked' asks about the running CPU's IPIs: it has no meaning in an invariant");
        }
        if (b == Builtin.CPUMASK) {
            Expr a = c.args().get(0);
            Typed mm = a instanceof Expr.Name mn && symbols.mms().containsKey(mn.name()) ? null : expr(a);
            if (mm != null && mm.type() != Type.MM) {
                throw new CompileError(a.pos(), "expected an address space (its name, or an mm variable)" + Suggestions.known("address spaces", symbols.mms().keySet()));
            }
            // mm_cpumask: kernel state, initially the CPUs whose program runs this mm (cpumask_set/clear change it).
            IrExpr which = mm != null ? mm.ir() : new IrExpr.Const(symbols.mms().get(((Expr.Name) a).name()));
            return new Typed(new IrExpr.Call(Builtin.CPUMASK, new IrExpr[] {which}), Type.CPUSET);
        }
        IrExpr[] args = new IrExpr[b.params().size()];
        for (int i = 0; i < args.length; i++) {
            Typed t = coerce(expr(c.args().get(i)), b.params().get(i), c.args().get(i).pos(), "argument " + (i + 1) + " of " + b.word());
            args[i] = t.ir();
        }
        return new Typed(new IrExpr.Call(b, args), b.result());
    }

    private Typed binary(Expr.Binary b) {
        Typed l = expr(b.left());
        Typed r = expr(b.right());
        switch (b.op()) {
            case "&&", "||" -> {
                require(l, Type.BOOL, b.left().pos(), "'" + b.op() + "'");
                require(r, Type.BOOL, b.right().pos(), "'" + b.op() + "'");
                return new Typed(new IrExpr.Binary(b.op().equals("&&") ? IrExpr.Op.AND : IrExpr.Op.OR, l.ir(), r.ir()), Type.BOOL);
            }
            case "==", "!=" -> {
                // Comparing two CPUs is an identity test, which renumbering keeps; a CPU against a
                // number names that CPU (or, against a computed int, any CPU).
                if (l.type() == Type.CPU && r.type() == Type.INT) {
                    r = coerce(r, Type.CPU, b.right().pos(), "a comparison with a CPU");
                } else if (l.type() == Type.INT && r.type() == Type.CPU) {
                    l = coerce(l, Type.CPU, b.left().pos(), "a comparison with a CPU");
                }
                if (l.type() != r.type()) {
                    throw new CompileError(b.pos(), "cannot compare " + l.type().withArticle() + " with " + r.type().withArticle());
                }
                if (l.type() == Type.PTE) {
                    symbols.accessedReads().add(new AccessedBitRead(b.pos(), "PTEs compared whole with '" + b.op() + "'"));
                }
                return new Typed(new IrExpr.Binary(b.op().equals("==") ? IrExpr.Op.EQ : IrExpr.Op.NE, l.ir(), r.ir()), Type.BOOL);
            }
            case "<", "<=", ">", ">=" -> {
                if (l.type() == Type.PAGE && r.type() == Type.PAGE) {
                    // Pages compare by virtual address, as a kernel compares addresses (mmu_gather's range: min and max).
                    l = new Typed(new IrExpr.Call(Builtin.PAGE_VA, new IrExpr[] {l.ir()}), Type.INT);
                    r = new Typed(new IrExpr.Call(Builtin.PAGE_VA, new IrExpr[] {r.ir()}), Type.INT);
                }
                l = coerce(l, Type.INT, b.left().pos(), "'" + b.op() + "'");
                r = coerce(r, Type.INT, b.right().pos(), "'" + b.op() + "'");
                IrExpr.Op op = switch (b.op()) {
                    case "<" -> IrExpr.Op.LT;
                    case "<=" -> IrExpr.Op.LE;
                    case ">" -> IrExpr.Op.GT;
                    default -> IrExpr.Op.GE;
                };
                return new Typed(new IrExpr.Binary(op, l.ir(), r.ir()), Type.BOOL);
            }
            case "in" -> {
                l = coerce(l, Type.CPU, b.left().pos(), "the left of 'in' (a CPU number)");
                require(r, Type.CPUSET, b.right().pos(), "the right of 'in'");
                return new Typed(new IrExpr.Binary(IrExpr.Op.IN, l.ir(), r.ir()), Type.BOOL);
            }
            case "+", "-", "|", "&" -> {
                if (l.type() == Type.CPUSET) {
                    IrExpr right = r.ir();
                    if ((r.type() == Type.INT || r.type() == Type.CPU) && !b.op().equals("&")) {
                        right = new IrExpr.SetOf(new IrExpr[] {coerce(r, Type.CPU, b.right().pos(), "'" + b.op() + "' on a CPU set").ir()});
                    } else {
                        require(r, Type.CPUSET, b.right().pos(), "'" + b.op() + "' on CPU sets");
                    }
                    IrExpr.Op op = switch (b.op()) {
                        case "+", "|" -> IrExpr.Op.UNION;
                        case "-" -> IrExpr.Op.DIFF;
                        default -> IrExpr.Op.INTER;
                    };
                    return new Typed(new IrExpr.Binary(op, l.ir(), right), Type.CPUSET);
                }
                if (b.op().equals("|") || b.op().equals("&")) {
                    throw new CompileError(b.pos(), "'" + b.op() + "' works on CPU sets; for booleans use '" + b.op() + b.op() + "'");
                }
                return arith(b, l, r);
            }
            default -> {
                return arith(b, l, r);
            }
        }
    }

    private Typed arith(Expr.Binary b, Typed l, Typed r) {
        l = coerce(l, Type.INT, b.left().pos(), "'" + b.op() + "'");
        r = coerce(r, Type.INT, b.right().pos(), "'" + b.op() + "'");
        IrExpr.Op op = switch (b.op()) {
            case "+" -> IrExpr.Op.ADD;
            case "-" -> IrExpr.Op.SUB;
            case "*" -> IrExpr.Op.MUL;
            case "/" -> IrExpr.Op.DIV;
            default -> IrExpr.Op.MOD;
        };
        return new Typed(new IrExpr.Binary(op, l.ir(), r.ir()), Type.INT);
    }
}
