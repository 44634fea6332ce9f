package dev.shootdown.archfixture.util;

/** In no layer at all. */
public final class Misc {
}
