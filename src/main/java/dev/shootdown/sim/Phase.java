package dev.shootdown.sim;

/**
 * What a CPU's time went to. Shootdown time is split by role: an initiator's own invalidation
 * work (IPI sends, local flushes, broadcast issue and sync) plus the time it waits for a shootdown
 * it started; and a responder's time in the IPI handler, entry to return.
 */
public final class Phase {
    public static final int USER = 0;
    public static final int KERNEL = 1;
    public static final int SHOOTDOWN = 2;
    public static final int HANDLER = 3;
    /** Blocked in the kernel on something else than a shootdown of its own (a lock, a flag). */
    public static final int SPIN = 4;
    public static final int IDLE = 5;
    public static final int COUNT = 6;
    public static final String[] NAMES = {"user", "kernel", "shootdown_initiator", "shootdown_handler", "spin", "idle"};

    private Phase() {}
}
