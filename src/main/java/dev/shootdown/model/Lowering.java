package dev.shootdown.model;

import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Decl;
import dev.shootdown.lang.Position;
import dev.shootdown.lang.Printer;
import dev.shootdown.lang.Type;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers every body of a model to the intermediate form, each through a {@link BodyLowering}, under
 * one {@link SizeBudget}: the IRQ handlers, a program per CPU, then the invariants.
 */
final class Lowering {
    /** The compiled handlers, in declaration order, and a program per CPU (CPUs of one line share one). */
    record Bodies(List<Code> handlers, List<Code> programs) {}

    private final Symbols symbols;
    private final int cpus;
    private final SizeBudget budget = new SizeBudget();
    /** How many levels of tables the deepest page is under ({@link PageTableTree#depth}): the steps of gup_fast's walk. */
    private final int tableDepth;

    Lowering(Symbols symbols, int cpus, int tableDepth) {
        this.symbols = symbols;
        this.cpus = cpus;
        this.tableDepth = tableDepth;
    }

    Bodies bodies(List<Decl.Cpu> cpuDecls, CpuPlacement placement) {
        List<Code> handlers = new ArrayList<>();
        for (String h : symbols.handlers().keySet()) {
            handlers.add(new BodyLowering(h, null, symbols, cpus, budget, tableDepth).handler(symbols.procs().get(h)));
        }
        // CPUs declared together share one compiled body: `self` is read at run time.
        List<Code> programs = new ArrayList<>();
        // By identity: a record's hash walks its whole body, once per CPU of a line such as 'cpu 0.. runs A'.
        Map<Decl.Cpu, Code> compiled = new IdentityHashMap<>();
        Code idle = null;
        for (int c = 0; c < cpus; c++) {
            Decl.Cpu decl = placement.programOf()[c];
            if (decl == null) {
                if (idle == null) {
                    idle = new BodyLowering("idle", null, symbols, cpus, budget, tableDepth).program();
                }
                programs.add(idle);
            } else {
                programs.add(compiled.computeIfAbsent(decl, d -> new BodyLowering(cpuName(d), d, symbols, cpus, budget, tableDepth).program()));
            }
        }
        // A file whose programs do nothing (all empty, or calls of empty procedures) would be checked "safe" in one state.
        if (programs.stream().allMatch(code -> code.insns().length == 1)) {
            throw new CompileError(cpuDecls.get(0).pos(), "no CPU runs anything: every 'cpu ... runs' program is empty, even with its procedures inlined");
        }
        return new Bodies(handlers, programs);
    }

    /** An invariant is an expression over the global state, checked in every state. */
    List<Program.Invariant> invariants(List<Decl.Invariant> decls) {
        List<Program.Invariant> invariants = new ArrayList<>();
        for (Decl.Invariant i : decls) {
            // An invariant is no statement: a size limit's error points at its expression.
            Position at = i.cond().pos();
            Scope scope = new Scope(symbols.globals(), () -> SizeBudget.tooLarge(at, "more than " + Compiler.MAX_LOCALS
                    + " locals in an invariant (each call's parameters and result count)"));
            Typed t = new TypeChecker(symbols, cpus, scope, budget, () -> at, true).expr(i.cond());
            TypeChecker.require(t, Type.BOOL, i.cond().pos(), "an invariant");
            invariants.add(new Program.Invariant(Printer.expr(i.cond()), t.ir()));
        }
        return invariants;
    }

    private static String cpuName(Decl.Cpu d) {
        StringBuilder b = new StringBuilder("cpu");
        for (Decl.CpuRange r : d.cpus()) {
            b.append(b.length() > 3 ? "," : "").append(r.from());
            if (r.to() != r.from()) {
                b.append("..").append(r.to() < 0 ? "" : Integer.toString(r.to()));
            }
        }
        return b.toString();
    }
}
