package dev.shootdown.lang;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for model files (grammar in docs/language.md). Statement separators are
 * optional; a knob's or a page's words, and a {@code return} value, end with their line.
 */
public final class Parser {
    /**
     * How deep a declaration's syntax tree may be: far above any real model (the catalog's deepest
     * is 11 levels) and low enough that every pass over the tree (the compiler, the printer, the
     * records' hashCode and equals, the engines' evaluation) recurses safely on a small thread stack.
     */
    public static final int MAX_NESTING = 100;

    private final SourceFile source;
    private final List<Token> tokens;
    private int next;
    private final List<Decl> pending = new ArrayList<>();
    /** Levels open at the point being parsed: statements, blocks and the sub-expressions that enclose it. */
    private int depth;
    /** The height of the expression the last expression method returned (1 for a name or a number). */
    private int height;

    /** Values from the command line ({@code -D NAME=VALUE}) for the file's params. */
    private final java.util.Map<String, Integer> defines;
    /** The params declared so far, with their values: a param is used after its declaration. */
    private final java.util.Map<String, Integer> params = new java.util.LinkedHashMap<>();

    private Parser(SourceFile source, java.util.Map<String, Integer> defines) {
        this.source = source;
        this.tokens = new Lexer(source).scan();
        this.defines = defines;
    }

    public static ModelFile parse(SourceFile source) {
        return parse(source, java.util.Map.of());
    }

    /**
     * Parses with values for the file's {@code param}s ({@code -D NAME=VALUE}); a value for a param the
     * file does not declare is an error, so a misspelt name is not silently ignored.
     */
    public static ModelFile parse(SourceFile source, java.util.Map<String, Integer> defines) {
        Parser p = new Parser(source, defines);
        List<Decl> decls = new ArrayList<>();
        while (!p.peek().is(TokenKind.EOF)) {
            decls.add(p.decl());
            decls.addAll(p.pending);
            p.pending.clear();
        }
        for (String name : defines.keySet()) {
            if (!p.params.containsKey(name)) {
                throw new UserError("-D " + name + "=" + defines.get(name) + ": " + source.name() + " declares no param " + name
                        + (p.params.isEmpty() ? " (it declares none)" : " (it declares " + String.join(", ", p.params.keySet()) + ")"));
            }
        }
        return new ModelFile(source, decls);
    }

    // ---- declarations ----

    private Decl decl() {
        Token t = peek();
        if (!t.is(TokenKind.IDENT)) {
            throw error(t, "expected a declaration (" + String.join(", ", Keywords.DECLARATIONS) + ")");
        }
        switch (t.text()) {
            case "title", "seed", "explain" -> {
                advance();
                Token value = expect(TokenKind.STRING, "a string after '" + t.text() + "'");
                return new Decl.Meta(t.position(), t.text(), value.text());
            }
            case "expect" -> {
                advance();
                Token value = expect(TokenKind.IDENT, "a verdict after 'expect' (safe, use_after_free, lost_write, ...)");
                return new Decl.Meta(t.position(), "expect", value.text());
            }
            case "hardware" -> {
                return hardware();
            }
            case "mm" -> {
                return mm();
            }
            case "frames" -> {
                advance();
                List<Token> names = new ArrayList<>();
                do {
                    names.add(expect(TokenKind.IDENT, "a frame name"));
                } while (accept(TokenKind.COMMA));
                return new Decl.Frames(t.position(), names);
            }
            case "shared", "percpu" -> {
                return vars();
            }
            case "proc", "irq" -> {
                return proc();
            }
            case "cpu" -> {
                return cpu();
            }
            case "check" -> {
                advance();
                List<Token> props = new ArrayList<>();
                do {
                    props.add(expect(TokenKind.IDENT, "a property name (no_use_after_free, no_lost_write, ...)"));
                } while (accept(TokenKind.COMMA));
                return new Decl.Check(t.position(), props);
            }
            case "invariant" -> {
                advance();
                return new Decl.Invariant(t.position(), expr());
            }
            case "param" -> {
                return param();
            }
            default -> throw error(t, "expected a declaration (" + String.join(", ", Keywords.DECLARATIONS) + "), found " + t.describe());
        }
    }

