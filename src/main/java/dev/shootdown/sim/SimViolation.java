package dev.shootdown.sim;

/** A property the simulated run broke (the checker would find it too, at small scope): which, where and when. */
public record SimViolation(String verdict, int cpu, double atMicros, String note) {}
