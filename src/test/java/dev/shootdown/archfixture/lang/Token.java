package dev.shootdown.archfixture.lang;

public final class Token {
}