    /** {@code param N = 3} (or {@code = -3}): the value, or the command line's. */
    private Decl param() {
        advance();
        Token name = expect(TokenKind.IDENT, "a param name after 'param'");
        if (params.containsKey(name.text())) {
            throw error(name, "param '" + name.text() + "' is declared twice");
        }
        expect(TokenKind.ASSIGN, "'=' and a whole number after the param's name (param N = 3)");
        boolean negative = accept(TokenKind.MINUS);
        Token value = expect(TokenKind.INT, "a whole number for param '" + name.text() + "'");
        int v;
        try {
            v = Integer.parseInt((negative ? "-" : "") + value.text());
        } catch (NumberFormatException e) {
            throw error(value, "number too large");
        }
        Integer defined = defines.get(name.text());
        params.put(name.text(), defined != null ? defined : v);
        return new Decl.ModelParam(name.position(), name.text(), defined != null ? defined : v, defined != null);
    }

    /** A param's value as a number token at the place it is written (a knob's value, a CPU number), or {@code t} itself. */
    private Token paramValue(Token t) {
        Integer v = t.is(TokenKind.IDENT) ? params.get(t.text()) : null;
        return v == null ? t : new Token(TokenKind.INT, Integer.toString(v), t.position());
    }

    private Decl hardware() {
        Token kw = advance();
        Token profile = expect(TokenKind.IDENT, "a hardware profile name (x86, arm64, ppc, xen-pv, tile)");
        String profileName = profile.text();
        while (peek().is(TokenKind.MINUS) && peekAt(1).is(TokenKind.IDENT)) {
            advance();
            profileName += "-" + advance().text();
        }
        expect(TokenKind.LBRACE, "'{' to open the hardware knobs");
        List<Decl.Knob> knobs = new ArrayList<>();
        while (!peek().is(TokenKind.RBRACE)) {
            if (accept(TokenKind.SEMI) || accept(TokenKind.COMMA)) {
                continue;
            }
            Token name = expect(TokenKind.IDENT, "a knob name or '}'");
            Token value = null;
            Token v = peek();
            if ((v.is(TokenKind.INT) || v.is(TokenKind.IDENT)) && v.position().line() == name.position().line()) {
                value = paramValue(advance());
            }
            knobs.add(new Decl.Knob(name.position(), name.text(), value));
        }
        advance();
        return new Decl.Hardware(profile.position(), profileName, knobs);
    }

    private Decl mm() {
        Token kw = advance();
        Token name = expect(TokenKind.IDENT, "an address-space name after 'mm'");
        expect(TokenKind.LBRACE, "'{' to open the address space");
        List<Decl.Page> pages = new ArrayList<>();
        List<Decl.Table> tables = new ArrayList<>();
        pages(pages, tables, null);
        return new Decl.Mm(kw.position(), name.text(), pages, tables);
    }

    /** The body of an mm or of a table in it, up to and including its closing brace. */
    private void pages(List<Decl.Page> pages, List<Decl.Table> tables, String table) {
        while (!accept(TokenKind.RBRACE)) {
            if (accept(TokenKind.SEMI)) {
                continue;
            }
            Token page = peek();
            if (page.isWord("table")) {
                advance();
                Token tname = expect(TokenKind.IDENT, "a table name");
                expect(TokenKind.ARROW, "'->' after the table name");
                if (!peek().isWord("frame")) {
                    throw error(peek(), "expected 'frame' after '->'");
                }
                advance();
                Token tframe = expect(TokenKind.IDENT, "the page-table frame's name");
                List<Token> flags = new ArrayList<>();
                while (peek().is(TokenKind.IDENT) && peek().position().line() == tframe.position().line()) {
                    flags.add(advance());
                }
                expect(TokenKind.LBRACE, "'{' to open the table's pages");
                tables.add(new Decl.Table(page.position(), tname.text(), tframe.text(), flags, table));
                pages(pages, tables, tname.text());
                continue;
            }
            if (!page.isWord("page")) {
                throw error(page, "expected 'page NAME -> frame NAME', 'table NAME -> frame NAME {' or '}', found " + page.describe());
            }
            advance();
            Token pname = expect(TokenKind.IDENT, "a page name");
            Token at = null;
            if (peek().isWord("at")) {
                advance();
                at = expect(TokenKind.IDENT, "the page whose virtual address this page shares");
            }
            expect(TokenKind.ARROW, "'->' after the page name");
            Token fw = peek();
            if (!fw.isWord("frame")) {
                throw error(fw, "expected 'frame' after '->'");
            }
            advance();
            Token fname = expect(TokenKind.IDENT, "a frame name");
            List<Token> flags = new ArrayList<>();
            while (peek().is(TokenKind.IDENT) && peek().position().line() == fname.position().line()) {
                flags.add(advance());
            }
            pages.add(new Decl.Page(page.position(), pname.text(), fname.text(), flags, table, at));
        }
    }

