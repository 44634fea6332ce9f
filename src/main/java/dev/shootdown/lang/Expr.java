package dev.shootdown.lang;

import java.util.List;

/** Expressions of the language, as parsed (names unresolved). */
public sealed interface Expr {
    Position pos();

    record IntLit(Position pos, int value) implements Expr {}

    record BoolLit(Position pos, boolean value) implements Expr {}

    /** A variable, page, frame, mm, handler or built-in constant such as {@code self} or {@code all_cpus}. */
    record Name(Position pos, String name) implements Expr {}

    /** {@code var[cpu]}: another CPU's copy of a per-CPU variable. */
    record Index(Position pos, String name, Expr index) implements Expr {}

    /** {@code pte.pfn}, {@code pte.dirty}, ... */
    record Field(Position pos, Expr target, String field) implements Expr {}

    record Unary(Position pos, String op, Expr operand) implements Expr {}

    record Binary(Position pos, String op, Expr left, Expr right) implements Expr {}

    /** A call of a built-in function or, as a statement, a procedure or built-in operation. */
    record Call(Position pos, String name, List<Expr> args) implements Expr {}

    /** {@code {a, b}} or {@code {}}: a CPU set. */
    record SetLit(Position pos, List<Expr> elements) implements Expr {}

    /** {@code { c in S : pred }}. */
    record SetComp(Position pos, String var, Expr domain, Expr predicate) implements Expr {}
}
