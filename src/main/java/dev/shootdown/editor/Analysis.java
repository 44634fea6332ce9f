package dev.shootdown.editor;

import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Lexer;
import dev.shootdown.lang.ModelFile;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import dev.shootdown.lang.Token;
import dev.shootdown.model.Compiler;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;

import java.util.List;

/**
 * One version of an open model, run through the real lexer, parser and compiler: the error they
 * report (the compiler stops at the first, so there is at most one), and where the names are
 * declared when the text parses.
 *
 * @param tokens      the lexer's tokens, or null when it refused the text
 * @param definitions the declarations of the parsed text, or null when it does not parse
 * @param error       the compiler's error, or null
 * @param internal    what went wrong inside Shootdown when the compiler itself failed, or null
 */
record Analysis(SourceFile source, TextPositions positions, List<Token> tokens, Definitions definitions, CompileError error, String internal) {

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
            return new Analysis(source, positions, tokens, definitions, null, null);
        } catch (CompileError e) {
            return new Analysis(source, positions, tokens, definitions, e, null);
        } catch (RuntimeException | StackOverflowError e) {
            // A bug of ours, not the model's: said once, at the top of the file, rather than killing the server.
            return new Analysis(source, positions, tokens, definitions, null, String.valueOf(e));
        }
    }

    List<Diagnostic> diagnostics() {
        if (error != null) {
            int from = error.position().offset();
            Diagnostic d = new Diagnostic(positions.range(from, extent(source.text(), from)), error.getMessage(), DiagnosticSeverity.Error, "shootdown");
            return List.of(d);
        }
        if (internal != null) {
            return List.of(new Diagnostic(positions.range(0, 0), "internal error of Shootdown (please report it with this model): " + internal,
                    DiagnosticSeverity.Error, "shootdown"));
        }
        return List.of();
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
