package dev.shootdown.archfixture.model;

import dev.shootdown.archfixture.lang.Token;

/** Right way: model uses lang. */
public final class Machine {
    Token token;
}
