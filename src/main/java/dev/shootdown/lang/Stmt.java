package dev.shootdown.lang;

import java.util.List;

/** Statements of the language, as parsed. */
public sealed interface Stmt {
    Position pos();

    record Block(Position pos, List<Stmt> body) implements Stmt {}

    /** {@code x = e} or {@code x[c] = e}; the target is a {@link Expr.Name} or {@link Expr.Index}. */
    record Assign(Position pos, Expr target, Expr value) implements Stmt {}

    /** A call used as a statement: a procedure or a built-in operation. */
    record Do(Position pos, Expr.Call call) implements Stmt {}

    record If(Position pos, Expr cond, Stmt then, Stmt otherwise) implements Stmt {}

    record While(Position pos, Expr cond, Block body) implements Stmt {}

    /** {@code loop { ... }}: forever. At the top of a CPU's program it is background work (a user loop). */
    record Loop(Position pos, Block body) implements Stmt {}

    record For(Position pos, String var, Expr domain, Block body) implements Stmt {}

    record Repeat(Position pos, Expr count, Block body) implements Stmt {}

    /** {@code wait until cond}: blocks (without spinning through states) until cond holds. */
    record Wait(Position pos, Expr cond) implements Stmt {}

    /** {@code atomic { ... }}: one indivisible step; may start with a {@code wait until} guard. */
    record Atomic(Position pos, Block body) implements Stmt {}

    record Return(Position pos, Expr value) implements Stmt {}

    record Assert(Position pos, Expr cond, String message) implements Stmt {}

    /** {@code either { ... } or { ... }}: the CPU runs one of the branches, each explored by the checker (Promela's {@code if}). */
    record Either(Position pos, List<Block> branches) implements Stmt {}

    /** {@code choose x in S}: {@code x} becomes one element of {@code S}, each explored by the checker. */
    record Choose(Position pos, String var, Expr domain) implements Stmt {}
}
