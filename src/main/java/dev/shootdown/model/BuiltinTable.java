package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * The semantics of every built-in, indexed by {@link Builtin} ordinal and filled once per machine:
 * each room registers the operations, functions and guards it models, next to their rules, and
 * {@link Interpreter} and {@link Expressions} dispatch through these arrays without a switch.
 *
 * <p>The semantics are abstract classes, not functional interfaces: a call through the table is
 * megamorphic, and a virtual call through a vtable costs the simulator's step path less than an
 * interface call through an itable plus a lambda's extra frame (about 3% of the simulator's time
 * in a profile of {@code shootdown bench}). The few operations a simulated CPU runs most are
 * called directly by {@link Interpreter}, through the same methods of their rooms.
 */
final class BuiltinTable {

    /** A built-in operation run by CPU {@code c} (its words at {@code b}, its frame at {@code fr}); returns its result. */
    abstract static class Operation {
        abstract int run(int[] s, int c, int b, int fr, Insn.Op o, int victim);
    }

    /** A built-in function of an expression, evaluated for CPU {@code c} (-1 in an invariant). */
    abstract static class Function {
        abstract int call(IrExpr[] args, int[] s, int c, int fr);
    }

    /** When an operation can run: an operation without a guard always can (under sequential consistency). */
    abstract static class Guard {
        abstract boolean allows(int[] s, int c, int b, int fr, Insn.Op o);
    }

    final Operation[] operations = new Operation[Builtin.values().length];
    final Function[] functions = new Function[Builtin.values().length];
    final Guard[] guards = new Guard[Builtin.values().length];

    void op(Builtin b, Operation semantics) {
        if (b.kind() != Builtin.Kind.OP || operations[b.ordinal()] != null) {
            throw new IllegalStateException("operation " + b + " registered twice or not an operation");
        }
        operations[b.ordinal()] = semantics;
    }

    void function(Builtin b, Function semantics) {
        if (b.kind() == Builtin.Kind.OP || functions[b.ordinal()] != null) {
            throw new IllegalStateException("function " + b + " registered twice or not a function");
        }
        functions[b.ordinal()] = semantics;
    }

    void guard(Builtin b, Guard guard) {
        if (operations[b.ordinal()] == null || guards[b.ordinal()] != null) {
            throw new IllegalStateException("guard of " + b + " registered twice or before its operation");
        }
        guards[b.ordinal()] = guard;
    }

    /** Throws unless every built-in has its semantics. */
    void requireComplete() {
        for (Builtin b : Builtin.values()) {
            if (operations[b.ordinal()] == null && functions[b.ordinal()] == null) {
                throw new IllegalStateException("no room implements " + b);
            }
        }
    }
}
