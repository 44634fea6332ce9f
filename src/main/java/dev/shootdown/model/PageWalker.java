package dev.shootdown.model;

/**
 * Each CPU's hardware page walker: the walk through the tables' hooking entries, PUD and PMD (from
 * the paging-structure cache where it holds one, else from memory), to the PTE; the A and D bits it sets (Intel SDM vol. 3A 4.8);
 * the locked re-walk of a write through an entry whose cached D is clear, or the {@code blind_set}
 * what-if, or the fault of software dirty-bit management (ARM ARM D8.4.6); and speculative walks
 * (knob {@code speculative_walks}, SDM 4.10.2.3; seed 004). Reading a table whose frame is free is
 * a walk of a freed table (seed 004).
 *
 * <p>Crosses into {@link WalkCaches} (a walk reads and fills them, a fault drops them), {@link Tlb}
 * (a speculative walk fills it, a write fault drops the entry, a re-walk sets the cached D) and
 * {@link Frames} (whether the table a walk reads is free).
 */
final class PageWalker extends Observed {
    /** What {@link #write} returns when the write does not happen (a fault or a violation). */
    static final String NO_ACCESS = new String("no access");

    private final Layout layout;
    private final Hardware hw;
    private final Names names;
    private final Monitors monitors;
    private final WalkCaches walkCaches;
    private final Tlb tlb;
    private final Frames frames;
    private final PageTableTree tree;
    private final int[] pageMm;
    private final int pages;
    /**
     * The bit a walk sets as accessed: {@link Pte#ACCESSED}, or 0 in a model that never reads it
     * ({@link AccessedBitRead}). Nothing in the hardware reads A back, so leaving it clear changes no
     * behaviour and no verdict, and it stops the checker telling apart states that differ in it only.
     */
    private final int accessed;

    PageWalker(Program program, Layout layout, Names names, Monitors monitors, WalkCaches walkCaches, Tlb tlb, Frames frames,
               boolean trackAccessed) {
        this.accessed = trackAccessed ? Pte.ACCESSED : 0;
        this.layout = layout;
        this.hw = program.hardware();
        this.names = names;
        this.monitors = monitors;
        this.walkCaches = walkCaches;
        this.tlb = tlb;
        this.frames = frames;
        this.tree = new PageTableTree(program);
        this.pageMm = program.pageMm();
        this.pages = program.pages();
    }

    /**
     * The hardware walker of CPU {@code c} looks up {@code page}: from the lowest-level entry on the page's
     * way its paging-structure cache holds (SDM vol. 3A 4.10.3.2; with none, from the top), each table's
     * hooking entry in turn, down to the PTE, caching each entry it reads. Returns the PTE, or 0 when an
     * entry on the way is not present. Reading a table whose frame is free is a walk of a freed table
     * (seed 004), whatever level the table is at and whether the entry pointing at it came from the cache.
     */
    int walk(int[] s, int c, int b, int page, String who, boolean speculative) {
        int[] chain = tree.chain(page);
        if (chain.length == 0) {
            return s[layout.pteBase + page];
        }
        int start = lowestCached(s, b, chain);
        boolean fromCache = start >= 0;
        start = Math.max(start, 0);
        for (int i = start; i < chain.length; i++) {
            int t = chain[i];
            boolean cached = fromCache && i == start;
            int entry = cached ? walkCaches.cached(s, b, t) : s[layout.pmdBase + t];
            if (!Pte.present(entry)) {
                return 0;
            }
            int tf = Pte.pfn(entry);
            if (frames.isFree(s, tf)) {
                String level = PageTableTree.entry(tree.level(t));
                monitors.fail(Verdict.WALK_OF_FREED_TABLE, "cpu" + c + "'s " + who + " of " + names.page(page) + " reads page table "
                        + names.frame(tf) + ", which is free" + (cached ? " (" + level + " from its paging-structure cache)" : ""));
                return 0;
            }
            int had = walkCaches.slot(s, b, t);
            walkCaches.walked(s, b, t, entry, !Pte.present(s[layout.pteBase + page]) && !speculative);
            if (narrator != null && walkCaches.slot(s, b, t) != had && walkCaches.slot(s, b, t) != 0) {
                // A cached entry changes nothing a statement sees, yet a later walk may go through it (seed 004).
                say(PageTableTree.entry(tree.level(t)) + " of " + names.table(t) + " cached (" + names.pte(entry) + ")");
            }
        }
        return s[layout.pteBase + page];
    }

    /** Where on {@code chain} a walk by the CPU at {@code b} starts: the lowest level whose entry its cache holds, or -1 (SDM vol. 3A 4.10.3.2). */
    private int lowestCached(int[] s, int b, int[] chain) {
        int i = chain.length - 1;
        while (i >= 0 && walkCaches.cached(s, b, chain[i]) == 0) {
            i--;
        }
        return i;
    }

    /** For narration: the table whose hooking entry a walk of {@code page} would find not present, or -1. */
    int unhooked(int[] s, int b, int page) {
        int[] chain = tree.chain(page);
        int start = lowestCached(s, b, chain);
        for (int i = Math.max(start, 0); i < chain.length; i++) {
            int entry = i == start ? walkCaches.cached(s, b, chain[i]) : s[layout.pmdBase + chain[i]];
            if (!Pte.present(entry)) {
                return chain[i];
            }
        }
        return -1;
    }

