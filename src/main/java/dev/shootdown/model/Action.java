package dev.shootdown.model;

/**
 * A transition choice packed in an int: what kind, which CPU, and an argument (a TLB victim for a
 * step, handler and sender for an IPI, a page for an eviction, an invalidation for a broadcast).
 * The checker explores every enabled action; the simulator picks one by time.
 */
public final class Action {
    public static final int STEP = 0;
    public static final int IPI = 1;
    public static final int EVICT = 2;
    public static final int BCAST = 3;

    private Action() {}

    public static int of(int kind, int cpu, int arg) {
        return (kind << 28) | (cpu << 22) | arg;
    }

    public static int kind(int action) {
        return action >>> 28;
    }

    public static int cpu(int action) {
        return (action >>> 22) & 0x3f;
    }

    public static int arg(int action) {
        return action & 0x3fffff;
    }
}