    private Decl vars() {
        Token kw = advance();
        boolean perCpu = kw.text().equals("percpu");
        List<Decl> out = new ArrayList<>();
        do {
            Token name = expect(TokenKind.IDENT, "a variable name");
            String type = null;
            if (accept(TokenKind.COLON)) {
                type = expect(TokenKind.IDENT, "a type (int, bool, cpuset, pte, frame, page)").text();
            }
            Expr init = null;
            if (accept(TokenKind.ASSIGN)) {
                init = expr();
            }
            if (type == null && init == null) {
                throw error(peek(), "expected ': type' or '= initial value' for '" + name.text() + "'");
            }
            out.add(new Decl.Var(name.position(), perCpu, name.text(), type, init));
        } while (accept(TokenKind.COMMA));
        // Several variables in one declaration become consecutive declarations.
        pending.addAll(out.subList(1, out.size()));
        return out.get(0);
    }

    private Decl proc() {
        Token kw = advance();
        Token name = expect(TokenKind.IDENT, "a name after '" + kw.text() + "'");
        expect(TokenKind.LPAREN, "'(' to open the parameters");
        List<Decl.Param> params = new ArrayList<>();
        if (!peek().is(TokenKind.RPAREN)) {
            do {
                Token p = expect(TokenKind.IDENT, "a parameter name");
                String type = null;
                if (accept(TokenKind.COLON)) {
                    type = expect(TokenKind.IDENT, "a type").text();
                }
                params.add(new Decl.Param(p.position(), p.text(), type));
            } while (accept(TokenKind.COMMA));
        }
        expect(TokenKind.RPAREN, "')' to close the parameters");
        return new Decl.Proc(kw.position(), kw.text().equals("irq"), name.text(), params, block());
    }

    private Decl cpu() {
        Token kw = advance();
        List<Decl.CpuRange> cpus = new ArrayList<>();
        do {
            Token from = paramValue(peek());
            if (!from.is(TokenKind.INT)) {
                throw error(from, "expected a CPU number or a param, found " + from.describe());
            }
            advance();
            int lo = cpuNumber(from);
            int hi = lo;
            if (accept(TokenKind.DOTDOT)) {
                Token to = paramValue(peek());
                hi = to.is(TokenKind.INT) ? cpuNumber(to) : -1;
                if (hi >= 0) {
                    advance();
                }
                if (hi >= 0 && hi < lo) {
                    throw error(from, "empty CPU range " + lo + ".." + hi);
                }
            }
            cpus.add(new Decl.CpuRange(from.position(), lo, hi));
        } while (accept(TokenKind.COMMA));
        Token runs = peek();
        if (!runs.isWord("runs")) {
            throw error(runs, "expected 'runs' after the CPU numbers");
        }
        advance();
        Token mm = expect(TokenKind.IDENT, "an address-space name after 'runs'");
        expect(TokenKind.COLON, "':' before the CPU's program");
        return new Decl.Cpu(kw.position(), cpus, mm.text(), mm.position(), stmt());
    }

    private int cpuNumber(Token t) {
        try {
            return Integer.parseInt(t.text());
        } catch (NumberFormatException e) {
            throw error(t, "CPU number too large");
        }
    }

    // ---- statements ----

