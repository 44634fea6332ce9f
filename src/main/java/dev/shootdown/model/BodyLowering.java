package dev.shootdown.model;

import dev.shootdown.lang.Builtin;
import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Decl;
import dev.shootdown.lang.Expr;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.Position;
import dev.shootdown.lang.Printer;
import dev.shootdown.lang.Stmt;
import dev.shootdown.lang.Type;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Lowers one body, a CPU's program or an IRQ handler, to a flat instruction array: statements
 * become jumps and branches, and each procedure call is replaced by a copy of the procedure's
 * body (no recursion), so the only control stack left is the interrupted context an IRQ handler
 * returns to. Expressions are checked and lowered by a {@link TypeChecker} over this body's
 * {@link Scope}. A {@link Decl.Cpu} or {@link Decl.Proc} in, a {@link Code} out.
 */
final class BodyLowering {
    /** An inlined procedure being compiled: where its returns go. */
    private static final class Inline {
        final String name;
        final Position call;
        final int resultSlot;
        Type resultType;
        final List<Integer> returnJumps = new ArrayList<>();

        Inline(String name, Position call, int resultSlot) {
            this.name = name;
            this.call = call;
            this.resultSlot = resultSlot;
        }
    }

    private final String name;
    private final Decl.Cpu cpuDecl;
    private final Symbols symbols;
    private final SizeBudget budget;
    private final int tableDepth;
    private final Scope scope;
    private final TypeChecker types;
    private final Supplier<Position> blame = this::blame;
    private final List<Insn> insns = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private final List<Position> positions = new ArrayList<>();
    private final List<Boolean> background = new ArrayList<>();
    private final List<Inline> inlineStack = new ArrayList<>();
    private final List<Integer> bodyReturns = new ArrayList<>();
    private boolean inBackground;
    private boolean inAtomic;
    private boolean handler;
    private String label = "";
    private Position pos;
    /** Statements open around the one being compiled, through inlined calls. */
    private int nesting;

    BodyLowering(String name, Decl.Cpu cpuDecl, Symbols symbols, int cpus, SizeBudget budget, int tableDepth) {
        this.name = name;
        this.tableDepth = tableDepth;
        this.cpuDecl = cpuDecl;
        this.symbols = symbols;
        this.budget = budget;
        this.scope = new Scope(symbols.globals(), () -> SizeBudget.tooLarge(blame(), "more than " + Compiler.MAX_LOCALS + " locals in "
                + (handler ? "handler " + name : name + "'s program") + " (each call's parameters and result count)"));
        this.types = new TypeChecker(symbols, cpus, scope, budget, blame, false);
    }

    /** Where a size limit's error points: the outermost call being inlined, since that copy grew the body, or the statement. */
    private Position blame() {
        return inlineStack.isEmpty() ? pos : inlineStack.get(0).call;
    }

    Code handler(Decl.Proc p) {
        handler = true;
        pos = p.pos();
        if (!p.params().isEmpty()) {
            Decl.Param from = p.params().get(0);
            // The sender is a cpu; 'from: int' is still accepted (it was the type before cpu existed).
            if (from.type() != null && !from.type().equals("cpu") && !from.type().equals("int")) {
                throw new CompileError(from.pos(), "an IRQ handler's parameter is the sending CPU, a cpu");
            }
            scope.declare(from.name(), Type.CPU, from.pos());
        } else {
            scope.newSlot(Type.CPU); // slot 0, where a handler's sender would be
        }
        if (p.params().size() == 2) {
            // Slot 1: the value the sender passed to send_ipi, copied in when the handler starts.
            scope.declare(p.params().get(1).name(), argType(p), p.params().get(1).pos());
        }
        stmt(p.body());
        return finish("return from interrupt", new Insn.Iret());
    }

    /** The type of an IRQ handler's second parameter (the value send_ipi passes; an int unless declared), or null for none. */
    static Type argType(Decl.Proc handler) {
        if (handler.params().size() < 2) {
            return null;
        }
        Decl.Param arg = handler.params().get(1);
        if (arg.type() == null) {
            return Type.INT;
        }
        Type t = Type.byWord(arg.type());
        if (t == null) {
            throw new CompileError(arg.pos(), "unknown type '" + arg.type() + "': expected int, cpu, bool, cpuset, pte, frame, page, table or mm");
        }
        return t;
    }

