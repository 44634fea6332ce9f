package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * Each CPU's TLB: one slot per page holding the cached PTE (0: no entry). Lookup, fill (with the
 * victim a fill into a full TLB evicts), eviction at any moment (knob {@code evictions}), and the
 * flushes: of a page (INVLPG) and of everything (a CR3 reload), both limited to the current address
 * space with PCIDs (SDM vol. 3A 4.10.4.1).
 *
 * <p>Crosses into {@link WalkCaches}: every TLB invalidation also drops the paging-structure cache
 * entries it covers on this hardware (SDM 4.10.4.1).
 */
final class Tlb extends Observed {
    private final Layout layout;
    private final Hardware hw;
    private final Names names;
    private final Expressions x;
    private final WalkCaches walkCaches;
    private final int[] pageMm;
    private final int pages;

    Tlb(Program program, Layout layout, Names names, Expressions x, WalkCaches walkCaches) {
        this.layout = layout;
        this.hw = program.hardware();
        this.names = names;
        this.x = x;
        this.walkCaches = walkCaches;
        this.pageMm = program.pageMm();
        this.pages = program.pages();
    }

    void register(BuiltinTable table) {
        table.op(Builtin.FLUSH_TLB_PAGE, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                return flushTlbPage(s, c, b, fr, o);
            }
        });
        table.op(Builtin.FLUSH_TLB_ALL, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                return flushTlbAll(s, c, b);
            }
        });
    }

    /**
     * {@code flush_tlb_page(va)}: INVLPG, which names no address space and acts on the current one:
     * with PCIDs the current address space's entry (SDM vol. 3A 4.10.4.1).
     */
    int flushTlbPage(int[] s, int c, int b, int fr, Insn.Op o) {
        int page = x.eval(o.args()[0], s, c, fr);
        if (events != null) {
            events.on(Event.INVLPG, c, page, 0);
        }
        invalidateCurrent(s, b, page);
        return 0;
    }

    /** What INVLPG of {@code page} drops on the CPU at {@code b}: with PCIDs, only an entry of the address space it runs. */
    void invalidateCurrent(int[] s, int b, int page) {
        if (!hw.pcid() || s[b + Layout.CR3] == pageMm[page] + 1) {
            invalidate(s, b, page);
        }
    }

    /** {@code flush_tlb_all()}: a CR3 reload. */
    int flushTlbAll(int[] s, int c, int b) {
        if (events != null) {
            events.on(Event.FLUSH_ALL, c, count(s, b), 0);
        }
        flushAll(s, b);
        return 0;
    }

    /** The entry of {@code page} in the TLB of the CPU at {@code b} (0: none). */
    int entry(int[] s, int b, int page) {
        return s[b + layout.tlb + page];
    }

    /** How many valid entries the TLB at {@code b} holds. */
    int count(int[] s, int b) {
        int n = 0;
        for (int p = 0; p < pages; p++) {
            n += s[b + layout.tlb + p] != 0 ? 1 : 0;
        }
        return n;
    }

    /** Whether a fill would have to evict an entry. */
    boolean full(int[] s, int b) {
        return count(s, b) >= hw.tlbCapacity();
    }

    /**
     * Fills {@code page} with {@code entry}, evicting {@code victim} (-1: none chosen); returns the
     * entry evicted, or -1.
     */
    int fill(int[] s, int b, int page, int entry, int victim) {
        if (victim < 0 && hw.tlbCapacity() < pages && count(s, b) >= hw.tlbCapacity()) {
            // A fill inside an atomic block has no victim choice of its own: the lowest entry goes.
            for (int p = 0; p < pages && victim < 0; p++) {
                if (p != page && s[b + layout.tlb + p] != 0) {
                    victim = p;
                }
            }
        }
        if (victim >= 0) {
            s[b + layout.tlb + victim] = 0;
        }
        s[b + layout.tlb + page] = entry;
        return victim;
    }

    /** Replaces the cached entry of {@code page} (a D bit the walker set, or a speculative fill). */
    void put(int[] s, int b, int page, int entry) {
        s[b + layout.tlb + page] = entry;
    }

    /** A fault drops the faulting address's entry (SDM vol. 3A 4.10.4.1). */
    void drop(int[] s, int b, int page) {
        s[b + layout.tlb + page] = 0;
    }

    /** The EVICT actions of CPU {@code c} (knob evictions): any valid entry may go at any moment. */
    int actions(int[] s, int c, int b, int[] out, int n) {
        if (hw.evictions()) {
            for (int p = 0; p < pages; p++) {
                if (s[b + layout.tlb + p] != 0) {
                    out[n++] = Action.of(Action.EVICT, c, p);
                }
            }
        }
        return n;
    }

    /** The EVICT action: the entry of {@code page} leaves CPU {@code c}'s TLB. */
    void evict(int[] s, int c, int b, int page) {
        if (events != null) {
            events.on(Event.EVICT, c, page, 0);
        }
        s[b + layout.tlb + page] = 0;
        if (narrator != null) {
            say("TLB entry for " + names.page(page) + " evicted");
        }
    }

    /**
     * An invalidation of {@code page} naming its address space, in the TLB at {@code b}, with the
     * paging-structure entries it covers: the page's entry goes whatever the CPU runs (a broadcast's
     * operand names the address space: INVLPGB's PCID, TLBI VAE1IS's ASID, tlbie's PID).
     */
    void invalidate(int[] s, int b, int page) {
        s[b + layout.tlb + page] = 0;
        walkCaches.invalidate(s, b, page);
    }

    /** A full flush (a CR3 reload): with PCIDs only the current address space's entries go (SDM 4.10.4.1). */
    void flushAll(int[] s, int b) {
        if (!hw.pcid()) {
            java.util.Arrays.fill(s, b + layout.tlb, b + layout.tlb + pages, 0);
            walkCaches.flushAll(s, b);
            return;
        }
        int current = s[b + Layout.CR3];
        for (int p = 0; p < pages; p++) {
            if (pageMm[p] + 1 == current) {
                s[b + layout.tlb + p] = 0;
            }
        }
        walkCaches.flushMm(s, b, current);
    }

    /** The valid entries of the TLB at {@code b}, by page name (for snapshots). */
    java.util.Map<String, String> describe(int[] s, int b) {
        java.util.Map<String, String> tlb = new java.util.LinkedHashMap<>();
        for (int p = 0; p < pages; p++) {
            if (s[b + layout.tlb + p] != 0) {
                tlb.put(names.page(p), names.pte(s[b + layout.tlb + p]));
            }
        }
        return tlb;
    }
}