    /** Declaration words that, followed by a name, end a block left open ({@code cpu} is followed by a number instead). */
    private static final java.util.Set<String> DECLARATION_WORDS = Keywords.DECLARATIONS.stream()
            .filter(w -> !w.equals("cpu")).collect(java.util.stream.Collectors.toUnmodifiableSet());

    private Stmt.Block block() {
        Token open = expect(TokenKind.LBRACE, "'{'");
        enter(open);
        List<Stmt> body = new ArrayList<>();
        while (!peek().is(TokenKind.RBRACE)) {
            if (peek().is(TokenKind.EOF)) {
                throw error(peek(), "expected '}' to close the block opened at " + open.position());
            }
            Token t = peek();
            boolean declaration = t.is(TokenKind.IDENT) && (DECLARATION_WORDS.contains(t.text()) && peekAt(1).is(TokenKind.IDENT)
                    || t.text().equals("cpu") && peekAt(1).is(TokenKind.INT));
            if (declaration) {
                throw error(t, "expected '}' to close the block opened at " + open.position() + " before this declaration");
            }
            if (accept(TokenKind.SEMI)) {
                continue;
            }
            body.add(stmt());
        }
        advance();
        depth--;
        return new Stmt.Block(open.position(), body);
    }

    private Stmt stmt() {
        if (peek().is(TokenKind.LBRACE)) {
            return block(); // a block is one level, not a statement level and a block level
        }
        enter(peek());
        Stmt s = statement();
        depth--;
        return s;
    }

    private Stmt statement() {
        Token t = peek();
        if (t.is(TokenKind.LBRACE)) {
            return block();
        }
        if (!t.is(TokenKind.IDENT)) {
            throw error(t, "expected a statement, found " + t.describe());
        }
        // 'either' and 'choose' are statements only where they read as one, so older models that name a
        // variable either or choose still parse.
        String word = t.text().equals("either") && !peekAt(1).is(TokenKind.LBRACE)
                || t.text().equals("choose") && !(peekAt(1).is(TokenKind.IDENT) && peekAt(2).isWord("in")) ? "" : t.text();
        switch (word) {
            case "if" -> {
                advance();
                Expr cond = expr();
                Stmt then = block();
                Stmt otherwise = null;
                if (peek().isWord("else")) {
                    advance();
                    otherwise = peek().isWord("if") ? stmt() : block();
                }
                return new Stmt.If(t.position(), cond, then, otherwise);
            }
            case "while" -> {
                advance();
                Expr cond = expr();
                return new Stmt.While(t.position(), cond, block());
            }
            case "loop" -> {
                advance();
                return new Stmt.Loop(t.position(), block());
            }
            case "for" -> {
                advance();
                Token var = expect(TokenKind.IDENT, "a loop variable after 'for'");
                Token in = peek();
                if (!in.isWord("in")) {
                    throw error(in, "expected 'in' after the loop variable");
                }
                advance();
                Expr domain = expr();
                return new Stmt.For(t.position(), var.text(), domain, block());
            }
            case "repeat" -> {
                advance();
                Expr count = expr();
                return new Stmt.Repeat(t.position(), count, block());
            }
            case "wait" -> {
                advance();
                if (peek().isWord("until")) {
                    advance();
                }
                return new Stmt.Wait(t.position(), expr());
            }
            case "atomic" -> {
                advance();
                return new Stmt.Atomic(t.position(), block());
            }
            case "return" -> {
                advance();
                Token v = peek();
                Expr value = null;
                if (v.position().line() == t.position().line() && !v.is(TokenKind.RBRACE) && !v.is(TokenKind.SEMI) && !v.is(TokenKind.EOF)) {
                    value = expr();
                }
                return new Stmt.Return(t.position(), value);
            }
            case "either" -> {
                advance();
                List<Stmt.Block> branches = new ArrayList<>();
                branches.add(block());
                while (peek().isWord("or")) {
                    advance();
                    branches.add(block());
                }
                if (branches.size() < 2) {
                    throw error(peek(), "expected 'or { ... }' after 'either { ... }': a choice needs two branches or more");
                }
                return new Stmt.Either(t.position(), branches);
            }
            case "choose" -> {
                advance();
                Token var = expect(TokenKind.IDENT, "a variable after 'choose'");
                Token in = peek();
                if (!in.isWord("in")) {
                    throw error(in, "expected 'in' after the chosen variable");
                }
                advance();
                return new Stmt.Choose(t.position(), var.text(), expr());
            }
            case "assert" -> {
                advance();
                Expr cond = expr();
                String msg = null;
                if (accept(TokenKind.COMMA)) {
                    msg = expect(TokenKind.STRING, "a message string after ','").text();
                }
                return new Stmt.Assert(t.position(), cond, msg);
            }
            default -> {
                enter(t); // the target or call is a level below its statement, as an expression is
                Expr target = postfix();
                depth--;
                if (accept(TokenKind.ASSIGN)) {
                    if (!(target instanceof Expr.Name) && !(target instanceof Expr.Index)) {
                        throw new CompileError(target.pos(), "expected a variable on the left of '='");
                    }
                    return new Stmt.Assign(t.position(), target, expr());
                }
                if (target instanceof Expr.Call call) {
                    return new Stmt.Do(t.position(), call);
                }
                throw error(peek(), "expected '=' or '(' after '" + t.text() + "', found " + peek().describe());
            }
        }
    }