    /**
     * {@code send_ipi(targets, h)} or {@code send_ipi(targets, h, value)}: the value is required by a handler
     * that takes one and refused by one that does not; it becomes the op's third argument.
     */
    private IrExpr[] ipiArgument(Expr.Call c, IrExpr[] args) {
        String handlerName = ((Expr.Name) c.args().get(1)).name();
        Type want = argType(symbols.procs().get(handlerName));
        if (want == null) {
            if (c.args().size() == 3) {
                throw new CompileError(c.args().get(2).pos(), "handler '" + handlerName + "' takes no value: declare it irq " + handlerName + "(from, NAME: TYPE)");
            }
            return args;
        }
        if (c.args().size() != 3) {
            throw new CompileError(c.pos(), "handler '" + handlerName + "' takes " + want.withArticle() + ": send_ipi(targets, " + handlerName + ", value)");
        }
        Typed v = types.coerce(types.expr(c.args().get(2)), want, c.args().get(2).pos(), "the value sent to '" + handlerName + "'");
        IrExpr[] out = java.util.Arrays.copyOf(args, 3);
        out[2] = v.ir();
        return out;
    }

    Code program() {
        if (cpuDecl != null) {
            pos = cpuDecl.pos();
            Stmt body = cpuDecl.body();
            List<Stmt> top = body instanceof Stmt.Block b ? b.body() : List.of(body);
            for (Stmt s : top) {
                if (s instanceof Stmt.Loop) {
                    inBackground = true;
                    stmt(s);
                    inBackground = false;
                } else {
                    stmt(s);
                }
            }
        }
        return finish("done", new Insn.Halt());
    }

    /** Ends the body with {@code last}, where its own 'return's jump to. */
    private Code finish(String lastLabel, Insn last) {
        int end = insns.size();
        for (int j : bodyReturns) {
            insns.set(j, new Insn.Jump(end));
        }
        label = lastLabel;
        emit(last);
        Insn[] code = insns.toArray(Insn[]::new);
        boolean[] bg = new boolean[code.length];
        boolean[] local = new boolean[code.length];
        for (int i = 0; i < code.length; i++) {
            bg[i] = background.get(i);
            local[i] = isLocal(code[i]);
        }
        Type[] slotTypes = scope.frameSize() == 0 ? new Type[] {Type.INT} : scope.slotTypes();
        String[] slotNames = scope.frameSize() == 0 ? new String[1] : scope.slotNames();
        return new Code(name, code, labels.toArray(String[]::new), positions.toArray(Position[]::new), bg, local, Math.max(1, scope.frameSize()), slotTypes,
                slotNames);
    }

    private int emit(Insn insn) {
        budget.countInstruction(blame);
        insns.add(insn);
        labels.add(label);
        positions.add(pos);
        background.add(inBackground);
        return insns.size() - 1;
    }

    // ---- statements ----

    void stmt(Stmt s) {
        Position savedPos = pos;
        String savedLabel = label;
        pos = s.pos();
        budget.countTerm(blame);
        // The parser bounds each body's nesting; a call puts a body inside another, so the levels add up.
        if (++nesting > Parser.MAX_NESTING) {
            throw inlineStack.isEmpty() ? new CompileError(s.pos(), "nested too deeply: at most " + Parser.MAX_NESTING + " levels of blocks and statements")
                    : new CompileError(inlineStack.get(inlineStack.size() - 1).call, "nested too deeply once '" + inlineStack.get(inlineStack.size() - 1).name
                    + "' is inlined here: at most " + Parser.MAX_NESTING + " levels of blocks and statements, counting those around each call");
        }
        label = Printer.head(s);
        try {
            statement(s);
        } finally {
            pos = savedPos;
            label = savedLabel;
            nesting--;
        }
    }

