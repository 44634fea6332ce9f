package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * Broadcast TLB invalidation: PowerPC {@code tlbie}, arm64 {@code TLBI ...IS}, AMD {@code INVLPGB}.
 * The issuer's entry goes at once; each other CPU performs the invalidation at some later point (a
 * BCAST action), and the issuer's {@code tlbsync} / {@code DSB ISH} / {@code TLBSYNC} waits until
 * all of them have (Power ISA 3.0 Book III 6.10; ARM ARM D8.13.4; AMD APM vol. 3 INVLPGB).
 *
 * <p>A broadcast names the address space it invalidates in its operand, so every CPU drops the
 * entries of that address space, whatever the CPU itself runs: {@code tlbie}'s PID or VSID,
 * {@code TLBI VAE1IS}'s ASID, {@code INVLPGB}'s PCID (AMD APM vol. 3, INVLPGB: rAX and EDX give the
 * address and the PCID). Without ASIDs the address space is the page's own; with them the operand
 * names the ASID ({@code tlbi_vae1is}, {@code tlbi_aside1is}), or every ASID ({@code tlbi_vmalle1is}).
 * A pending invalidation is a slot of {@link Layout#bcast}: a page without ASIDs; with them a
 * (page, ASID), an ASID or everything.
 *
 * <p>Crosses into {@link Tlb}: performing an invalidation drops the TLB entries and the
 * paging-structure entries it covers.
 */
final class BroadcastInvalidation extends Observed {
    private final Layout layout;
    private final CpuSets sets;
    private final Names names;
    private final Expressions x;
    private final Tlb tlb;
    private final Program program;
    private final Monitors monitors;
    private final PageRanges ranges;
    private final boolean asids;

    BroadcastInvalidation(Program program, Layout layout, CpuSets sets, Names names, Monitors monitors, Expressions x, Tlb tlb) {
        this.program = program;
        this.monitors = monitors;
        this.ranges = new PageRanges(program);
        this.layout = layout;
        this.sets = sets;
        this.names = names;
        this.x = x;
        this.tlb = tlb;
        this.asids = program.hardware().asids() > 0;
    }

    void register(BuiltinTable table) {
        BuiltinTable.Operation issue = new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                // PowerPC tlbie, arm64 TLBI ...IS, AMD INVLPGB: the local entry goes now, other CPUs'
                // entries at some later point, all of them by the issuer's tlbsync / DSB ISH / TLBSYNC
                // (Power ISA 3.0 Book III 6.10; ARM ARM D8.13.4; AMD APM vol. 3 INVLPGB).
                int page = x.eval(o.args()[0], s, c, fr);
                queue(s, c, page);
                tlb.invalidate(s, b, page);
                return 0;
            }
        };
        table.op(Builtin.TLBIE, issue);
        table.op(Builtin.TLBI_IS, issue);
        table.op(Builtin.INVLPGB, issue);
        // A range: arm64's __flush_tlb_range(), a TLBI VAE1IS per page (VALE1IS with last_level: the TLB entry
        // only, the walk caches stay, ARM ARM D8.13; INVLPGB with INVLPGB_FINAL_ONLY likewise), or for a
        // range over the ceiling the whole address space (flush_tlb_mm(): TLBI ASIDE1IS); completed by DSB ISH.
        table.op(Builtin.TLBI_RANGE_IS, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int start = x.eval(o.args()[0], s, c, fr);
                int end = x.eval(o.args()[1], s, c, fr);
                String invalid = ranges.invalid(start, end, names);
                if (invalid != null) {
                    monitors.fail(Verdict.ASSERTION, "tlbi_range_is(" + names.page(start) + ", " + names.page(end) + "): " + invalid);
                    return 0;
                }
                boolean whole = ranges.whole(start, end);
                boolean lastLevel = !whole && x.eval(o.args()[2], s, c, fr) != 0;
                int[] mm = ranges.of(program.pageMm()[start]);
                int n = whole ? mm.length : ranges.count(start, end);
                for (int i = 0; i < n; i++) {
                    int page = whole ? mm[i] : ranges.page(start, i);
                    if (lastLevel) {
                        queue(s, c, layout.bcastLastLevel(page));
                        tlb.invalidateLastLevel(s, b, page);
                    } else {
                        queue(s, c, page);
                        tlb.invalidate(s, b, page);
                    }
                }
                if (narrator != null) {
                    say(whole ? ranges.count(start, end) + " pages, over the ceiling of " + ranges.ceiling()
                            + ": every page of the address space invalidated here, and queued on the other CPUs"
                            : ranges.count(start, end) + (n == 1 ? " page" : " pages") + (lastLevel ? " (last level only)" : "")
                            + " invalidated here, and queued on the other CPUs");
                }
                return 0;
            }
        });
        // arm64 TLBI VAE1IS, Xt: the entries of the address under the ASID in Xt[63:48], on every PE of
        // the Inner Shareable domain (ARM ARM D8.13).
        table.op(Builtin.TLBI_VAE1IS, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int page = x.eval(o.args()[0], s, c, fr);
                int tag = tlb.checkedTag(x.eval(o.args()[1], s, c, fr));
                queue(s, c, layout.bcastVa(page, tag));
                tlb.invalidate(s, b, page, tag);
                return 0;
            }
        });
        // TLBI ASIDE1IS, Xt: every entry of the ASID, on every PE (ARM ARM D8.13).
        table.op(Builtin.TLBI_ASIDE1IS, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int tag = tlb.checkedTag(x.eval(o.args()[0], s, c, fr));
                queue(s, c, layout.bcastAsid(tag));
                tlb.invalidateTag(s, b, tag);
                return 0;
            }
        });
        // TLBI VMALLE1IS: every stage 1 entry of every ASID (of the current VMID), on every PE (ARM ARM D8.13).
        table.op(Builtin.TLBI_VMALLE1IS, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                queue(s, c, layout.bcastAll());
                tlb.flushAll(s, b);
                return 0;
            }
        });
        BuiltinTable.Operation sync = new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                if (events != null) {
                    events.on(Event.TLBSYNC, c, 0, 0);
                }
                if (narrator != null) {
                    say("all broadcast invalidations from cpu" + c + " are complete");
                }
                return 0;
            }
        };
        BuiltinTable.Guard synced = new BuiltinTable.Guard() {
            @Override
            boolean allows(int[] s, int c, int b, int fr, Insn.Op o) {
                return !pendingFrom(s, c);
            }
        };
        table.op(Builtin.TLBSYNC, sync);
        table.guard(Builtin.TLBSYNC, synced);
        table.op(Builtin.DSB_ISH, sync);
        table.guard(Builtin.DSB_ISH, synced);
    }

    /** Queues CPU {@code c}'s invalidation of broadcast slot {@code slot} on every other CPU. */
    private void queue(int[] s, int c, int slot) {
        if (events != null) {
            events.on(Event.TLBIE, c, slot, 0);
        }
        int me = sets.single(c);
        for (int t = 0; t < layout.cpus; t++) {
            if (t != c) {
                int at = layout.cpu(t) + layout.bcast + slot;
                s[at] = sets.union(s[at], me);
            }
        }
    }

    /** The BCAST actions of CPU {@code c}: one per (slot, issuer) it has not yet performed. */
    int actions(int[] s, int c, int b, int[] out, int n) {
        for (int slot = 0; slot < layout.bcastSlots; slot++) {
            int issuers = s[b + layout.bcast + slot];
            for (int i = sets.next(issuers, 0); i >= 0; i = sets.next(issuers, i + 1)) {
                out[n++] = Action.of(Action.BCAST, c, (slot << Action.ISSUER_BITS) | i);
            }
        }
        return n;
    }

    /** Whether some CPU has yet to perform a broadcast invalidation {@code issuer} issued. */
    private boolean pendingFrom(int[] s, int issuer) {
        for (int c = 0; c < layout.cpus; c++) {
            int b = layout.cpu(c) + layout.bcast;
            for (int slot = 0; slot < layout.bcastSlots; slot++) {
                if (sets.contains(s[b + slot], issuer)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** CPU {@code c} performs {@code issuer}'s broadcast invalidation of {@code slot}. */
    void perform(int[] s, int c, int b, int slot, int issuer) {
        s[b + layout.bcast + slot] = sets.diff(s[b + layout.bcast + slot], sets.single(issuer));
        if (events != null) {
            events.on(Event.BCAST_PERFORM, c, slot, issuer);
        }
        int page = layout.bcastPage(slot);
        String what;
        if (!asids && layout.isLastLevel(slot)) {
            tlb.invalidateLastLevel(s, b, page);
            what = names.page(page) + " (last level)";
        } else if (!asids) {
            tlb.invalidate(s, b, slot);
            what = names.page(slot);
        } else if (page >= 0) {
            tlb.invalidate(s, b, page, slot % layout.tags);
            what = names.page(page) + "'s address under ASID " + slot % layout.tags;
        } else if (slot < layout.bcastAll()) {
            tlb.invalidateTag(s, b, slot - layout.tlbSlots);
            what = "ASID " + (slot - layout.tlbSlots);
        } else {
            tlb.flushAll(s, b);
            what = "every ASID";
        }
        if (narrator != null) {
            say("broadcast invalidation of " + what + " from cpu" + issuer + " performed");
        }
    }
}