    // ---- expressions ----

    /*
     * Nesting. Recursion in this parser follows the text (a statement in a block, a parenthesis, an
     * argument), so enter() bounds it as it descends. A chain of left-associative operators is
     * parsed by a loop but makes a tree as deep as the chain is long (a + b + c is (a + b) + c), so
     * each operator's node checks the height it reaches: together they bound the depth of the whole
     * tree, which is what later passes recurse on. A parenthesis counts a level too.
     */

    /** A sub-expression: in a statement, a parenthesis, an argument, an index or a set. */
    private Expr expr() {
        Token start = peek();
        enter(start);
        Expr e = operators(1);
        depth--;
        reach(start, 1);
        return e;
    }

    /** {@code left op right} with the height of each side: the new node is one higher than the higher side. */
    private Expr binary(Token op, String text, Expr left, int leftHeight, Expr right) {
        height = 1 + Math.max(leftHeight, height);
        reach(op, 0);
        return new Expr.Binary(op.position(), text, left, right);
    }

    /** How tightly a binary operator binds, from 1 ({@code ||}) to 5 ({@code * / % &}); 0 for a token that is none. */
    private static int precedence(Token t) {
        return switch (t.kind()) {
            case OR -> 1;
            case AND -> 2;
            case EQ, NE, LT, LE, GT, GE -> 3;
            case PLUS, MINUS, PIPE -> 4;
            case STAR, SLASH, PERCENT, AMP -> 5;
            default -> t.isWord("in") ? 3 : 0;
        };
    }

    /**
     * The operators that bind at least as tightly as {@code lowest}, each left-associative
     * (precedence climbing): one method for the five levels of the grammar, so that a
     * parenthesis costs a few stack frames rather than one per level.
     */
    private Expr operators(int lowest) {
        Expr left = unary();
        while (true) {
            Token op = peek();
            int p = precedence(op);
            if (p == 0 || p < lowest) {
                return left;
            }
            advance();
            int h = height;
            left = binary(op, op.text(), left, h, operators(p + 1));
        }
    }

    private Expr unary() {
        Token t = peek();
        if (t.is(TokenKind.NOT) || t.is(TokenKind.MINUS)) {
            advance();
            enter(t);
            Expr operand = unary();
            depth--;
            height++;
            return new Expr.Unary(t.position(), t.text(), operand);
        }
        return postfix();
    }

    private Expr postfix() {
        Expr e = primary();
        while (peek().is(TokenKind.DOT)) {
            Token dot = advance();
            Token field = expect(TokenKind.IDENT, "a field name after '.' (pfn, present, writable, dirty, accessed)");
            height++;
            reach(dot, 0);
            e = new Expr.Field(field.position(), e, field.text());
        }
        return e;
    }