    private void statement(Stmt s) {
        if (s instanceof Stmt.Block b) {
            b.body().forEach(this::stmt);
        } else if (s instanceof Stmt.Assign a) {
            assign(a);
        } else if (s instanceof Stmt.Do d) {
            call(d.call(), null);
        } else if (s instanceof Stmt.If i) {
            Typed c = types.expr(i.cond());
            TypeChecker.require(c, Type.BOOL, i.cond().pos(), "an if condition");
            int branch = emit(null);
            stmt(i.then());
            if (i.otherwise() != null) {
                int jump = emit(null);
                insns.set(branch, new Insn.Branch(c.ir(), insns.size()));
                stmt(i.otherwise());
                insns.set(jump, new Insn.Jump(insns.size()));
            } else {
                insns.set(branch, new Insn.Branch(c.ir(), insns.size()));
            }
        } else if (s instanceof Stmt.While w) {
            noLoopInAtomic(w.pos());
            int top = insns.size();
            Typed c = types.expr(w.cond());
            TypeChecker.require(c, Type.BOOL, w.cond().pos(), "a while condition");
            int branch = emit(null);
            stmt(w.body());
            emit(new Insn.Jump(top));
            insns.set(branch, new Insn.Branch(c.ir(), insns.size()));
        } else if (s instanceof Stmt.Loop l) {
            noLoopInAtomic(l.pos());
            int top = insns.size();
            stmt(l.body());
            emit(new Insn.Jump(top));
        } else if (s instanceof Stmt.For f && isMappings(f.domain())) {
            mappings(f);
        } else if (s instanceof Stmt.For f && listValues(f.domain()) != null) {
            // A loop over a list of pages (or frames, tables, booleans) is unrolled: the body once per value.
            for (Typed value : listValues(f.domain())) {
                store(new Expr.Name(f.pos(), f.var()), value);
                stmt(f.body());
            }
        } else if (s instanceof Stmt.For f) {
            Typed d = types.expr(f.domain());
            TypeChecker.require(d, Type.CPUSET, f.domain().pos(), "a for loop's domain");
            // 'for' visits the set from its lowest CPU: an order over CPUs, which renumbering changes.
            symbols.cpuUses().add(CpuUse.ordering(f.pos(), "'for' visits CPUs from the lowest"));
            int rest = scope.newSlot(Type.CPUSET);
            scope.name(rest, f.var() + ".left");
            emit(new Insn.Assign(new Insn.Target.Local(rest), d.ir()));
            Scope.Local v = scope.lookup(f.var());
            if (v == null) {
                v = scope.declare(f.var(), Type.CPU, f.pos());
            } else if (v.type() != Type.CPU && v.type() != Type.INT) {
                throw new CompileError(f.pos(), "'" + f.var() + "' is " + v.type().withArticle() + ", not a CPU number");
            }
            int top = insns.size();
            int branch = emit(null);
            emit(new Insn.Assign(new Insn.Target.Local(v.slot()), new IrExpr.Lowest(new IrExpr.Local(rest))));
            emit(new Insn.Assign(new Insn.Target.Local(rest), new IrExpr.Binary(IrExpr.Op.DIFF, new IrExpr.Local(rest),
                    new IrExpr.SetOf(new IrExpr[] {new IrExpr.Local(v.slot())}))));
            stmt(f.body());
            emit(new Insn.Jump(top));
            insns.set(branch, new Insn.Branch(new IrExpr.Binary(IrExpr.Op.NE, new IrExpr.Local(rest), new IrExpr.Const(0)), insns.size()));
        } else if (s instanceof Stmt.Repeat r) {
            Typed n = types.expr(r.count());
            n = types.coerce(n, Type.INT, r.count().pos(), "a repeat count");
            int counter = scope.newSlot(Type.INT);
            scope.name(counter, "repeat.left");
            emit(new Insn.Assign(new Insn.Target.Local(counter), n.ir()));
            int top = insns.size();
            int branch = emit(null);
            emit(new Insn.Assign(new Insn.Target.Local(counter), new IrExpr.Binary(IrExpr.Op.SUB, new IrExpr.Local(counter), new IrExpr.Const(1))));
            stmt(r.body());
            emit(new Insn.Jump(top));
            insns.set(branch, new Insn.Branch(new IrExpr.Binary(IrExpr.Op.GT, new IrExpr.Local(counter), new IrExpr.Const(0)), insns.size()));
        } else if (s instanceof Stmt.Wait w) {
            if (inAtomic) {
                throw new CompileError(w.pos(), "'wait until' inside 'atomic' must be its first statement (a guard)");
            }
            Typed c = types.expr(w.cond());
            TypeChecker.require(c, Type.BOOL, w.cond().pos(), "a wait condition");
            emit(new Insn.Wait(c.ir()));
        } else if (s instanceof Stmt.Atomic a) {
            atomic(a);
        } else if (s instanceof Stmt.Return r) {
            ret(r);
        } else if (s instanceof Stmt.Either e) {
            either(e);
        } else if (s instanceof Stmt.Choose ch) {
            choose(ch);
        } else if (s instanceof Stmt.Assert a) {
            Typed c = types.expr(a.cond());
            TypeChecker.require(c, Type.BOOL, a.cond().pos(), "an assertion");
            emit(new Insn.Assert(c.ir(), a.message() != null ? a.message() : "assert " + Printer.expr(a.cond())));
        }
    }

