package dev.shootdown.editor;

import dev.shootdown.lang.Decl;
import dev.shootdown.lang.Expr;
import dev.shootdown.lang.ModelFile;
import dev.shootdown.lang.Stmt;
import dev.shootdown.lang.Token;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each name of a parsed model is declared: the global names (address spaces, pages, tables,
 * frames, variables, procedures, handlers) and, in each procedure, handler and CPU program, its
 * parameters and locals (a local is declared by its first assignment, a {@code for} or a set
 * comprehension). The syntax tree keeps a declaration's position but not always its name's, so
 * names are found in the token list.
 */
final class Definitions {
    /** A declared name: its kind (for completion and hover), where the name is written, and the line that declares it. */
    record Binding(String name, String kind, int offset, String line) {}

    /** A body with locals, from its declaration to the next one. */
    private record Body(int from, int to, Map<String, Binding> locals) {}

    private final Map<String, Binding> globals = new LinkedHashMap<>();
    private final List<Body> bodies = new ArrayList<>();
    private final ModelFile file;
    private final List<Token> tokens;

    private Definitions(ModelFile file, List<Token> tokens) {
        this.file = file;
        this.tokens = tokens;
    }

    static Definitions of(ModelFile file, List<Token> tokens) {
        Definitions d = new Definitions(file, tokens);
        d.collect();
        return d;
    }

    /** The declaration of {@code name} as seen from {@code offset}: a local of the body there, else a global; null if none. */
    Binding lookup(String name, int offset) {
        for (Body b : bodies) {
            if (offset >= b.from() && offset < b.to() && b.locals().containsKey(name)) {
                return b.locals().get(name);
            }
        }
        return globals.get(name);
    }

    /** The global names, in the order they are declared. */
    Collection<Binding> globals() {
        return globals.values();
    }

    /** The parameters and locals of the body around {@code offset}. */
    Collection<Binding> locals(int offset) {
        for (Body b : bodies) {
            if (offset >= b.from() && offset < b.to()) {
                return b.locals().values();
            }
        }
        return List.of();
    }

    private void collect() {
        List<Decl> decls = file.decls();
        for (int i = 0; i < decls.size(); i++) {
            int from = decls.get(i).pos().offset();
            int to = i + 1 < decls.size() ? decls.get(i + 1).pos().offset() : Integer.MAX_VALUE;
            Decl d = decls.get(i);
            if (d instanceof Decl.Mm m) {
                global(m.name(), "address space", after(from, 1));
                for (Decl.Table t : m.tables()) {
                    global(t.name(), "table", after(t.pos().offset(), 1));
                    global(t.frame(), "frame", after(t.pos().offset(), 4));
                }
                for (Decl.Page p : m.pages()) {
                    global(p.name(), "page", after(p.pos().offset(), 1));
                    global(p.frame(), "frame", after(p.pos().offset(), 4));
                }
            } else if (d instanceof Decl.Frames f) {
                f.names().forEach(t -> global(t.text(), "frame", t.position().offset()));
            } else if (d instanceof Decl.Var v) {
                global(v.name(), v.perCpu() ? "per-CPU variable" : "shared variable", v.pos().offset());
            } else if (d instanceof Decl.Proc p) {
                global(p.name(), p.irq() ? "IRQ handler" : "procedure", after(from, 1));
                Map<String, Binding> locals = new LinkedHashMap<>();
                for (Decl.Param param : p.params()) {
                    local(locals, param.name(), "parameter", param.pos().offset());
                }
                bodies.add(new Body(from, to, locals));
            } else if (d instanceof Decl.Cpu) {
                bodies.add(new Body(from, to, new LinkedHashMap<>()));
            }
        }
        // Locals after every global: an assignment to a global name declared further down is not a local.
        int b = 0;
        for (Decl d : decls) {
            if (d instanceof Decl.Proc p) {
                stmt(p.body(), bodies.get(b++).locals());
            } else if (d instanceof Decl.Cpu c) {
                stmt(c.body(), bodies.get(b++).locals());
            }
        }
    }

    private void stmt(Stmt s, Map<String, Binding> locals) {
        if (s instanceof Stmt.Block b) {
            b.body().forEach(x -> stmt(x, locals));
        } else if (s instanceof Stmt.Assign a) {
            expr(a.value(), locals);
            if (a.target() instanceof Expr.Name n && !globals.containsKey(n.name())) {
                local(locals, n.name(), "local", n.pos().offset());
            } else {
                expr(a.target(), locals);
            }
        } else if (s instanceof Stmt.Do d) {
            expr(d.call(), locals);
        } else if (s instanceof Stmt.If i) {
            expr(i.cond(), locals);
            stmt(i.then(), locals);
            if (i.otherwise() != null) {
                stmt(i.otherwise(), locals);
            }
        } else if (s instanceof Stmt.While w) {
            expr(w.cond(), locals);
            stmt(w.body(), locals);
        } else if (s instanceof Stmt.Loop l) {
            stmt(l.body(), locals);
        } else if (s instanceof Stmt.For f) {
            expr(f.domain(), locals);
            local(locals, f.var(), "loop variable", after(f.pos().offset(), 1));
            stmt(f.body(), locals);
        } else if (s instanceof Stmt.Repeat r) {
            expr(r.count(), locals);
            stmt(r.body(), locals);
        } else if (s instanceof Stmt.Wait w) {
            expr(w.cond(), locals);
        } else if (s instanceof Stmt.Atomic a) {
            stmt(a.body(), locals);
        } else if (s instanceof Stmt.Return r && r.value() != null) {
            expr(r.value(), locals);
        } else if (s instanceof Stmt.Assert a) {
            expr(a.cond(), locals);
        }
    }

    private void expr(Expr e, Map<String, Binding> locals) {
        if (e instanceof Expr.SetComp c) {
            local(locals, c.var(), "set variable", after(c.pos().offset(), 1));
            expr(c.domain(), locals);
            expr(c.predicate(), locals);
        } else if (e instanceof Expr.Call c) {
            c.args().forEach(a -> expr(a, locals));
        } else if (e instanceof Expr.Binary b) {
            expr(b.left(), locals);
            expr(b.right(), locals);
        } else if (e instanceof Expr.Unary u) {
            expr(u.operand(), locals);
        } else if (e instanceof Expr.Field f) {
            expr(f.target(), locals);
        } else if (e instanceof Expr.Index i) {
            expr(i.index(), locals);
        } else if (e instanceof Expr.SetLit l) {
            l.elements().forEach(x -> expr(x, locals));
        }
    }

    private void global(String name, String kind, int offset) {
        globals.putIfAbsent(name, new Binding(name, kind, offset, lineAt(offset)));
    }

    private void local(Map<String, Binding> locals, String name, String kind, int offset) {
        locals.putIfAbsent(name, new Binding(name, kind, offset, lineAt(offset)));
    }

    /** The offset of the token {@code n} tokens after the one at {@code offset} (a declaration's name after its keyword). */
    private int after(int offset, int n) {
        int lo = 0;
        int hi = tokens.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (tokens.get(mid).position().offset() < offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return tokens.get(Math.min(lo + n, tokens.size() - 1)).position().offset();
    }

    private String lineAt(int offset) {
        return file.source().lineText(file.source().position(offset).line()).strip();
    }
}
