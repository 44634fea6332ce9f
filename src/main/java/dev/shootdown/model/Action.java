package dev.shootdown.model;

/**
 * A transition choice packed in an int: what kind (4 bits), which CPU (10 bits), and an argument (18 bits) (a TLB victim for a
 * step, handler and sender for an IPI, a page for an eviction, an invalidation slot and its issuer for a broadcast).
 * The checker explores every enabled action; the simulator picks one by time.
 */
public final class Action {
    public static final int STEP = 0;
    public static final int IPI = 1;
    public static final int EVICT = 2;
    public static final int BCAST = 3;
    /** TSO: the oldest entry of the CPU's store buffer becomes visible. */
    public static final int DRAIN = 4;
    /** RCU: the CPU reports a quiescent state. */
    public static final int RCU_QS = 5;
    /** The CPU's walker speculatively walks a page (arg) of its loaded mm. */
    public static final int SPECULATE = 6;

    /** An IPI's argument: handler << SENDER_BITS | sender. */
    public static final int SENDER_BITS = 12;
    public static final int SENDER_MASK = (1 << SENDER_BITS) - 1;
    /**
     * A broadcast invalidation's argument: slot << ISSUER_BITS | issuer. The checker explores at most 31
     * CPUs, so 5 bits name the issuer and 13 the slot (a page, or with ASIDs a page and an ASID).
     */
    public static final int ISSUER_BITS = 5;
    public static final int ISSUER_MASK = (1 << ISSUER_BITS) - 1;

    private Action() {}

    public static int of(int kind, int cpu, int arg) {
        return (kind << 28) | (cpu << 18) | arg;
    }

    public static int kind(int action) {
        return action >>> 28;
    }

    public static int cpu(int action) {
        return (action >>> 18) & 0x3ff;
    }

    public static int arg(int action) {
        return action & 0x3ffff;
    }
}