    /** {@code either}: a choice between the branches, then each branch, each ending with a jump past the last. */
    private void either(Stmt.Either e) {
        noChoiceInAtomic(e.pos(), "either");
        int choice = emit(null);
        int[] targets = new int[e.branches().size()];
        List<Integer> ends = new ArrayList<>();
        for (int i = 0; i < targets.length; i++) {
            targets[i] = insns.size();
            stmt(e.branches().get(i));
            if (i < targets.length - 1) {
                ends.add(emit(null));
            }
        }
        for (int at : ends) {
            insns.set(at, new Insn.Jump(insns.size()));
        }
        insns.set(choice, new Insn.Choose(targets));
    }

    /**
     * {@code choose x in S}: over a set of CPUs, one instruction that picks a member at run time; over a
     * list of pages, frames, tables, address spaces or booleans ({@code {p1, p2}}), a choice between
     * assignments of each.
     */
    private void choose(Stmt.Choose ch) {
        noChoiceInAtomic(ch.pos(), "choose");
        List<Typed> values = listValues(ch.domain());
        if (values != null) {
            {
                int choice = emit(null);
                int[] targets = new int[values.size()];
                List<Integer> ends = new ArrayList<>();
                for (int i = 0; i < targets.length; i++) {
                    targets[i] = insns.size();
                    store(new Expr.Name(ch.pos(), ch.var()), values.get(i));
                    if (i < targets.length - 1) {
                        ends.add(emit(null));
                    }
                }
                for (int at : ends) {
                    insns.set(at, new Insn.Jump(insns.size()));
                }
                insns.set(choice, new Insn.Choose(targets));
                return;
            }
        }
        Typed d = types.expr(ch.domain());
        TypeChecker.require(d, Type.CPUSET, ch.domain().pos(), "a choice's domain (a set of CPUs, or a list such as {p1, p2})");
        Scope.Local v = scope.lookup(ch.var());
        if (v == null) {
            v = scope.declare(ch.var(), Type.CPU, ch.pos());
        } else if (v.type() != Type.CPU) {
            throw new CompileError(ch.pos(), "'" + ch.var() + "' is " + v.type().withArticle() + ", not a CPU");
        }
        emit(new Insn.ChooseCpu(v.slot(), d.ir()));
    }

    /**
     * The values of a list that is not a set of CPUs, or null: {@code {p1, p2}} of pages, frames, tables or
     * booleans (all of one type), or {@code pages(A)}, the pages of address space {@code A} in the order
     * declared. A loop over one is unrolled and a choice from one is an {@code either}.
     */
    private List<Typed> listValues(Expr domain) {
        if (domain instanceof Expr.Call c && c.name().equals("pages") && !symbols.procs().containsKey("pages")) {
            if (c.args().size() != 1 || !(c.args().get(0) instanceof Expr.Name mn) || !symbols.mms().containsKey(mn.name())) {
                throw new CompileError(c.pos(), "'pages' takes the name of an address space: pages(A)"
                        + Suggestions.known("address spaces", symbols.mms().keySet()));
            }
            int mm = symbols.mms().get(mn.name());
            List<Typed> out = new ArrayList<>();
            for (int p = 0; p < symbols.pageMm().size(); p++) {
                if (symbols.pageMm().get(p) == mm) {
                    out.add(new Typed(new IrExpr.Const(p), Type.PAGE));
                }
            }
            if (out.isEmpty()) {
                throw new CompileError(c.pos(), "address space '" + mn.name() + "' has no pages");
            }
            return out;
        }
        if (!(domain instanceof Expr.SetLit list) || list.elements().isEmpty()) {
            return null;
        }
        List<Typed> values = new ArrayList<>();
        for (Expr x : list.elements()) {
            values.add(types.expr(x));
        }
        Type t = values.get(0).type();
        if (t == Type.INT || t == Type.CPU) {
            return null;
        }
        for (int i = 1; i < values.size(); i++) {
            if (values.get(i).type() != t) {
                throw new CompileError(list.elements().get(i).pos(), "expected " + t.withArticle() + " like the first of the list, found "
                        + values.get(i).type().withArticle());
            }
        }
        return values;
    }

