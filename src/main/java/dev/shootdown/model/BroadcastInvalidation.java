package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * Broadcast TLB invalidation: PowerPC {@code tlbie}, arm64 {@code TLBI ...IS}, AMD {@code INVLPGB}.
 * The issuer's entry goes at once; each other CPU performs the invalidation at some later point (a
 * BCAST action), and the issuer's {@code tlbsync} / {@code DSB ISH} / {@code TLBSYNC} waits until
 * all of them have (Power ISA 3.0 Book III 6.10; ARM ARM D8.13.4; AMD APM vol. 3 INVLPGB).
 *
 * <p>A broadcast names the address space it invalidates in its operand, so every CPU drops the
 * page's entry whatever the CPU itself runs: {@code tlbie}'s PID or VSID, {@code TLBI VAE1IS}'s
 * ASID, {@code INVLPGB}'s PCID (AMD APM vol. 3, INVLPGB: rAX and EDX give the address and the PCID).
 * With {@code pcid} that differs from a local {@code flush_tlb_page}, which is INVLPG and acts on
 * the current address space only.
 *
 * <p>Crosses into {@link Tlb}: performing an invalidation drops the TLB entry and the
 * paging-structure entries it covers.
 */
final class BroadcastInvalidation extends Observed {
    private final Layout layout;
    private final CpuSets sets;
    private final Names names;
    private final Expressions x;
    private final Tlb tlb;
    private final int pages;

    BroadcastInvalidation(Program program, Layout layout, CpuSets sets, Names names, Expressions x, Tlb tlb) {
        this.layout = layout;
        this.sets = sets;
        this.names = names;
        this.x = x;
        this.tlb = tlb;
        this.pages = program.pages();
    }

    void register(BuiltinTable table) {
        BuiltinTable.Operation issue = new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                // PowerPC tlbie, arm64 TLBI ...IS, AMD INVLPGB: the local entry goes now, other CPUs'
                // entries at some later point, all of them by the issuer's tlbsync / DSB ISH / TLBSYNC
                // (Power ISA 3.0 Book III 6.10; ARM ARM D8.13.4; AMD APM vol. 3 INVLPGB).
                int page = x.eval(o.args()[0], s, c, fr);
                if (events != null) {
                    events.on(Event.TLBIE, c, page, 0);
                }
                tlb.invalidate(s, b, page);
                int me = sets.single(c);
                for (int t = 0; t < layout.cpus; t++) {
                    if (t != c) {
                        int at = layout.cpu(t) + layout.bcast + page;
                        s[at] = sets.union(s[at], me);
                    }
                }
                return 0;
            }
        };
        table.op(Builtin.TLBIE, issue);
        table.op(Builtin.TLBI_IS, issue);
        table.op(Builtin.INVLPGB, issue);
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

    /** The BCAST actions of CPU {@code c}: one per (page, issuer) it has not yet performed. */
    int actions(int[] s, int c, int b, int[] out, int n) {
        for (int p = 0; p < pages; p++) {
            if (layout.bcastPages == 0) {
                break;
            }
            int issuers = s[b + layout.bcast + p];
            for (int i = sets.next(issuers, 0); i >= 0; i = sets.next(issuers, i + 1)) {
                out[n++] = Action.of(Action.BCAST, c, (p << Action.SENDER_BITS) | i);
            }
        }
        return n;
    }

    /** Whether some CPU has yet to perform a broadcast invalidation {@code issuer} issued. */
    private boolean pendingFrom(int[] s, int issuer) {
        for (int c = 0; c < layout.cpus; c++) {
            if (layout.bcastPages == 0) {
                return false;
            }
            int b = layout.cpu(c) + layout.bcast;
            for (int p = 0; p < pages; p++) {
                if (sets.contains(s[b + p], issuer)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** CPU {@code c} performs {@code issuer}'s broadcast invalidation of {@code page}. */
    void perform(int[] s, int c, int b, int page, int issuer) {
        s[b + layout.bcast + page] = sets.diff(s[b + layout.bcast + page], sets.single(issuer));
        tlb.invalidate(s, b, page);
        if (events != null) {
            events.on(Event.BCAST_PERFORM, c, page, issuer);
        }
        if (narrator != null) {
            say("broadcast invalidation of " + names.page(page) + " from cpu" + issuer + " performed");
        }
    }
}
