package dev.shootdown.archfixture.model;

/** A room that uses no other. */
public final class WalkCaches {
}