    /** Whether a loop's domain is {@code mappings(f)}, the reverse map of a frame. */
    private boolean isMappings(Expr domain) {
        return domain instanceof Expr.Call c && c.name().equals("mappings") && !symbols.procs().containsKey("mappings");
    }

    /**
     * {@code for v in mappings(f) { ... }}: the body once for each page whose PTE maps frame {@code f}, as the
     * kernel's rmap_walk visits each VMA that may map a page and page_vma_mapped_walk checks that its PTE really
     * maps it (mm/rmap.c: try_to_unmap, folio_mkclean). Unrolled over every page of the model, in declaration
     * order; each page's test reads its PTE (present and pointing at f) in a step of its own, so a PTE that
     * changes while the walk goes on is seen or not as the interleaving has it. {@code f} is evaluated once.
     */
    private void mappings(Stmt.For f) {
        Expr.Call c = (Expr.Call) f.domain();
        if (c.args().size() != 1) {
            throw new CompileError(c.pos(), "'mappings' takes a frame: for v in mappings(f)");
        }
        Typed frame = types.expr(c.args().get(0));
        TypeChecker.require(frame, Type.FRAME, c.args().get(0).pos(), "the argument of 'mappings'");
        int slot = scope.newSlot(Type.FRAME);
        scope.name(slot, f.var() + ".frame");
        emit(new Insn.Assign(new Insn.Target.Local(slot), frame.ir()));
        for (int p = 0; p < symbols.pageMm().size(); p++) {
            IrExpr pte = new IrExpr.Call(Builtin.PTEP_GET, new IrExpr[] {new IrExpr.Const(p)});
            IrExpr maps = new IrExpr.Binary(IrExpr.Op.AND, new IrExpr.PteField(Pte.Field.PRESENT, pte),
                    new IrExpr.Binary(IrExpr.Op.EQ, new IrExpr.PteField(Pte.Field.PFN, pte), new IrExpr.Local(slot)));
            int branch = emit(null);
            store(new Expr.Name(f.pos(), f.var()), new Typed(new IrExpr.Const(p), Type.PAGE));
            stmt(f.body());
            insns.set(branch, new Insn.Branch(maps, insns.size()));
        }
    }

    private void noChoiceInAtomic(Position at, String what) {
        if (inAtomic) {
            throw new CompileError(at, "'" + what + "' is not allowed inside 'atomic' (an atomic block is one step; choose before it)");
        }
    }

    private void noLoopInAtomic(Position at) {
        if (inAtomic) {
            throw new CompileError(at, "unbounded loops are not allowed inside 'atomic' (use 'for' or 'repeat')");
        }
    }

    private void atomic(Stmt.Atomic a) {
        if (inAtomic) {
            a.body().body().forEach(this::stmt);
            return;
        }
        List<Stmt> body = a.body().body();
        IrExpr guard = null;
        int from = 0;
        if (!body.isEmpty() && body.get(0) instanceof Stmt.Wait w) {
            Typed c = types.expr(w.cond());
            TypeChecker.require(c, Type.BOOL, w.cond().pos(), "a wait condition");
            guard = c.ir();
            from = 1;
        }
        int start = emit(null);
        inAtomic = true;
        try {
            for (Stmt s : body.subList(from, body.size())) {
                stmt(s);
            }
        } finally {
            inAtomic = false;
        }
        insns.set(start, new Insn.Atomic(guard, insns.size()));
    }

