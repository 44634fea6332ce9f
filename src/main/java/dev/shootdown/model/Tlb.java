package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * Each CPU's TLB: one slot per page holding the cached PTE (0: no entry), and with ASIDs one per
 * (page, ASID). Lookup, fill (with the victim a fill into a full TLB evicts), eviction at any moment
 * (knob {@code evictions}), and the invalidations: of a page (INVLPG) and of everything (a CR3
 * reload), both limited to the current address space with PCIDs (SDM vol. 3A 4.10.4.1); with ASIDs,
 * of an address under an ASID, of an ASID and of everything (INVPCID, TLBI).
 *
 * <p>With ASIDs an entry is tagged with the ASID its CPU ran under when it filled it, and a lookup
 * hits only an entry of the CPU's current ASID: any entry of that ASID for the address, whichever
 * address space it was filled from (ARM ARM D8.13: a non-global entry matches on VA and ASID; Intel
 * SDM vol. 3A 4.10.1, 4.10.2.4: a lookup uses only the entries of the current PCID). So two address
 * spaces at one address ({@code page q at p}) under one ASID share each other's entries: the reason
 * an ASID must not be reused without invalidating it.
 *
 * <p>Crosses into {@link WalkCaches}: every TLB invalidation also drops the paging-structure cache
 * entries it covers on this hardware (SDM 4.10.4.1).
 */
final class Tlb extends Observed {
    private final Layout layout;
    private final Hardware hw;
    private final Names names;
    private final Monitors monitors;
    private final Expressions x;
    private final WalkCaches walkCaches;
    private final PageRanges ranges;
    private final int[] pageMm;
    private final int pages;
    private final int tags;
    private final int slots;
    private final boolean asids;
    /** Per page: the pages at its virtual address, itself first (the others are other address spaces'). */
    private final int[][] sameVa;

