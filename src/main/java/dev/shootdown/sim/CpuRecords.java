package dev.shootdown.sim;

/**
 * The engine's per-CPU state: one record per CPU in three flat arrays (times, counters, flags), so
 * that a step touches a few cache lines instead of one line in each of twenty arrays. CPU c's
 * field F is {@code cl[c * CL + F]}, {@code ci[c * CI + F]} or {@code cb[c * CB + F]}. Every room
 * of the engine that keeps something per CPU keeps it here and holds the arrays themselves (one
 * load, no getter on the step path).
 */
final class CpuRecords {
    /** A time that never comes. */
    static final long NEVER = Long.MAX_VALUE;

    // Times (cycles).
    static final int CL = 8;
    /** When the CPU is next ready (its queue time once its step is charged). */
    static final int CLOCK = 0;
    static final int PARKED_AT = 1;
    /** From when the CPU's current compute()/idle() may be cut by an interrupt, or NEVER. */
    static final int PREEMPT_FROM = 2;
    /** What is left of a compute()/idle() an interrupt cut, resumed after the return. */
    static final int RESIDUAL = 3;
    static final int SPAN_START = 4;
    /** When the last ack of the current step reached the (parked) CPU, or 0. */
    static final int ACKED_AT = 5;
    static final int NEXT_TICK = 6;
    /** Where in the period the CPU's ticks fall: 0, or its skew_tick offset. */
    static final int TICK_OFFSET = 7;

    // Counters.
    static final int CI = 8;
    static final int PARK_PHASE = 0;
    static final int PARK_GEN = 1;
    static final int IPI_COUNT = 2;
    /** Broadcast invalidations the CPU issued that have not yet been performed everywhere. */
    static final int OUTSTANDING = 3;
    static final int LOCKS_HELD = 4;
    /** TSO: the entries of the CPU's store buffer that have their drain timer. */
    static final int SB_TIMED = 5;
    /** While {@link #BLOCKED}: the state index of the lock its spin_lock waits for, or {@link SpinLockQueues#NO_LOCK} or {@link SpinLockQueues#ANY_LOCK}. */
    static final int SPINS_ON = 6;
    /** Where the CPU is blocked ({@link #BLOCKED}): the pc, in its program or in the handler {@link StallDetector} names. */
    static final int BLOCKED_PC = 7;

    // Flags.
    static final int CB = 8;
    static final int PARKED = 0;
    static final int SPAN_OPEN = 1;
    static final int AWAITING_OBSERVE = 2;
    static final int ACK_PENDING = 3;
    static final int IN_LOCK_WAITERS = 4;
    /** The interruptible work the CPU is in (or was preempted from) is idle(), which the tick leaves alone. */
    static final int IDLE_RUN = 5;
    /** The CPU's next step has not been enabled since it was first found so: it has work left and makes no progress. */
    static final int BLOCKED = 6;
    /** Where it is blocked: in an interrupt handler (which cannot be left until it moves) or in its program. */
    static final int BLOCKED_IN_HANDLER = 7;

    final long[] cl;
    final int[] ci;
    final boolean[] cb;

    CpuRecords(int n) {
        cl = new long[n * CL];
        ci = new int[n * CI];
        cb = new boolean[n * CB];
        for (int c = 0; c < n; c++) {
            cl[c * CL + PREEMPT_FROM] = NEVER;
        }
    }
}