    private void ret(Stmt.Return r) {
        if (!inlineStack.isEmpty()) {
            Inline in = inlineStack.get(inlineStack.size() - 1);
            if (r.value() != null) {
                Typed v = types.expr(r.value());
                if (in.resultType != null && in.resultType != v.type() && (in.resultType == Type.CPU || in.resultType == Type.INT)) {
                    v = types.coerce(v, in.resultType, r.value().pos(), "'" + in.name + "''s result");
                }
                if (in.resultType != null && in.resultType != v.type()) {
                    throw new CompileError(r.value().pos(), "'" + in.name + "' returns " + in.resultType.withArticle() + " elsewhere, here " + v.type().withArticle());
                }
                in.resultType = v.type();
                scope.retype(in.resultSlot, v.type());
                emit(new Insn.Assign(new Insn.Target.Local(in.resultSlot), v.ir()));
            }
            in.returnJumps.add(emit(new Insn.Jump(-1)));
        } else {
            if (r.value() != null) {
                throw new CompileError(r.value().pos(), handler ? "an IRQ handler returns no value" : "a CPU's program returns no value");
            }
            if (inAtomic) {
                throw new CompileError(r.pos(), "'return' inside 'atomic' is not allowed");
            }
            bodyReturns.add(emit(new Insn.Jump(-1)));
        }
    }

    private void assign(Stmt.Assign a) {
        if (a.value() instanceof Expr.Call c && (symbols.procs().containsKey(c.name()) || isOp(c.name()))) {
            call(c, a.target());
            return;
        }
        Typed v = types.expr(a.value());
        store(a.target(), v);
    }

    private boolean isOp(String n) {
        Builtin b = Builtin.byWord(n);
        return b != null && b.kind() == Builtin.Kind.OP;
    }

    /** Stores a value into an assignment target, creating a local on first assignment. */
    private void store(Expr target, Typed v) {
        if (v.type() == Type.VOID) {
            throw new CompileError(target.pos(), "the right-hand side has no value");
        }
        Insn.Target t = types.target(target, v);
        emit(new Insn.Assign(t, v.ir()));
    }

