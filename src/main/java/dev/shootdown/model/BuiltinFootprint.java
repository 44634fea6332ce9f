package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * What of the machine each built-in may touch, for the partial-order reduction ({@link PartialOrder}):
 * the footprint table. The switch names every built-in, so a new one does not compile until it is
 * placed here; when unsure, a built-in is {@link #GLOBAL} (it conflicts with everything).
 */
enum BuiltinFootprint {
    /** Reads its arguments and touches nothing else: the pure functions; {@code compute} and {@code idle}, which change nothing for the checker. */
    FRAME_ONLY,
    /** The running CPU's own TLB and paging-structure cache, under its own CR3 and ASID: the local flushes (INVLPG, a CR3 reload). */
    OWN_TLB,
    /** Reads mm_cpumask. */
    CPUMASK_READ,
    /** Writes mm_cpumask (and so is global too). */
    CPUMASK_WRITE,
    /** Reaches other CPUs' TLBs or paging-structure caches, now or through a queued broadcast (and so is global too). */
    REMOTE_TLB,
    /** Anything else: shared memory, page tables, frames, IPIs and acks, locks, RCU, interrupt masking, user accesses. */
    GLOBAL;

    static BuiltinFootprint of(Builtin b) {
        return switch (b) {
            case TABLE_FRAME, PAGE_VA, COUNT, MK_PTE, PTE_MKCLEAN, PTE_MKDIRTY, PTE_WRPROTECT, PTE_MKOLD, TEST_BIT, SET_BIT, CLEAR_BIT, FIND_NEXT_ZERO_BIT,
                 COMPUTE, IDLE -> FRAME_ONLY;
            case FLUSH_TLB_PAGE, FLUSH_TLB_ALL -> OWN_TLB;
            case CPUMASK -> CPUMASK_READ;
            case CPUMASK_SET, CPUMASK_CLEAR -> CPUMASK_WRITE;
            // Broadcast invalidations queue work on every CPU (BroadcastInvalidation); Xen's hypercalls and Tile's
            // hv_flush_remote invalidate other vCPUs' entries at once (XenQueue, Icache). tlbsync and dsb_ish wait for them.
            case TLBIE, TLBSYNC, TLBI_IS, DSB_ISH, INVLPGB, TLBI_RANGE_IS, TLBI_VAE1IS, TLBI_ASIDE1IS, TLBI_VMALLE1IS, XEN_FLUSH_QUEUE, XEN_TLB_FLUSH_ALL,
                 XEN_INVLPG_ALL, FLUSH_REMOTE -> REMOTE_TLB;
            // flush_tlb_range is local, but a range that is none is an assertion violation: global, to be safe.
            case ACKED, PMD_GET, PUD_GET, P4D_GET, PUD_CLEAR, PUD_POPULATE, P4D_CLEAR, P4D_POPULATE, GUP_FAST_DOWN, FLUSH_TLB_RANGE, PTEP_GET, FRAME_FREE, MM_CONTEXT_ID, SET_PTE, PTE_CLEAR, PTEP_GET_AND_CLEAR, PTEP_CMPXCHG, PTEP_TEST_AND_CLEAR_YOUNG,
                 PTEP_MKCLEAN, PTEP_SET_WRPROTECT, PMD_CLEAR, PMDP_GET_AND_CLEAR, PMD_POPULATE, SWITCH_MM, CPU_SWITCH_MM, WRITE_CR3, SET_MM_CONTEXT_ID,
                 RCU_FREE, RCU_READ_LOCK, RCU_READ_UNLOCK, GUP_FAST, GUP_FAST_PTE, TLBI_VAE1, TLBI_ASIDE1, TLBI_VMALLE1, INVPCID_FLUSH_ONE, INVPCID_FLUSH_SINGLE_CONTEXT, INVPCID_FLUSH_ALL,
                 INVPCID_FLUSH_ALL_NONGLOBALS, FLUSH_ICACHE_ALL, SEND_IPI, ACK, LOCAL_IRQ_DISABLE, LOCAL_IRQ_ENABLE, SMP_MB, SMP_WMB, SMP_RMB,
                 WEAK_WRMSR_FENCE, FREE_FRAME, ALLOC_FRAME, WRITEBACK, WRITE_FRAME, COPY_PAGE, PAGE_MAPCOUNT, SPIN_LOCK, SPIN_UNLOCK, PROTECT_DONE, READ, WRITE, EXEC -> GLOBAL;
        };
    }
}
