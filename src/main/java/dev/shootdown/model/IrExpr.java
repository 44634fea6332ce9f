package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * Expressions of the compiled form. Names are resolved to slots; every value is an int (booleans
 * 0/1, CPU sets as bit masks, PTEs and TLB entries in {@link Pte} encoding, frames and pages as
 * indexes). Both engines evaluate them through {@link Machine}.
 */
public sealed interface IrExpr {

    record Const(int value) implements IrExpr {}

    /** A slot of the running code's frame (main program or IRQ handler). */
    record Local(int slot) implements IrExpr {}

    record Shared(int var) implements IrExpr {}

    /** A per-CPU variable of {@code cpu}, or of the running CPU when {@code cpu} is null. */
    record PerCpu(int var, IrExpr cpu) implements IrExpr {}

    record Self() implements IrExpr {}

    /** The set of all CPUs. */
    record AllCpus() implements IrExpr {}

    record Unary(Op op, IrExpr operand) implements IrExpr {}

    record Binary(Op op, IrExpr left, IrExpr right) implements IrExpr {}

    /** A CPU set built from CPU numbers. */
    record SetOf(IrExpr[] cpus) implements IrExpr {}

    /** {@code { c in domain : pred }} with c bound to a frame slot. */
    record SetComp(int slot, IrExpr domain, IrExpr predicate) implements IrExpr {}

    /** A pure or reading built-in ({@link Builtin.Kind#PURE} or {@link Builtin.Kind#READ}). */
    record Call(Builtin fn, IrExpr[] args) implements IrExpr {}

    /** A field of a PTE value. */
    record PteField(Pte.Field field, IrExpr pte) implements IrExpr {}

    /** The lowest CPU of a non-empty set (used by compiled {@code for} loops). */
    record Lowest(IrExpr set) implements IrExpr {}

    enum Op {
        NOT, NEG,
        ADD, SUB, MUL, DIV, MOD,
        EQ, NE, LT, LE, GT, GE,
        AND, OR,
        UNION, DIFF, INTER, IN
    }

    /** True when evaluating reads nothing but constants and the running code's own frame. */
    static boolean isLocal(IrExpr e) {
        if (e instanceof Const || e instanceof Local || e instanceof Self || e instanceof AllCpus) {
            return true;
        } else if (e instanceof Shared || e instanceof PerCpu) {
            return false;
        } else if (e instanceof Unary u) {
            return isLocal(u.operand());
        } else if (e instanceof Binary b) {
            return isLocal(b.left()) && isLocal(b.right());
        } else if (e instanceof SetOf s) {
            return java.util.Arrays.stream(s.cpus()).allMatch(IrExpr::isLocal);
        } else if (e instanceof SetComp s) {
            return isLocal(s.domain()) && isLocal(s.predicate());
        } else if (e instanceof Call c) {
            return c.fn().kind() == Builtin.Kind.PURE && java.util.Arrays.stream(c.args()).allMatch(IrExpr::isLocal);
        } else if (e instanceof PteField f) {
            return isLocal(f.pte());
        } else if (e instanceof Lowest l) {
            return isLocal(l.set());
        }
        throw new IllegalArgumentException(e.toString());
    }
}