    /** A call statement, or {@code target = call(...)}: a procedure (inlined) or a built-in operation. */
    private void call(Expr.Call c, Expr target) {
        Decl.Proc proc = symbols.procs().get(c.name());
        if (proc != null) {
            inline(c, proc, target);
            return;
        }
        Builtin b = Builtin.byWord(c.name());
        if (b == null || !b.callable()) {
            throw new CompileError(c.pos(), "unknown procedure or operation '" + c.name() + "'" + types.suggestion(c.name(), false));
        }
        if (b.kind() != Builtin.Kind.OP) {
            if (target == null) {
                throw new CompileError(c.pos(), "the value of '" + c.name() + "(...)' is not used");
            }
            store(target, types.expr(c));
            return;
        }
        TypeChecker.checkArity(c, b);
        if (b == Builtin.PTEP_CMPXCHG || b == Builtin.PTEP_TEST_AND_CLEAR_YOUNG) {
            symbols.accessedReads().add(new AccessedBitRead(c.pos(), "'" + b.word() + "'"));
        }
        if (handler && (b == Builtin.READ || b == Builtin.WRITE || b == Builtin.EXEC)) {
            throw new CompileError(c.pos(), "'" + b.word() + "' is a user access; IRQ handlers run in the kernel");
        }
        if (inAtomic && (b == Builtin.SPIN_LOCK || b == Builtin.TLBSYNC || b == Builtin.DSB_ISH || b == Builtin.RCU_FREE || b == Builtin.ALLOC_FRAME)) {
            throw new CompileError(c.pos(), "'" + b.word() + "' can block and is not allowed inside 'atomic'");
        }
        // Whether the page's mm is the one in the CPU's CR3 is checked when the access runs (switch_mm moves it).
        IrExpr[] args = new IrExpr[b.params().size()];
        Insn.Target lock = null;
        for (int i = 0; i < args.length; i++) {
            Expr a = c.args().get(i);
            Type want = b.params().get(i);
            if (want == Type.HANDLER) {
                if (!(a instanceof Expr.Name hn) || !symbols.handlers().containsKey(hn.name())) {
                    throw new CompileError(a.pos(), "expected the name of an IRQ handler" + Suggestions.known("handlers", symbols.handlers().keySet()));
                }
                args[i] = new IrExpr.Const(symbols.handlers().get(hn.name()));
                continue;
            }
            if (b == Builtin.SPIN_LOCK || b == Builtin.SPIN_UNLOCK) {
                if (!(a instanceof Expr.Name) && !(a instanceof Expr.Index) || a instanceof Expr.Name n && !symbols.sharedIndex().containsKey(n.name()) && !symbols.perCpuIndex().containsKey(n.name())) {
                    throw new CompileError(a.pos(), "expected a shared or per-CPU int variable to use as a lock");
                }
                Type lockType = a instanceof Expr.Name ln ? (symbols.sharedIndex().containsKey(ln.name()) ? symbols.shared().get(symbols.sharedIndex().get(ln.name())).type()
                        : symbols.perCpu().get(symbols.perCpuIndex().get(ln.name())).type()) : symbols.perCpuIndex().containsKey(((Expr.Index) a).name()) ? symbols.perCpu().get(symbols.perCpuIndex().get(((Expr.Index) a).name())).type() : Type.INT;
                if (lockType != Type.INT) {
                    throw new CompileError(a.pos(), "a lock is an int variable (0 free, 1 held); this one is " + lockType.withArticle());
                }
                lock = types.target(a, new Typed(new IrExpr.Const(0), Type.INT));
                args[i] = new IrExpr.Const(0);
                continue;
            }
            Typed t = types.expr(a);
            t = types.coerce(t, want, a.pos(), "argument " + (i + 1) + " of " + b.word());
            args[i] = t.ir();
        }
        if (b == Builtin.SEND_IPI) {
            args = ipiArgument(c, args);
        }
        int result = -1;
        if (target != null) {
            if (b.result() == Type.VOID) {
                throw new CompileError(c.pos(), "'" + b.word() + "' returns no value");
            }
            result = scope.newSlot(b.result());
        }
        if (b == Builtin.GUP_FAST) {
            // Two steps, as in mm/gup.c: the PMD is read, then the table it points to; a table
            // freed in between is exactly the race IRQs-off (or RCU) protects against (seed 004).
            // Through nested tables, a step per level (mm/gup.c gup_fast_pgd_range() down to gup_fast_pte_range()):
            // each checks the entry read in the step before and reads the next level's entry from the table it points at.
            int pmd = scope.newSlot(Type.PTE);
            scope.name(pmd, "gup_fast.pmd");
            emit(new Insn.Op(b, args, pmd, null));
            for (int level = tableDepth - 2; level >= 0; level--) {
                emit(new Insn.Op(Builtin.GUP_FAST_DOWN, new IrExpr[] {args[0], new IrExpr.Local(pmd), new IrExpr.Const(level)}, pmd, null));
            }
            emit(new Insn.Op(Builtin.GUP_FAST_PTE, new IrExpr[] {args[0], new IrExpr.Local(pmd)}, -1, null));
            return;
        }
        Decl.Proc fault = symbols.procs().get(PAGE_FAULT);
        if (fault != null && !fault.irq() && Mmu.isAccess(b)) {
            faultingAccess(c, b, args, result, fault, target);
            return;
        }
        emit(new Insn.Op(b, args, result, lock));
        if (target != null) {
            store(target, new Typed(new IrExpr.Local(result), b.result()));
        }
    }

    /** The procedure a faulting user access runs, when a model declares it: {@code proc page_fault(va, write)}. */
    static final String PAGE_FAULT = "page_fault";

    /**
     * A user access in a model with a {@code page_fault} procedure: the access, a jump past the handler, then
     * {@code page_fault(va, write)} inlined and a jump back to retry the access (Linux's do_user_addr_fault and
     * handle_mm_fault run on the faulting CPU, in the faulting task's context, with interrupts enabled as they
     * were; the faulting instruction runs again on return). So the handler is code of the CPU's own program:
     * IPIs can arrive while it runs, as they can in the kernel.
     */
    private void faultingAccess(Expr.Call c, Builtin b, IrExpr[] args, int result, Decl.Proc fault, Expr target) {
        if (inAtomic) {
            throw new CompileError(c.pos(), "a user access inside 'atomic' cannot fault to page_fault (an atomic block is one step): "
                    + "make the access outside the block");
        }
        for (Inline in : inlineStack) {
            if (in.name.equals(PAGE_FAULT)) {
                throw new CompileError(c.pos(), "'" + b.word() + "' is a user access; page_fault runs in the kernel");
            }
        }
        if (fault.params().size() != 2) {
            throw new CompileError(fault.pos(), "page_fault takes the faulting page and whether the access was a write: proc page_fault(va, write)");
        }
        int access = emit(null);
        int past = emit(null);
        int handler = insns.size();
        Expr page = c.args().get(0);
        inline(new Expr.Call(c.pos(), PAGE_FAULT, List.of(page, new Expr.BoolLit(c.pos(), b == Builtin.WRITE))), fault, null);
        emit(new Insn.Jump(access));
        insns.set(access, new Insn.Op(b, args, result, null, handler));
        insns.set(past, new Insn.Jump(insns.size()));
        if (target != null) {
            // The access that did not fault gives the version it saw: past the handler.
            store(target, new Typed(new IrExpr.Local(result), b.result()));
        }
    }

