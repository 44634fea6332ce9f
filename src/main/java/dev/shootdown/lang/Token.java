package dev.shootdown.lang;

public record Token(TokenKind kind, String text, Position position) {

    public boolean is(TokenKind k) {
        return kind == k;
    }

    public boolean isWord(String word) {
        return kind == TokenKind.IDENT && text.equals(word);
    }

    /** How the token reads in an error message. */
    public String describe() {
        return switch (kind) {
            case EOF -> "end of file";
            case STRING -> "a string";
            case INT -> "number " + text;
            default -> "'" + text + "'";
        };
    }
}