    /** The accessed bit walks set: {@link Pte#ACCESSED}, or 0 where it is not tracked. */
    int accessedBit() {
        return accessed;
    }

    /** Whether a walk that found {@code pte} faults for this access (then no entry is filled). */
    boolean faults(int pte, boolean write) {
        return !Pte.present(pte) || (write && !Pte.writable(pte)) || (write && hw.softwareDirty() && !Pte.dirty(pte));
    }

    /** Walk: A (and D for a write) set atomically in the PTE; the TLB caches the result (SDM 4.8). Returns the new PTE. */
    int setAccessed(int[] s, int page, int pte, boolean write) {
        pte |= accessed | (write ? Pte.DIRTY : 0);
        s[layout.pteBase + page] = pte;
        return pte;
    }

    /**
     * A user write through TLB entry {@code entry} of {@code page}: a read-only entry faults; a clean
     * one faults under software dirty bits, else the walker re-walks with a locked access and sets D
     * (or faults if the PTE is no longer present and writable; {@code blind_set} sets D without the
     * check). Returns {@code how} (the narration so far) with what happened appended, or
     * {@link #NO_ACCESS} when the write does not happen.
     */
    String write(int[] s, int c, int b, int page, int entry, String how) {
        int pteAt = layout.pteBase + page;
        if (!Pte.writable(entry)) {
            tlb.drop(s, b, page);
            walkCaches.fault(s, b, page);
            if (events != null) {
                events.on(Event.PAGE_FAULT, c, page, 0);
            }
            if (narrator != null) {
                say(how + "; write to a read-only entry faults and drops it: no access");
            }
            return NO_ACCESS;
        }
        if (!Pte.dirty(entry) && hw.softwareDirty()) {
            // No hardware dirty-bit management: the first write to a clean page faults, and the
            // kernel's fault handler marks the PTE dirty (ARM ARM D8.4.6).
            tlb.drop(s, b, page);
            walkCaches.fault(s, b, page);
            if (narrator != null) {
                say(how + "; write to a clean entry faults (software dirty bit): no access");
            }
            return NO_ACCESS;
        }
        if (!Pte.dirty(entry)) {
            int pte = walk(s, c, b, page, "dirty-bit re-walk", false);
            if (events != null) {
                events.on(Event.DIRTY_REWALK, c, page, 0);
            }
            if (monitors.failed()) {
                return NO_ACCESS;
            }
            if (hw.blindSet()) {
                s[pteAt] = s[pteAt] | Pte.DIRTY;
                how = narrator == null ? null : how + "; D set blindly in PTE (was " + names.pte(pte) + ")";
            } else if (Pte.present(pte) && Pte.writable(pte)) {
                s[pteAt] = pte | Pte.DIRTY | accessed;
                how = narrator == null ? null : how + "; locked re-walk sets D";
            } else {
                tlb.drop(s, b, page);
                walkCaches.fault(s, b, page);
                if (events != null) {
                    events.on(Event.PAGE_FAULT, c, page, 0);
                }
                if (narrator != null) {
                    say(how + "; locked re-walk finds PTE " + names.pte(pte) + ": fault, no access");
                }
                return NO_ACCESS;
            }
            tlb.put(s, b, page, entry | Pte.DIRTY);
        }
        return how;
    }

    /** The SPECULATE actions of CPU {@code c} (knob speculative_walks): one per page a walk could do anything for. */
    int actions(int[] s, int c, int b, int[] out, int n) {
        if (hw.speculativeWalks()) {
            for (int p = 0; p < pages; p++) {
                if (canSpeculate(s, b, p)) {
                    out[n++] = Action.of(Action.SPECULATE, c, p);
                }
            }
        }
        return n;
    }

    /** Speculative walk of {@code page} by CPU {@code c} (knob speculative_walks). */
    void speculate(int[] s, int c, int b, int page) {
        int pte = walk(s, c, b, page, "speculative walk", true);
        if (monitors.failed()) {
            return;
        }
        if (Pte.present(pte) && tlb.count(s, b) < hw.tlbCapacity()) {
            s[layout.pteBase + page] = pte | accessed;
            tlb.put(s, b, page, pte | accessed);
            if (narrator != null) {
                say("speculative walk fills " + names.page(page) + " -> " + names.pte(pte | accessed));
            }
        } else if (narrator != null) {
            say("speculative walk of " + names.page(page) + " (PTE " + names.pte(pte) + ")");
        }
    }

    /** Whether a speculative walk of {@code page} could do anything on CPU {@code c}. */
    private boolean canSpeculate(int[] s, int b, int page) {
        if (s[b + Layout.CR3] != pageMm[page] + 1 || tlb.entry(s, b, page) != 0) {
            return false;
        }
        int[] chain = tree.chain(page);
        if (chain.length == 0) {
            return Pte.present(s[layout.pteBase + page]);
        }
        // The first entry the walk reads: the lowest level cached, else the top level's in memory.
        int start = lowestCached(s, b, chain);
        return Pte.present(start >= 0 ? walkCaches.cached(s, b, chain[start]) : s[layout.pmdBase + chain[0]]);
    }
}