    private Expr primary() {
        Token t = peek();
        switch (t.kind()) {
            case INT -> {
                advance();
                height = 1;
                try {
                    return new Expr.IntLit(t.position(), Integer.parseInt(t.text()));
                } catch (NumberFormatException e) {
                    throw error(t, "number too large (at most " + Integer.MAX_VALUE + ")");
                }
            }
            case LPAREN -> {
                advance();
                Expr e = expr();
                expect(TokenKind.RPAREN, "')'");
                height++;
                return e;
            }
            case LBRACE -> {
                return set();
            }
            case IDENT -> {
                advance();
                if (t.text().equals("true") || t.text().equals("false")) {
                    height = 1;
                    return new Expr.BoolLit(t.position(), t.text().equals("true"));
                }
                if (accept(TokenKind.LPAREN)) {
                    List<Expr> args = new ArrayList<>();
                    int h = 0;
                    if (!peek().is(TokenKind.RPAREN)) {
                        do {
                            args.add(expr());
                            h = Math.max(h, height);
                        } while (accept(TokenKind.COMMA));
                    }
                    expect(TokenKind.RPAREN, "')' to close the arguments of '" + t.text() + "'");
                    height = h + 1;
                    return new Expr.Call(t.position(), t.text(), args);
                }
                if (accept(TokenKind.LBRACKET)) {
                    Expr index = expr();
                    expect(TokenKind.RBRACKET, "']'");
                    height++;
                    return new Expr.Index(t.position(), t.text(), index);
                }
                height = 1;
                Integer param = params.get(t.text());
                return param != null ? new Expr.IntLit(t.position(), param) : new Expr.Name(t.position(), t.text());
            }
            default -> throw error(t, "expected an expression, found " + t.describe());
        }
    }

    private Expr set() {
        Token open = advance();
        if (accept(TokenKind.RBRACE)) {
            height = 1;
            return new Expr.SetLit(open.position(), List.of());
        }
        if (peek().is(TokenKind.IDENT) && peekAt(1).isWord("in")) {
            Token var = advance();
            advance();
            Expr domain = expr();
            int h = height;
            expect(TokenKind.COLON, "':' before the condition of the set comprehension");
            Expr pred = expr();
            expect(TokenKind.RBRACE, "'}' to close the set");
            height = 1 + Math.max(h, height);
            return new Expr.SetComp(open.position(), var.text(), domain, pred);
        }
        List<Expr> elems = new ArrayList<>();
        int h = 0;
        do {
            elems.add(expr());
            h = Math.max(h, height);
        } while (accept(TokenKind.COMMA));
        expect(TokenKind.RBRACE, "'}' to close the set");
        height = h + 1;
        return new Expr.SetLit(open.position(), elems);
    }

    /** One level more at {@code at}: an error past {@link #MAX_NESTING}, before the recursion goes deeper. */
    private void enter(Token at) {
        if (++depth > MAX_NESTING) {
            throw tooDeep(at);
        }
    }

    /** The expression just built, {@link #height} high, starts {@code below} levels under the current depth: an error if its leaves pass the limit. */
    private void reach(Token at, int below) {
        if (depth + below + height - 1 > MAX_NESTING) {
            throw tooDeep(at);
        }
    }

    private CompileError tooDeep(Token at) {
        return error(at, "nested too deeply: at most " + MAX_NESTING + " levels of blocks, statements and expressions"
                + " (each operator of a chain such as a + b + c, each parenthesis and each 'else if' adds one)");
    }

    // ---- tokens ----

    private Token peek() {
        return tokens.get(next);
    }

    private Token peekAt(int ahead) {
        return tokens.get(Math.min(next + ahead, tokens.size() - 1));
    }

    private Token advance() {
        Token t = tokens.get(next);
        if (!t.is(TokenKind.EOF)) {
            next++;
        }
        return t;
    }

    private boolean accept(TokenKind kind) {
        if (peek().is(kind)) {
            advance();
            return true;
        }
        return false;
    }

    private Token expect(TokenKind kind, String what) {
        Token t = peek();
        if (!t.is(kind)) {
            throw error(t, "expected " + what + ", found " + t.describe());
        }
        return advance();
    }

    private CompileError error(Token t, String message) {
        return new CompileError(t.position(), message);
    }
}
