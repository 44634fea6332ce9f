package dev.shootdown.lang;

public enum TokenKind {
    IDENT, INT, STRING,
    LBRACE, RBRACE, LPAREN, RPAREN, LBRACKET, RBRACKET,
    COMMA, SEMI, COLON, DOT, DOTDOT, ARROW,
    ASSIGN, EQ, NE, LT, LE, GT, GE,
    PLUS, MINUS, STAR, SLASH, PERCENT, AMP, PIPE,
    NOT, AND, OR,
    EOF;
}
