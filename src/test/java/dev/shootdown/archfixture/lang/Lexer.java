package dev.shootdown.archfixture.lang;

import dev.shootdown.archfixture.model.Machine;

/** Wrong way: lang must not see model. */
public final class Lexer {
    Machine machine;
}
