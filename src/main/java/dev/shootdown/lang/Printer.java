package dev.shootdown.lang;

import java.util.List;
import java.util.stream.Collectors;

/** Renders parsed expressions and statement heads back to source form, for timelines and messages. */
public final class Printer {
    private Printer() {}

    public static String expr(Expr e) {
        if (e instanceof Expr.IntLit i) {
            return Integer.toString(i.value());
        } else if (e instanceof Expr.BoolLit b) {
            return Boolean.toString(b.value());
        } else if (e instanceof Expr.Name n) {
            return n.name();
        } else if (e instanceof Expr.Index i) {
            return i.name() + "[" + expr(i.index()) + "]";
        } else if (e instanceof Expr.Field f) {
            return expr(f.target()) + "." + f.field();
        } else if (e instanceof Expr.Unary u) {
            return u.op() + operand(u.operand());
        } else if (e instanceof Expr.Binary b) {
            return operand(b.left()) + " " + b.op() + " " + operand(b.right());
        } else if (e instanceof Expr.Call c) {
            return c.name() + "(" + c.args().stream().map(Printer::expr).collect(Collectors.joining(", ")) + ")";
        } else if (e instanceof Expr.SetLit s) {
            return "{" + s.elements().stream().map(Printer::expr).collect(Collectors.joining(", ")) + "}";
        } else if (e instanceof Expr.SetComp s) {
            return "{" + s.var() + " in " + expr(s.domain()) + " : " + expr(s.predicate()) + "}";
        }
        throw new IllegalArgumentException(e.toString());
    }

    private static String operand(Expr e) {
        return e instanceof Expr.Binary ? "(" + expr(e) + ")" : expr(e);
    }

    /** A one-line label for a statement: its own text, without nested bodies. */
    public static String head(Stmt s) {
        if (s instanceof Stmt.Assign a) {
            return expr(a.target()) + " = " + expr(a.value());
        } else if (s instanceof Stmt.Do d) {
            return expr(d.call());
        } else if (s instanceof Stmt.If i) {
            return "if " + expr(i.cond());
        } else if (s instanceof Stmt.While w) {
            return "while " + expr(w.cond());
        } else if (s instanceof Stmt.Loop) {
            return "loop";
        } else if (s instanceof Stmt.For f) {
            return "for " + f.var() + " in " + expr(f.domain());
        } else if (s instanceof Stmt.Repeat r) {
            return "repeat " + expr(r.count());
        } else if (s instanceof Stmt.Wait w) {
            return "wait until " + expr(w.cond());
        } else if (s instanceof Stmt.Atomic a) {
            List<Stmt> body = a.body().body();
            return body.isEmpty() ? "atomic {}" : "atomic { " + head(body.get(0)) + (body.size() > 1 ? "; ... }" : " }");
        } else if (s instanceof Stmt.Return r) {
            return r.value() == null ? "return" : "return " + expr(r.value());
        } else if (s instanceof Stmt.Assert a) {
            return "assert " + expr(a.cond());
        } else if (s instanceof Stmt.Either e) {
            return "either (" + e.branches().size() + " branches)";
        } else if (s instanceof Stmt.Choose c) {
            return "choose " + c.var() + " in " + expr(c.domain());
        }
        return "{...}";
    }
}
