package dev.shootdown.lang;

import java.util.ArrayList;
import java.util.List;

/**
 * Hand-written scanner: identifiers, integers, strings ("..." and """..."""), operators, comments.
 * It reads code points, so a letter outside the BMP is one letter, and it sees line endings only as
 * {@code \n} ({@link SourceFile} makes them so).
 */
public final class Lexer {
    /** Far above any real model (the catalog's largest has about 1,500): bounds the memory a file can make the parser use. */
    public static final int MAX_TOKENS = 1_000_000;

    private final SourceFile source;
    private final String text;
    private int pos;
    private final List<Token> tokens = new ArrayList<>();

    public Lexer(SourceFile source) {
        this.source = source;
        this.text = source.text();
    }

    public List<Token> scan() {
        while (true) {
            skipSpaceAndComments();
            if (pos >= text.length()) {
                tokens.add(new Token(TokenKind.EOF, "", source.position(pos)));
                return tokens;
            }
            if (tokens.size() >= MAX_TOKENS) {
                throw new CompileError(source.position(pos), "too many tokens: a model has at most " + MAX_TOKENS + " words, numbers and symbols");
            }
            int start = pos;
            int c = text.codePointAt(pos);
            if (Character.isLetter(c) || c == '_') {
                while (pos < text.length() && (Character.isLetterOrDigit(text.codePointAt(pos)) || text.charAt(pos) == '_')) {
                    pos += Character.charCount(text.codePointAt(pos));
                }
                add(TokenKind.IDENT, start);
            } else if (isAsciiDigit(c)) {
                while (pos < text.length() && isAsciiDigit(text.charAt(pos))) {
                    pos++;
                }
                if (pos < text.length() && (Character.isLetter(text.codePointAt(pos)) || text.charAt(pos) == '_')) {
                    throw new CompileError(source.position(pos), "unexpected letter in a number");
                }
                add(TokenKind.INT, start);
            } else if (c == '"') {
                string(start);
            } else {
                operator(start, c);
            }
        }
    }

    private static boolean isAsciiDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /**
     * How a character reads in a message: {@code '@'} for printable ASCII; {@code '€' (U+20AC)}
     * for other printable characters, so that a look-alike is told apart; {@code U+0000} alone for a
     * control, format or unassigned character, which is never printed raw.
     */
    public static String describe(int cp) {
        String code = String.format("U+%04X", cp);
        if (cp >= 0x20 && cp < 0x7F) {
            return "'" + (char) cp + "'";
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.UNASSIGNED, Character.PRIVATE_USE,
                 Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> {
                return code;
            }
            default -> {
                return "'" + Character.toString(cp) + "' (" + code + ")";
            }
        }
    }

    private void string(int start) {
        boolean triple = text.startsWith("\"\"\"", pos);
        pos += triple ? 3 : 1;
        StringBuilder value = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw new CompileError(source.position(start), "unterminated string: expected a closing " + (triple ? "\"\"\"" : "\""));
            }
            if (triple ? text.startsWith("\"\"\"", pos) : text.charAt(pos) == '"') {
                pos += triple ? 3 : 1;
                break;
            }
            int ch = text.codePointAt(pos);
            if (!triple && ch == '\n') {
                throw new CompileError(source.position(start), "unterminated string: a \"...\" string ends on its line (use \"\"\"...\"\"\" for several lines)");
            }
            // A string is printed in reports and timelines: no character there may drive the terminal.
            if (ch != '\n' && ch != '\t' && (Character.isISOControl(ch) || Character.getType(ch) == Character.SURROGATE)) {
                throw new CompileError(source.position(pos), "control character " + describe(ch) + " in a string");
            }
            value.appendCodePoint(ch);
            pos += Character.charCount(ch);
        }
        String s = triple ? value.toString().strip() : value.toString();
        tokens.add(new Token(TokenKind.STRING, s, source.position(start)));
    }

    private void operator(int start, int c) {
        char next = pos + 1 < text.length() ? text.charAt(pos + 1) : '\0';
        TokenKind kind;
        int len = 1;
        switch (c) {
            case '{' -> kind = TokenKind.LBRACE;
            case '}' -> kind = TokenKind.RBRACE;
            case '(' -> kind = TokenKind.LPAREN;
            case ')' -> kind = TokenKind.RPAREN;
            case '[' -> kind = TokenKind.LBRACKET;
            case ']' -> kind = TokenKind.RBRACKET;
            case ',' -> kind = TokenKind.COMMA;
            case ';' -> kind = TokenKind.SEMI;
            case ':' -> kind = TokenKind.COLON;
            case '+' -> kind = TokenKind.PLUS;
            case '*' -> kind = TokenKind.STAR;
            case '/' -> kind = TokenKind.SLASH;
            case '%' -> kind = TokenKind.PERCENT;
            case '.' -> {
                kind = next == '.' ? TokenKind.DOTDOT : TokenKind.DOT;
                len = next == '.' ? 2 : 1;
            }
            case '-' -> {
                kind = next == '>' ? TokenKind.ARROW : TokenKind.MINUS;
                len = next == '>' ? 2 : 1;
            }
            case '=' -> {
                kind = next == '=' ? TokenKind.EQ : TokenKind.ASSIGN;
                len = next == '=' ? 2 : 1;
            }
            case '!' -> {
                kind = next == '=' ? TokenKind.NE : TokenKind.NOT;
                len = next == '=' ? 2 : 1;
            }
            case '<' -> {
                kind = next == '=' ? TokenKind.LE : TokenKind.LT;
                len = next == '=' ? 2 : 1;
            }
            case '>' -> {
                kind = next == '=' ? TokenKind.GE : TokenKind.GT;
                len = next == '=' ? 2 : 1;
            }
            case '&' -> {
                kind = next == '&' ? TokenKind.AND : TokenKind.AMP;
                len = next == '&' ? 2 : 1;
            }
            case '|' -> {
                kind = next == '|' ? TokenKind.OR : TokenKind.PIPE;
                len = next == '|' ? 2 : 1;
            }
            default -> throw new CompileError(source.position(start), "unexpected character " + describe(c));
        }
        pos += len;
        add(kind, start);
    }

    private void add(TokenKind kind, int start) {
        tokens.add(new Token(kind, text.substring(start, pos), source.position(start)));
    }

    private void skipSpaceAndComments() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isWhitespace(c)) {
                pos++;
            } else if (text.startsWith("//", pos) || c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (text.startsWith("/*", pos)) {
                int end = text.indexOf("*/", pos + 2);
                if (end < 0) {
                    throw new CompileError(source.position(pos), "unterminated comment: expected */");
                }
                pos = end + 2;
            } else {
                return;
            }
        }
    }
}
