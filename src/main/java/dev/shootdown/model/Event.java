package dev.shootdown.model;

/** The event kinds {@link Machine} reports to {@link Events}: one place to add one. */
public final class Event {
    private Event() {}

    /** A user access hit in the TLB (a = page). */
    public static final int TLB_HIT = 0;
    /** A user access missed and the walker read the PTE (a = page). */
    public static final int TLB_MISS = 1;
    /** A user access faulted (a = page). */
    public static final int PAGE_FAULT = 2;
    /** A write through an entry with D clear re-walked to set D (a = page). */
    public static final int DIRTY_REWALK = 3;
    /** A plain kernel store to a PTE (a = page). */
    public static final int PTE_WRITE = 4;
    /** A locked read-modify-write of a PTE (a = page). */
    public static final int PTE_ATOMIC = 5;
    /** A kernel read of a PTE (a = page). */
    public static final int PTE_READ = 6;
    /** Local single-page invalidation, INVLPG (a = page). */
    public static final int INVLPG = 7;
    /** Local full flush, a CR3 reload (a = entries dropped). */
    public static final int FLUSH_ALL = 8;
    /** Broadcast invalidation issued (a = its slot: the page without ASIDs, {@link Layout#bcastPage}). */
    public static final int TLBIE = 9;
    /** Waited for broadcast invalidations to complete. */
    public static final int TLBSYNC = 10;
    /** A broadcast invalidation performed on this CPU (a = its slot, as for {@link #TLBIE}; b = issuer). */
    public static final int BCAST_PERFORM = 11;
    /** An IPI sent (a = target CPU, b = handler). */
    public static final int IPI_SEND = 12;
    /** An IPI taken: entry to the handler (a = sender, b = handler). */
    public static final int IPI_ENTER = 13;
    /** Return from an IPI handler. */
    public static final int IRET = 14;
    /** An ack to the sender (a = sender). */
    public static final int ACK = 15;
    /** A read of a shared variable (a = variable). */
    public static final int SHARED_READ = 16;
    /** A write of a shared variable (a = variable). */
    public static final int SHARED_WRITE = 17;
    /** A read of a per-CPU variable (a = variable, b = owning CPU). */
    public static final int PERCPU_READ = 18;
    /** A write of a per-CPU variable (a = variable, b = owning CPU). */
    public static final int PERCPU_WRITE = 19;
    /** A full barrier (smp_mb). */
    public static final int BARRIER = 20;
    /** A frame freed (a = frame). */
    public static final int FRAME_FREE = 21;
    /** A frame allocated (a = frame). */
    public static final int FRAME_ALLOC = 22;
    /** A frame written back to disk (a = frame). */
    public static final int WRITEBACK = 23;
    /** A user access reached memory (a = page, b = 1 for a store). */
    public static final int USER_ACCESS = 24;
    /** A spin lock acquired (a = lock variable's state index). */
    public static final int LOCK = 25;
    /** Interrupts disabled / enabled. */
    public static final int IRQ_OFF = 26;
    public static final int IRQ_ON = 27;
    /** A wait whose condition now holds completed. */
    public static final int WAIT_DONE = 28;
    /** A TLB entry evicted (a = the page it was filled from). */
    public static final int EVICT = 29;
    /** User work that touches no modelled state (a = cycles): {@code compute(n)}. */
    public static final int COMPUTE = 30;
    /** Idle time in the idle loop (a = cycles): {@code idle(n)}. */
    public static final int IDLE = 31;
    /** A periodic timer tick taken (simulator only: the checker has no clock). */
    public static final int TIMER_TICK = 32;
    /**
     * TSO: the CPU's oldest buffered store became visible to the other CPUs (a = the state index it
     * wrote, or -1 - cpu for an ack to that CPU). Only a timed engine drains by itself; the checker's
     * DRAIN action reports it too when an engine listens.
     */
    public static final int STORE_DRAIN = 33;

    public static final String[] NAMES = {
        "tlb_hit", "tlb_miss", "page_fault", "dirty_rewalk", "pte_write", "pte_atomic", "pte_read", "invlpg", "flush_all",
        "tlbie", "tlbsync", "bcast_perform", "ipi_send", "ipi_enter", "iret", "ack", "shared_read", "shared_write",
        "percpu_read", "percpu_write", "barrier", "frame_free", "frame_alloc", "writeback", "user_access", "lock",
        "irq_off", "irq_on", "wait_done", "evict", "compute", "idle", "timer_tick", "store_drain"
    };

    public static final int COUNT = NAMES.length;
}