    private void inline(Expr.Call c, Decl.Proc proc, Expr target) {
        if (proc.irq()) {
            throw new CompileError(c.pos(), "'" + proc.name() + "' is an IRQ handler: run it with send_ipi(cpus, " + proc.name() + ")");
        }
        for (Inline in : inlineStack) {
            if (in.name.equals(proc.name())) {
                throw new CompileError(c.pos(), "recursive call of '" + proc.name() + "': procedures are inlined and cannot recurse");
            }
        }
        if (inlineStack.size() == Compiler.MAX_CALL_DEPTH) {
            throw new CompileError(c.pos(), "procedure calls nested more than " + Compiler.MAX_CALL_DEPTH + " deep (procedures are inlined at each call; '"
                    + inlineStack.get(0).name + "' starts this chain at " + inlineStack.get(0).call + ")");
        }
        if (c.args().size() != proc.params().size()) {
            throw new CompileError(c.pos(), "'" + proc.name() + "' takes " + proc.params().size() + " argument" + (proc.params().size() == 1 ? "" : "s") + ", found " + c.args().size());
        }
        Map<String, Scope.Local> params = new HashMap<>();
        for (int i = 0; i < proc.params().size(); i++) {
            Decl.Param p = proc.params().get(i);
            Typed a = types.expr(c.args().get(i));
            if (p.type() != null) {
                Type want = Type.byWord(p.type());
                if (want == null) {
                    throw new CompileError(p.pos(), "unknown type '" + p.type() + "'");
                }
                a = types.coerce(a, want, c.args().get(i).pos(), "argument " + (i + 1) + " of " + proc.name());
            }
            if (symbols.globals().containsKey(p.name())) {
                throw new CompileError(p.pos(), "parameter '" + p.name() + "' hides the declaration at " + symbols.globals().get(p.name()));
            }
            int slot = scope.newSlot(a.type());
            scope.name(slot, p.name());
            emit(new Insn.Assign(new Insn.Target.Local(slot), a.ir()));
            params.put(p.name(), new Scope.Local(slot, a.type()));
        }
        Inline in = new Inline(proc.name(), c.pos(), scope.newSlot(Type.INT));
        scope.name(in.resultSlot, proc.name() + "()");
        inlineStack.add(in);
        scope.push(params);
        try {
            stmt(proc.body());
        } finally {
            scope.pop();
            inlineStack.remove(inlineStack.size() - 1);
        }
        int end = insns.size();
        for (int j : in.returnJumps) {
            insns.set(j, new Insn.Jump(end));
        }
        if (target != null) {
            if (in.resultType == null) {
                throw new CompileError(c.pos(), "'" + proc.name() + "' returns no value");
            }
            store(target, new Typed(new IrExpr.Local(in.resultSlot), in.resultType));
        }
    }

    /**
     * Instructions invisible to other CPUs run in the same step as the instruction before them:
     * they commute with every other CPU's step, so merging loses no behaviour and saves states.
     * Disabling interrupts is visible: an IPI taken just before it must stay possible.
     */
    static boolean isLocal(Insn insn) {
        if (insn instanceof Insn.Assign a) {
            return a.target() instanceof Insn.Target.Local && IrExpr.isLocal(a.value());
        } else if (insn instanceof Insn.Branch b) {
            return IrExpr.isLocal(b.cond());
        } else if (insn instanceof Insn.Op o) {
            switch (o.op()) {
                case SMP_MB, SMP_WMB, SMP_RMB, LOCAL_IRQ_ENABLE:
                    return true;
                default:
                    return false;
            }
        }
        return insn instanceof Insn.Jump || insn instanceof Insn.Iret || insn instanceof Insn.Halt;
    }
}
