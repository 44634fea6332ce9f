package dev.shootdown.model;

/**
 * Receives the hardware and kernel events a step produced, for engines that put a cost on them
 * (the simulator) or draw them (traces). The checker passes none. Kinds are the constants of
 * {@link Event}; {@code a} and {@code b} are kind-specific (a page, a CPU, a handler, a variable).
 */
public interface Events {
    void on(int kind, int cpu, int a, int b);
}
