package dev.shootdown.archfixture.model;

/** A room that uses the room it is allowed to (walkCaches) and one it is not (rcu). */
public final class Tlb {
    WalkCaches walkCaches;
    Rcu rcu;
}
