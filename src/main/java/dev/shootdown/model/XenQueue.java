package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * Xen PV guests (knob {@code xen_queue}; seed 002): each CPU queues its PTE updates
 * (xpq_queue_pte_update) until the queue is flushed, when the hypervisor applies them in order
 * (HYPERVISOR_mmu_update); a locked PTE update is a synchronous hypercall of its own, so the queue
 * goes first. The TLB-flush hypercalls act on every vCPU at once.
 *
 * <p>Crosses into {@link Tlb}: the flush hypercalls invalidate the vCPUs' TLBs.
 */
final class XenQueue extends Observed {
    private final Layout layout;
    private final Names names;
    private final Expressions x;
    private final Tlb tlb;
    /** Entries of each queue, 0 when the machine is not a Xen PV guest. */
    private final int entries;

    XenQueue(Program program, Layout layout, Names names, Expressions x, Tlb tlb) {
        this.layout = layout;
        this.names = names;
        this.x = x;
        this.tlb = tlb;
        this.entries = program.hardware().xenQueue();
    }

    void register(BuiltinTable table) {
        table.op(Builtin.XEN_FLUSH_QUEUE, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                flush(s, c, b);
                return 0;
            }
        });
        table.op(Builtin.XEN_TLB_FLUSH_ALL, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                for (int t = 0; t < layout.cpus; t++) {
                    tlb.flushAll(s, layout.cpu(t));
                }
                if (narrator != null) {
                    say("hypercall: every vCPU's TLB flushed");
                }
                return 0;
            }
        });
        table.op(Builtin.XEN_INVLPG_ALL, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                // Xen runs INVLPG on every vCPU: each drops the page's entry of the address space (or ASID) it runs.
                int page = x.eval(o.args()[0], s, c, fr);
                for (int t = 0; t < layout.cpus; t++) {
                    tlb.invalidateCurrent(s, layout.cpu(t), page);
                }
                if (narrator != null) {
                    say("hypercall: " + names.page(page) + " invalidated on every vCPU");
                }
                return 0;
            }
        });
    }

    /** Whether PTE stores are queued (a Xen PV guest) rather than stored. */
    boolean queues() {
        return entries > 0;
    }

    /** A kernel PTE store of a Xen PV guest: queued (xpq_queue_pte_update), not yet applied. */
    void queue(int[] s, int c, int b, int page, int pte) {
        int q = b + layout.xenQueue;
        if (s[q] == entries) {
            flush(s, c, b); // NetBSD's xpq_queue_pte_update flushes a full queue
        }
        int n = s[q];
        s[q + 1 + 2 * n] = page;
        s[q + 2 + 2 * n] = pte;
        s[q] = n + 1;
        if (narrator != null) {
            say("PTE " + names.page(page) + " := " + names.pte(pte) + " queued (not yet applied)");
        }
    }

    /** Before a locked PTE update, its own synchronous hypercall: the queue goes first, in order. */
    void beforeLockedUpdate(int[] s, int c, int b) {
        if (entries > 0 && s[b + layout.xenQueue] > 0) {
            flush(s, c, b);
        }
    }

    /** Xen PV: the hypervisor applies this CPU's queued PTE updates in order (HYPERVISOR_mmu_update). */
    private void flush(int[] s, int c, int b) {
        if (entries == 0) {
            return; // not a Xen PV guest: PTE writes were never queued
        }
        int q = b + layout.xenQueue;
        int n = s[q];
        for (int i = 0; i < n; i++) {
            int page = s[q + 1 + 2 * i];
            int pte = s[q + 2 + 2 * i];
            s[layout.pteBase + page] = pte;
            s[q + 1 + 2 * i] = 0;
            s[q + 2 + 2 * i] = 0;
            if (narrator != null) {
                say("hypervisor applies PTE " + names.page(page) + " := " + names.pte(pte));
            }
        }
        s[q] = 0;
    }
}