    Tlb(Program program, Layout layout, Names names, Monitors monitors, Expressions x, WalkCaches walkCaches) {
        this.layout = layout;
        this.hw = program.hardware();
        this.names = names;
        this.monitors = monitors;
        this.x = x;
        this.walkCaches = walkCaches;
        this.ranges = new PageRanges(program);
        this.pageMm = program.pageMm();
        this.pages = program.pages();
        this.tags = layout.tags;
        this.slots = layout.tlbSlots;
        this.asids = hw.asids() > 0;
        this.sameVa = new int[pages][];
        int[] va = program.pageVa();
        for (int p = 0; p < pages; p++) {
            int self = p;
            sameVa[p] = java.util.stream.IntStream.concat(java.util.stream.IntStream.of(p),
                    java.util.stream.IntStream.range(0, pages).filter(q -> q != self && va[q] == va[self])).toArray();
        }
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
        table.op(Builtin.FLUSH_TLB_RANGE, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                return flushTlbRange(s, c, b, x.eval(o.args()[0], s, c, fr), x.eval(o.args()[1], s, c, fr));
            }
        });
        // INVPCID type 0: the mappings of the address under the PCID, and the PCID's paging-structure
        // entries (SDM vol. 3A 4.10.4.1); arm64's local TLBI VAE1, Xt: the entries of the address under
        // the ASID in Xt[63:48], on this PE only (ARM ARM D8.13), with the walk entries of its table.
        BuiltinTable.Operation addressUnderTag = new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                boolean x86 = o.op() == Builtin.INVPCID_FLUSH_ONE;
                int tag = checkedTag(x.eval(o.args()[x86 ? 0 : 1], s, c, fr));
                int page = x.eval(o.args()[x86 ? 1 : 0], s, c, fr);
                if (events != null) {
                    events.on(Event.INVLPG, c, page, 0);
                }
                invalidate(s, b, page, tag);
                if (narrator != null) {
                    say((x86 ? "INVPCID type 0: " : "TLBI VAE1: ") + names.page(page) + "'s address under ASID " + tag + " invalidated");
                }
                return 0;
            }
        };
        table.op(Builtin.INVPCID_FLUSH_ONE, addressUnderTag);
        table.op(Builtin.TLBI_VAE1, addressUnderTag);
        // INVPCID type 1: every mapping of the PCID (SDM vol. 3A 4.10.4.1); TLBI ASIDE1, this PE only (ARM ARM D8.13).
        BuiltinTable.Operation everyOfTag = new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int tag = checkedTag(x.eval(o.args()[0], s, c, fr));
                if (events != null) {
                    events.on(Event.FLUSH_ALL, c, count(s, b), 0);
                }
                invalidateTag(s, b, tag);
                if (narrator != null) {
                    say((o.op() == Builtin.TLBI_ASIDE1 ? "TLBI ASIDE1" : "INVPCID type 1") + ": every entry of ASID " + tag + " invalidated");
                }
                return 0;
            }
        };
        table.op(Builtin.INVPCID_FLUSH_SINGLE_CONTEXT, everyOfTag);
        table.op(Builtin.TLBI_ASIDE1, everyOfTag);
        // INVPCID types 2 and 3: every mapping of every PCID, with or without global ones; the model has
        // no global pages, so the two are one (SDM vol. 3A 4.10.4.1). TLBI VMALLE1: every stage 1 entry
        // of every ASID, this PE only (ARM ARM D8.13).
        BuiltinTable.Operation everyPcid = new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                flushTlbAll(s, c, b);
                if (narrator != null) {
                    say((o.op() == Builtin.TLBI_VMALLE1 ? "TLBI VMALLE1" : "INVPCID type " + (o.op() == Builtin.INVPCID_FLUSH_ALL ? 2 : 3))
                            + ": every entry of every ASID invalidated");
                }
                return 0;
            }
        };
        table.op(Builtin.INVPCID_FLUSH_ALL, everyPcid);
        table.op(Builtin.TLBI_VMALLE1, everyPcid);
        table.op(Builtin.INVPCID_FLUSH_ALL_NONGLOBALS, everyPcid);
    }

    /**
     * {@code flush_tlb_page(va)}: INVLPG, which names no address space and acts on the current one: with
     * PCIDs the current address space's entry, with ASIDs the entry of the address under the current
     * ASID (SDM vol. 3A 4.10.4.1).
     */
    int flushTlbPage(int[] s, int c, int b, int fr, Insn.Op o) {
        int page = x.eval(o.args()[0], s, c, fr);
        if (events != null) {
            events.on(Event.INVLPG, c, page, 0);
        }
        invalidateCurrent(s, b, page);
        return 0;
    }

    /**
     * {@code flush_tlb_range(start, end)}: x86's flush_tlb_func() on the calling CPU, an INVLPG per page of the
     * range (arm64's local TLBI VAE1 per page), or, for a range over the ceiling, a flush of the current address
     * space as a CR3 reload does it (with ASIDs, of the current ASID: TLBI ASIDE1, INVPCID type 1).
     */
    int flushTlbRange(int[] s, int c, int b, int start, int end) {
        String invalid = ranges.invalid(start, end, names);
        if (invalid != null) {
            monitors.fail(Verdict.ASSERTION, "flush_tlb_range(" + names.page(start) + ", " + names.page(end) + "): " + invalid);
            return 0;
        }
        int n = ranges.count(start, end);
        if (ranges.whole(start, end)) {
            if (events != null) {
                events.on(Event.FLUSH_ALL, c, count(s, b), 0);
            }
            if (asids) {
                invalidateTag(s, b, s[b + layout.asid]);
            } else {
                flushAll(s, b);
            }
        } else {
            for (int i = 0; i < n; i++) {
                int page = ranges.page(start, i);
                if (events != null) {
                    events.on(Event.INVLPG, c, page, 0);
                }
                invalidateCurrent(s, b, page);
            }
        }
        if (narrator != null) {
            say(ranges.whole(start, end) ? n + " pages, over the ceiling of " + ranges.ceiling() + ": the whole address space flushed"
                    : n + (n == 1 ? " page" : " pages") + " flushed one by one");
        }
        return 0;
    }

    /** What INVLPG of {@code page} drops on the CPU at {@code b}: its entry in the current address space or ASID. */
    void invalidateCurrent(int[] s, int b, int page) {
        if (asids) {
            invalidate(s, b, page, s[b + layout.asid]);
        } else if (!hw.pcid() || s[b + Layout.CR3] == pageMm[page] + 1) {
            invalidate(s, b, page);
        }
    }

    /** {@code flush_tlb_all()}: a CR3 reload; with ASIDs, every ASID's entries (TLBI VMALLE1, INVPCID type 2). */
    int flushTlbAll(int[] s, int c, int b) {
        if (events != null) {
            events.on(Event.FLUSH_ALL, c, count(s, b), 0);
        }
        flushAll(s, b);
        return 0;
    }

    /** The ASID an instruction names: outside the hardware's ASIDs, an assertion failure (and ASID 0 stands in). */
    int checkedTag(int tag) {
        if (tag < 0 || tag >= tags) {
            monitors.fail(Verdict.ASSERTION, "ASID " + tag + " out of range: the hardware has ASIDs 0 to " + (tags - 1));
            return 0;
        }
        return tag;
    }

    /** The slot (from {@link Layout#tlb}) of the entry a lookup of {@code page} by the CPU at {@code b} hits, or -1 on a miss. */
    int find(int[] s, int b, int page) {
        if (!asids) {
            return s[b + layout.tlb + page] != 0 ? page : -1;
        }
        int tag = s[b + layout.asid];
        for (int q : sameVa[page]) {
            int slot = layout.tlbSlot(q, tag);
            if (s[b + layout.tlb + slot] != 0) {
                return slot;
            }
        }
        return -1;
    }

    /** The entry a lookup of {@code page} in the TLB of the CPU at {@code b} hits (0: a miss). */
    int entry(int[] s, int b, int page) {
        int slot = find(s, b, page);
        return slot < 0 ? 0 : s[b + layout.tlb + slot];
    }

    /** The page whose PTE the entry in {@code slot} was filled from. */
    int page(int slot) {
        return slot / tags;
    }

    /** How many valid entries the TLB at {@code b} holds. */
    int count(int[] s, int b) {
        int n = 0;
        for (int i = 0; i < slots; i++) {
            n += s[b + layout.tlb + i] != 0 ? 1 : 0;
        }
        return n;
    }

    /** Whether a fill would have to evict an entry. */
    boolean full(int[] s, int b) {
        return count(s, b) >= hw.tlbCapacity();
    }

    /** Whether a fill can ever find the TLB full: its capacity is below its slots. */
    boolean bounded() {
        return hw.tlbCapacity() < slots;
    }

    /**
     * Fills {@code page} with {@code entry} under the current ASID, evicting the entry in slot {@code victim}
     * (-1: none chosen); returns the slot evicted, or -1.
     */
    int fill(int[] s, int b, int page, int entry, int victim) {
        int target = layout.tlbSlot(page, asids ? s[b + layout.asid] : 0);
        if (victim < 0 && bounded() && count(s, b) >= hw.tlbCapacity()) {
            // A fill inside an atomic block has no victim choice of its own: the lowest entry goes.
            for (int i = 0; i < slots && victim < 0; i++) {
                if (i != target && s[b + layout.tlb + i] != 0) {
                    victim = i;
                }
            }
        }
        if (victim >= 0) {
            s[b + layout.tlb + victim] = 0;
        }
        s[b + layout.tlb + target] = entry;
        return victim;
    }

    /** Replaces the entry a lookup of {@code page} hits (a D bit the walker set), or fills it under the current ASID (a speculative fill). */
    void put(int[] s, int b, int page, int entry) {
        int slot = find(s, b, page);
        s[b + layout.tlb + (slot >= 0 ? slot : layout.tlbSlot(page, asids ? s[b + layout.asid] : 0))] = entry;
    }

    /** A fault drops the faulting address's entry (SDM vol. 3A 4.10.4.1). */
    void drop(int[] s, int b, int page) {
        int slot = find(s, b, page);
        if (slot >= 0) {
            s[b + layout.tlb + slot] = 0;
        }
    }

    /** The EVICT actions of CPU {@code c} (knob evictions): any valid entry may go at any moment. */
    int actions(int[] s, int c, int b, int[] out, int n) {
        if (hw.evictions()) {
            for (int i = 0; i < slots; i++) {
                if (s[b + layout.tlb + i] != 0) {
                    out[n++] = Action.of(Action.EVICT, c, i);
                }
            }
        }
        return n;
    }

    /** The EVICT action: the entry in {@code slot} leaves CPU {@code c}'s TLB. */
    void evict(int[] s, int c, int b, int slot) {
        if (events != null) {
            events.on(Event.EVICT, c, page(slot), 0);
        }
        s[b + layout.tlb + slot] = 0;
        if (narrator != null) {
            say("TLB entry for " + slotName(slot) + " evicted");
        }
    }

    /** A slot's entry as narration names it: its page, and its ASID where entries have one. */
    String slotName(int slot) {
        return names.page(page(slot)) + (asids ? " (ASID " + slot % tags + ")" : "");
    }

    /**
     * An invalidation of {@code page} naming its address space, in the TLB at {@code b}, with the
     * paging-structure entries it covers: the page's entry goes whatever the CPU runs (without ASIDs,
     * a slot is a page, and a page belongs to one address space).
     */
    void invalidate(int[] s, int b, int page) {
        s[b + layout.tlb + page] = 0;
        walkCaches.invalidate(s, b, page);
    }

    /**
     * A last-level-only invalidation of {@code page} naming its address space: the TLB entry goes, the
     * paging-structure cache entries on its way stay (TLBI VALE1IS, ARM ARM D8.13; INVLPGB with
     * INVLPGB_FINAL_ONLY, arch/x86/include/asm/tlb.h). Linux uses it when the mmu_gather freed no table.
     */
    void invalidateLastLevel(int[] s, int b, int page) {
        s[b + layout.tlb + page] = 0;
    }

    /**
     * With ASIDs, an invalidation of {@code page}'s address under ASID {@code tag}: the entry of every
     * address space at that address filled under the ASID goes (a TLB entry is matched by VA and ASID:
     * TLBI VAE1, ARM ARM D8.13; INVLPG and INVPCID type 0, SDM vol. 3A 4.10.4.1), with the
     * paging-structure entries it covers.
     */
    void invalidate(int[] s, int b, int page, int tag) {
        for (int q : sameVa[page]) {
            s[b + layout.tlb + layout.tlbSlot(q, tag)] = 0;
        }
        walkCaches.invalidate(s, b, page, tag);
    }

    /** With ASIDs, every entry of ASID {@code tag} goes, with its paging-structure entries (TLBI ASIDE1; INVPCID type 1). */
    void invalidateTag(int[] s, int b, int tag) {
        for (int p = 0; p < pages; p++) {
            s[b + layout.tlb + layout.tlbSlot(p, tag)] = 0;
        }
        walkCaches.flushTag(s, b, tag);
    }

    /**
     * A full flush: with PCIDs only the current address space's entries go (a CR3 reload, SDM 4.10.4.1);
     * otherwise every entry, of every ASID (TLBI VMALLE1, ARM ARM D8.13; INVPCID types 2 and 3).
     */
    void flushAll(int[] s, int b) {
        if (!hw.pcid()) {
            java.util.Arrays.fill(s, b + layout.tlb, b + layout.tlb + slots, 0);
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

    /** The valid entries of the TLB at {@code b}, by page name and, with ASIDs, the ASID ({@code q@asid3}; for snapshots). */
    java.util.Map<String, String> describe(int[] s, int b) {
        java.util.Map<String, String> tlb = new java.util.LinkedHashMap<>();
        for (int i = 0; i < slots; i++) {
            if (s[b + layout.tlb + i] != 0) {
                tlb.put(names.tlbSlot(i), names.pte(s[b + layout.tlb + i]));
            }
        }
        return tlb;
    }
}
