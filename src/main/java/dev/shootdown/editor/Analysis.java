package dev.shootdown.editor;

import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Keywords;
import dev.shootdown.lang.Lexer;
import dev.shootdown.lang.ModelFile;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import dev.shootdown.lang.Token;
import dev.shootdown.lang.TokenKind;
import dev.shootdown.model.Compiler;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;

import java.util.ArrayList;
import java.util.List;

/**
 * One version of an open model, run through the real lexer, parser and compiler: the errors they
 * report, and where the names are declared when the text parses.
 *
 * <p>The parser stops at its first error; to report more, the declaration that holds it (from its
 * keyword at the top level to the next one) is blanked out, keeping every offset and line, and the
 * rest parsed again, until it parses or nothing more can be blanked: each declaration's first syntax
 * error. The compiler is not run on a blanked text (the names the blanked declarations declared would
 * come back as errors of their own), and it too stops at its first error: its checks build on one
 * another (types on resolved names, layouts on types), so a second one would often be a consequence
 * of the first. A text that parses therefore has at most one error, the compiler's; a lexer error is
 * one too (without tokens there are no declarations to resynchronise on).
 *
 * @param tokens      the lexer's tokens, or null when it refused the text
 * @param definitions the declarations of the parsed text, or null when it does not parse
 * @param error       the first error, or null
 * @param more        the first syntax errors of the later declarations, in order (empty unless the parser failed)
 * @param internal    what went wrong inside Shootdown when the compiler itself failed, or null
 */
record Analysis(SourceFile source, TextPositions positions, List<Token> tokens, Definitions definitions, CompileError error, List<CompileError> more,
                String internal) {
    /** At most this many errors are reported per text (an editor shows the first ones; each parse is a pass over the text). */
    static final int MAX_ERRORS = 50;

    static Analysis of(String name, String raw) {
        SourceFile source = new SourceFile(name, raw);
        TextPositions positions = new TextPositions(source.text(), raw);
        List<Token> tokens = null;
        Definitions definitions = null;
        try {
            tokens = new Lexer(source).scan();
            ModelFile parsed = Parser.parse(source);
            definitions = Definitions.of(parsed, tokens);
            Compiler.compile(parsed);
            return new Analysis(source, positions, tokens, definitions, null, List.of(), null);
        } catch (CompileError e) {
            List<CompileError> more = tokens != null && definitions == null ? laterSyntaxErrors(source, tokens, e) : List.of();
            return new Analysis(source, positions, tokens, definitions, e, more, null);
        } catch (RuntimeException | StackOverflowError e) {
            // A bug of ours, not the model's: said once, at the top of the file, rather than killing the server.
            return new Analysis(source, positions, tokens, definitions, null, List.of(), String.valueOf(e));
        }
    }

    /** The first syntax error of each declaration after the one holding {@code first}, found by blanking each failing declaration in turn. */
    private static List<CompileError> laterSyntaxErrors(SourceFile source, List<Token> tokens, CompileError first) {
        List<Integer> starts = new ArrayList<>();
        int depth = 0;
        for (Token t : tokens) {
            if (t.is(TokenKind.LBRACE)) {
                depth++;
            } else if (t.is(TokenKind.RBRACE)) {
                depth = Math.max(0, depth - 1);
            } else if (depth == 0 && t.is(TokenKind.IDENT) && Keywords.DECLARATIONS.contains(t.text())) {
                starts.add(t.position().offset());
            }
        }
        List<CompileError> more = new ArrayList<>();
        char[] text = source.text().toCharArray();
        CompileError error = first;
        int blankedTo = -1;
        while (more.size() < MAX_ERRORS - 1) {
            int at = error.position().offset();
            int from = 0;
            int to = text.length;
            for (int s : starts) {
                if (s <= at) {
                    from = s;
                } else {
                    to = s;
                    break;
                }
            }
            if (to <= blankedTo || to >= text.length) {
                break; // no later declaration to go on with
            }
            for (int i = Math.max(from, blankedTo); i < to; i++) {
                if (text[i] != '\n') {
                    text[i] = ' ';
                }
            }
            blankedTo = to;
            try {
                Parser.parse(new SourceFile(source.name(), new String(text)));
                break;
            } catch (CompileError e) {
                if (e.position().offset() < to) {
                    break; // an error the blanking itself made (an unclosed block before it): not the model's
                }
                more.add(e);
                error = e;
            }
        }
        return more;
    }

    List<Diagnostic> diagnostics() {
        if (error != null) {
            List<Diagnostic> out = new ArrayList<>();
            for (CompileError e : concat(error, more)) {
                int from = e.position().offset();
                out.add(new Diagnostic(positions.range(from, extent(source.text(), from)), e.getMessage(), DiagnosticSeverity.Error, "shootdown"));
            }
            return out;
        }
        if (internal != null) {
            return List.of(new Diagnostic(positions.range(0, 0), "internal error of Shootdown (please report it with this model): " + internal,
                    DiagnosticSeverity.Error, "shootdown"));
        }
        return List.of();
    }

    private static List<CompileError> concat(CompileError first, List<CompileError> rest) {
        List<CompileError> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    /**
     * Where the thing an error points at ends: a name or a number (with the letters that run into it),
     * a string to its closing quote or its line's end, else one character; nothing at the end of a
     * line or of the file.
     */
    static int extent(String text, int from) {
        if (from >= text.length() || text.charAt(from) == '\n') {
            return from;
        }
        int cp = text.codePointAt(from);
        int i = from;
        if (Character.isLetterOrDigit(cp) || cp == '_') {
            while (i < text.length() && (Character.isLetterOrDigit(text.codePointAt(i)) || text.charAt(i) == '_')) {
                i += Character.charCount(text.codePointAt(i));
            }
            return i;
        }
        if (cp == '"') {
            int close = text.indexOf('"', from + 1);
            int eol = text.indexOf('\n', from);
            int end = eol < 0 ? text.length() : eol;
            return close >= 0 && close < end ? close + 1 : end;
        }
        return from + Character.charCount(cp);
    }
}
