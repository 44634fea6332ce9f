package dev.shootdown.model;

/**
 * The hardware profile and its knobs, as the engines see them.
 *
 * @param tlbCapacity entries per CPU; a fill into a full TLB evicts a victim chosen nondeterministically
 * @param blindSet    the what-if dirty-bit rule: a write through a TLB entry with D clear sets D in
 *                    the PTE without re-checking it (x86 instead re-walks with a locked access and
 *                    faults when the PTE is no longer present and writable: Intel SDM vol. 3A 4.8)
 * @param evictions   whether a valid TLB entry may be dropped at any moment (a checker choice)
 * @param storeBuffer entries of each CPU's store buffer under TSO (a store into a full buffer waits for a drain)
 * @param ipiLatched  a sent IPI is latched in the target's local APIC at once, so the target takes it at its
 *                    next instruction boundary with interrupts enabled (SDM 10.8.4, 6.8.1); without the knob an
 *                    IPI is in flight for an arbitrary time, which over-approximates every delivery latency
 * @param speculativeWalks any CPU whose CR3 holds an mm may walk any of its pages at any time and fill its
 *                    TLB and paging-structure cache (SDM vol. 3A 4.10.2.3; seed 004), lazy CPUs included
 * @param pcid        TLB entries are tagged with their address space and survive switch_mm (SDM 4.10.1)
 * @param asids       0, or the number of hardware ASIDs (x86 PCIDs) 0..asids-1: TLB and paging-structure cache
 *                    entries are tagged with the ASID the CPU ran under when it filled them, and a lookup hits only
 *                    an entry of the CPU's current ASID (ARM ARM D8.13 and TTBR0_EL1.ASID; Intel SDM vol. 3A 4.10.1)
 * @param rcuSlots    how many RCU-deferred frees may be pending at once
 * @param softwareDirty the first write through a clean entry faults, for the kernel to set D (arm64 without DBM)
 * @param icacheIncoherent i-caches keep lines of a frame's old content until flushed (Tile, seed 004)
 * @param xenQueue    Xen PV: PTE writes wait in a per-CPU queue of this many updates until a queue flush
 *                    (0: not a Xen PV guest; seed 002)
 * @param xapic       IPIs are sent by a store to the memory-mapped xAPIC ICR, which leaves the store buffer in
 *                    order behind earlier stores; the default x2APIC sends them with WRMSR, which can overtake
 *                    buffered stores (SDM vol. 3A 10.12.3; Linux's weak_wrmsr_fence())
 * @param flushCeiling the most pages a range flush invalidates one by one; a longer range flushes the whole
 *                    address space instead (Linux's tlb_single_page_flush_ceiling, 33 by default: arch/x86/mm/tlb.c)
 */
public record Hardware(String profile, int cpus, int tlbCapacity, boolean blindSet, boolean evictions, MemoryModel memory, int storeBuffer,
                       boolean ipiLatched, boolean speculativeWalks, boolean pcid, PagingCache pagingCache, int rcuSlots,
                       boolean softwareDirty, boolean icacheIncoherent, int xenQueue, boolean xapic, int asids, int flushCeiling) {

    /** Linux's default tlb_single_page_flush_ceiling (arch/x86/mm/tlb.c; debugfs makes it a tunable). */
    public static final int DEFAULT_FLUSH_CEILING = 33;

    /**
     * Paging-structure caches of upper-level entries (PMDs): none; x86's, which any INVLPG or CR3
     * write empties (SDM vol. 3A 4.10.4.1); ARM LPAE's cached level-1 entries, which only a TLB
     * invalidation of an address they cover drops (Russell King, seed 004).
     */
    public enum PagingCache { OFF, X86, LPAE }

    /** Kernel memory: sequentially consistent, or x86-TSO with per-CPU FIFO store buffers of {@code storeBuffer} entries. */
    public enum MemoryModel { SC, TSO }

    /** How many tags a TLB entry can carry: the ASIDs with {@code asids}, else one (no tag, or the fixed per-mm one of {@code pcid}). */
    public int tags() {
        return Math.max(1, asids);
    }
}
