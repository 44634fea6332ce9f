package dev.shootdown.model;

/**
 * Paging-structure caches: each CPU's cached upper-level entries (the PMDs, PUDs and P4Ds that hook
 * page tables), one slot per table, and with ASIDs one per (table, ASID): an entry is associated with the ASID the
 * CPU ran under when it cached it, and a walk uses only the entries of its current ASID (SDM vol. 3A
 * 4.10.3.1; ARM ARM D8.13). Which invalidations drop them depends on the hardware (SDM vol. 3A
 * 4.10.3, 4.10.4.1; ARM ARM D8.13; seed 004): x86 empties the whole cache on any invalidation (with
 * ASIDs, the invalidated ASID's part of it), LPAE drops only the entry of the invalidated page's
 * table, and some machines have none.
 *
 * <p>Both machines cache every level: x86 has PML4E, PDPTE and PDE caches (SDM vol. 3A 4.10.3.1), arm64
 * walk caches of table entries of any level (ARM ARM D8.13). A walk uses the entry of the lowest level
 * it holds and reads the levels below it from memory (SDM 4.10.3.2). An invalidation by address drops the
 * entries of every level on the address's way: INVLPG all of them (SDM 4.10.4.1), TLBI VAE1 those that
 * translate the address (ARM ARM D8.13: TLBI VAE1 applies to entries of every level of the walk, VALE1 to the
 * last level only).
 *
 * <p>Tables of different address spaces are never at one virtual address: a cached PMD serves only
 * walks of its own table's pages.
 */
final class WalkCaches {
    private final Layout layout;
    private final Hardware.PagingCache kind;
    private final PageTableTree tree;
    private final int[] tableMm;
    private final int tables;
    private final int tags;
    private final boolean asids;

    WalkCaches(Program program, Layout layout) {
        this.layout = layout;
        this.kind = program.hardware().pagingCache();
        this.tree = new PageTableTree(program);
        this.tableMm = program.tableMm();
        this.tables = program.tableNames().size();
        this.tags = layout.tags;
        this.asids = program.hardware().asids() > 0;
    }

    boolean present() {
        return kind != Hardware.PagingCache.OFF;
    }

    /** The slot (from {@link Layout#pwc}) of table {@code t} for the CPU at {@code b}: under its current ASID. */
    private int slotOf(int[] s, int b, int t) {
        return asids ? layout.pwcSlot(t, s[b + layout.asid]) : t;
    }

    /** The PMD of table {@code t} the CPU at {@code b} has cached (0: none, or no cache on this hardware). */
    int cached(int[] s, int b, int t) {
        return kind == Hardware.PagingCache.OFF ? 0 : s[b + layout.pwc + slotOf(s, b, t)];
    }

    /** The cache slot of table {@code t} as it is in the state (for narration: empty without a cache). */
    int slot(int[] s, int b, int t) {
        return s[b + layout.pwc + slotOf(s, b, t)];
    }

    /**
     * A walk through table {@code t} read {@code pmd}. A walk that ends in a page fault leaves no
     * paging-structure entry for the faulting address (SDM vol. 3A 4.10.4.1); a speculative one may
     * keep what it read (4.10.3).
     */
    void walked(int[] s, int b, int t, int pmd, boolean faults) {
        if (kind != Hardware.PagingCache.OFF) {
            s[b + layout.pwc + slotOf(s, b, t)] = faults ? 0 : pmd;
        }
    }

    /** Drops the paging-structure cache entries a TLB invalidation of {@code page} drops on this hardware. */
    void invalidate(int[] s, int b, int page) {
        if (kind == Hardware.PagingCache.X86) {
            java.util.Arrays.fill(s, b + layout.pwc, b + layout.pwc + tables * tags, 0);
        } else if (kind == Hardware.PagingCache.LPAE) {
            for (int t : tree.chain(page)) {
                s[b + layout.pwc + t] = 0;
            }
        }
    }

    /**
     * Drops the entries an invalidation of {@code page}'s address under ASID {@code tag} drops: on x86
     * every entry of that PCID, whatever its address (INVLPG and INVPCID type 0, SDM vol. 3A 4.10.4.1);
     * on LPAE the entries of the tables on the page's way (TLBI VAE1 drops the walk-cache entries of the
     * address: ARM ARM D8.13; seed 004).
     */
    void invalidate(int[] s, int b, int page, int tag) {
        if (kind == Hardware.PagingCache.X86) {
            flushTag(s, b, tag);
        } else if (kind == Hardware.PagingCache.LPAE) {
            for (int t : tree.chain(page)) {
                s[b + layout.pwc + layout.pwcSlot(t, tag)] = 0;
            }
        }
    }

    /** Every entry cached under ASID {@code tag} goes (INVPCID type 1, a CR3 write without no-flush; TLBI ASIDE1). */
    void flushTag(int[] s, int b, int tag) {
        for (int t = 0; t < tables; t++) {
            s[b + layout.pwc + layout.pwcSlot(t, tag)] = 0;
        }
    }

    /** A page fault leaves no paging-structure entry, of any level, for the faulting address (SDM vol. 3A 4.10.4.1). */
    void fault(int[] s, int b, int page) {
        if (kind != Hardware.PagingCache.OFF) {
            for (int t : tree.chain(page)) {
                s[b + layout.pwc + slotOf(s, b, t)] = 0;
            }
        }
    }

    /** A CR3 reload without PCIDs, or an invalidation of every ASID: every entry goes. */
    void flushAll(int[] s, int b) {
        java.util.Arrays.fill(s, b + layout.pwc, b + layout.pwc + tables * tags, 0);
    }

    /** A CR3 reload with PCIDs: the entries of the current address space ({@code cr3}) go (SDM 4.10.4.1). */
    void flushMm(int[] s, int b, int cr3) {
        for (int t = 0; t < tables; t++) {
            if (tableMm[t] + 1 == cr3) {
                s[b + layout.pwc + t] = 0;
            }
        }
    }
}
