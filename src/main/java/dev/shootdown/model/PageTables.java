package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * The kernel's side of the page tables: PTE stores ({@code set_pte}, {@code pte_clear}) and those of
 * the entries that hook tables ({@code pmd_clear}, {@code pmd_populate}, and {@code pud_}, {@code p4d_} a
 * level up), the locked read-modify-writes ({@code ptep_*},
 * {@code pmdp_get_and_clear}), the lockless software walk of {@code gup_fast}, and the PTE values
 * and reads of expressions ({@code ptep_get}, {@code mk_pte}, {@code pte_mkclean}, ...).
 *
 * <p>Crosses into {@link StoreBuffer} (plain PTE and PMD stores are kernel stores), {@link XenQueue}
 * (a Xen PV guest queues its PTE stores, and a locked update flushes the queue first) and
 * {@link Frames} (a frame the kernel allocated becomes an address space's once mapped; gup_fast
 * must not read a freed table or take a freed page).
 */
final class PageTables extends Observed {
    private final Program program;
    private final Layout layout;
    private final Names names;
    private final Monitors monitors;
    private final Expressions x;
    private final StoreBuffer sb;
    private final XenQueue xen;
    private final Frames frames;
    private final int[] pageMm;
    private final int[] pageTable;
    private final PageTableTree tree;

    PageTables(Program program, Layout layout, Names names, Monitors monitors, Expressions x, StoreBuffer sb, XenQueue xen,
               Frames frames) {
        this.program = program;
        this.layout = layout;
        this.names = names;
        this.monitors = monitors;
        this.x = x;
        this.sb = sb;
        this.xen = xen;
        this.frames = frames;
        this.pageMm = program.pageMm();
        this.pageTable = program.pageTable();
        this.tree = new PageTableTree(program);
    }

    void register(BuiltinTable table) {
        table.op(Builtin.SET_PTE, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int page = x.eval(o.args()[0], s, c, fr);
                int pte = x.eval(o.args()[1], s, c, fr);
                pteStore(s, c, b, page, pte);
                if (events != null) {
                    events.on(Event.PTE_WRITE, c, page, 0);
                }
                if (Pte.present(pte)) {
                    frames.mappedByPte(s, Pte.pfn(pte), pageMm[page]);
                }
                if (narrator != null && !xen.queues()) {
                    say("PTE " + names.page(page) + " := " + names.pte(pte));
                }
                return 0;
            }
        });
        table.op(Builtin.PTE_CLEAR, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int page = x.eval(o.args()[0], s, c, fr);
                pteStore(s, c, b, page, 0);
                if (events != null) {
                    events.on(Event.PTE_WRITE, c, page, 0);
                }
                if (narrator != null && !xen.queues()) {
                    say("PTE " + names.page(page) + " cleared");
                }
                return 0;
            }
        });
        table.op(Builtin.PTEP_GET_AND_CLEAR, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                xen.beforeLockedUpdate(s, c, b);
                return clearPteBits(s, c, x.eval(o.args()[0], s, c, fr), -1, "PTE");
            }
        });
        table.op(Builtin.PTEP_CMPXCHG, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                xen.beforeLockedUpdate(s, c, b);
                int page = x.eval(o.args()[0], s, c, fr);
                if (events != null) {
                    events.on(Event.PTE_ATOMIC, c, page, 0);
                }
                int expected = x.eval(o.args()[1], s, c, fr);
                int desired = x.eval(o.args()[2], s, c, fr);
                int result = 0;
                if (s[layout.pteBase + page] == expected) {
                    s[layout.pteBase + page] = desired;
                    result = 1;
                }
                if (narrator != null) {
                    say("cmpxchg PTE " + names.page(page) + (result != 0 ? " succeeded: " + names.pte(desired) : " failed: PTE is " + names.pte(s[layout.pteBase + page])));
                }
                return result;
            }
        });
        table.op(Builtin.PTEP_TEST_AND_CLEAR_YOUNG, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                xen.beforeLockedUpdate(s, c, b);
                return Pte.accessed(clearPteBits(s, c, x.eval(o.args()[0], s, c, fr), Pte.ACCESSED, "A bit")) ? 1 : 0;
            }
        });
        table.op(Builtin.PTEP_MKCLEAN, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                xen.beforeLockedUpdate(s, c, b);
                return clearPteBits(s, c, x.eval(o.args()[0], s, c, fr), Pte.DIRTY, "D bit");
            }
        });
        table.op(Builtin.PTEP_SET_WRPROTECT, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                xen.beforeLockedUpdate(s, c, b);
                return clearPteBits(s, c, x.eval(o.args()[0], s, c, fr), Pte.WRITABLE, "W bit");
            }
        });
        hooks(table, 0, Builtin.PMD_CLEAR, Builtin.PMD_POPULATE, Builtin.PMD_GET);
        hooks(table, 1, Builtin.PUD_CLEAR, Builtin.PUD_POPULATE, Builtin.PUD_GET);
        hooks(table, 2, Builtin.P4D_CLEAR, Builtin.P4D_POPULATE, Builtin.P4D_GET);
        table.op(Builtin.PMDP_GET_AND_CLEAR, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                xen.beforeLockedUpdate(s, c, b);
                int t = x.eval(o.args()[0], s, c, fr);
                if (!atLevel(t, 0, o.op())) {
                    return 0;
                }
                int result = s[layout.pmdBase + t];
                s[layout.pmdBase + t] = 0;
                if (narrator != null) {
                    say("PMD of table " + names.table(t) + " cleared atomically (table unhooked), was " + names.pte(result));
                }
                return result;
            }
        });
        table.op(Builtin.GUP_FAST, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                // The entry hooking the page's table at the top level the model has (none: as if present).
                int page = x.eval(o.args()[0], s, c, fr);
                return gupRead(s, tree.at(page, Math.max(tree.depth() - 1, 0)));
            }
        });
        table.op(Builtin.GUP_FAST_DOWN, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int page = x.eval(o.args()[0], s, c, fr);
                int entry = x.eval(o.args()[1], s, c, fr);
                int level = x.eval(o.args()[2], s, c, fr);
                int above = tree.at(page, level + 1);
                if (above >= 0 && !gupTable(s, c, above, entry)) {
                    return 0;
                }
                return gupRead(s, tree.at(page, level));
            }
        });
        table.op(Builtin.GUP_FAST_PTE, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                gupFast(s, c, x.eval(o.args()[0], s, c, fr), x.eval(o.args()[1], s, c, fr));
                return 0;
            }
        });

        table.function(Builtin.PAGE_VA, new BuiltinTable.Function() {
            @Override
            int call(IrExpr[] a, int[] s, int c, int fr) {
                return program.pageVa()[x.eval(a[0], s, c, fr)];
            }
        });
        table.function(Builtin.TABLE_FRAME, new BuiltinTable.Function() {
            @Override
            int call(IrExpr[] a, int[] s, int c, int fr) {
                return program.tableFrame()[x.eval(a[0], s, c, fr)];
            }
        });
        table.function(Builtin.PTEP_GET, new BuiltinTable.Function() {
            @Override
            int call(IrExpr[] a, int[] s, int c, int fr) {
                int page = x.eval(a[0], s, c, fr);
                if (events != null) {
                    events.on(Event.PTE_READ, c, page, 0);
                }
                return sb.load(s, c, layout.pteBase + page);
            }
        });
        table.function(Builtin.MK_PTE, new BuiltinTable.Function() {
            @Override
            int call(IrExpr[] a, int[] s, int c, int fr) {
                return Pte.make(x.eval(a[0], s, c, fr), x.eval(a[1], s, c, fr) != 0);
            }
        });
        table.function(Builtin.PTE_MKCLEAN, new BuiltinTable.Function() {
            @Override
            int call(IrExpr[] a, int[] s, int c, int fr) {
                return x.eval(a[0], s, c, fr) & ~Pte.DIRTY;
            }
        });
        table.function(Builtin.PTE_MKDIRTY, new BuiltinTable.Function() {
            @Override
            int call(IrExpr[] a, int[] s, int c, int fr) {
                return x.eval(a[0], s, c, fr) | Pte.DIRTY;
            }
        });
        table.function(Builtin.PTE_WRPROTECT, new BuiltinTable.Function() {
            @Override
            int call(IrExpr[] a, int[] s, int c, int fr) {
                return x.eval(a[0], s, c, fr) & ~Pte.WRITABLE;
            }
        });
        table.function(Builtin.PTE_MKOLD, new BuiltinTable.Function() {
            @Override
            int call(IrExpr[] a, int[] s, int c, int fr) {
                return x.eval(a[0], s, c, fr) & ~Pte.ACCESSED;
            }
        });
    }

    /** A kernel PTE store: queued under Xen PV (xpq_queue_pte_update), else an ordinary store. */
    private void pteStore(int[] s, int c, int b, int page, int pte) {
        if (xen.queues()) {
            xen.queue(s, c, b, page, pte);
        } else {
            sb.store(s, c, b, layout.pteBase + page, pte);
        }
    }

    /** A locked read-modify-write that clears {@code bits} of a PTE and returns its old value. */
    private int clearPteBits(int[] s, int c, int page, int bits, String what) {
        if (events != null) {
            events.on(Event.PTE_ATOMIC, c, page, 0);
        }
        int old = s[layout.pteBase + page];
        s[layout.pteBase + page] = old & ~bits;
        if (narrator != null) {
            say((bits == -1 ? what + " " : what + " of ") + names.page(page) + " cleared atomically, was " + names.pte(old));
        }
        return old;
    }

    /** gup_fast reads the entry hooking table {@code t} (-1: none on the page's way at that level, as if present). */
    private int gupRead(int[] s, int t) {
        if (t < 0) {
            return Pte.make(0, true);
        }
        int result = s[layout.pmdBase + t];
        if (narrator != null) {
            say("gup_fast reads " + PageTableTree.entry(tree.level(t)) + " of " + names.table(t) + ": " + names.pte(result));
        }
        return result;
    }

    /**
     * gup_fast goes into table {@code t} through {@code entry}, the entry hooking it that it read a step
     * earlier: not present, it falls back to the slow path; a free frame is a walk of a freed table.
     * Returns whether the walk goes on.
     */
    private boolean gupTable(int[] s, int c, int t, int entry) {
        if (!Pte.present(entry)) {
            // Nested tables: a fallback found at a level above passes 0 down, and is said once, at the end.
            if (narrator != null && tree.level(t) == 0) {
                say("gup_fast: " + (tree.depth() > 1 ? "an entry on the way to " + names.table(t) : "PMD of " + names.table(t))
                        + " not present: falls back to the slow path");
            }
            return false;
        }
        int tf = Pte.pfn(entry);
        if (frames.isFree(s, tf)) {
            monitors.fail(Verdict.WALK_OF_FREED_TABLE, "gup_fast on cpu" + c + " reads page table " + names.frame(tf) + ", which is free");
            return false;
        }
        return true;
    }

    /**
     * The built-ins on the entries that hook tables of {@code level}: clear, populate and read, as
     * Linux's pmd_clear/pmd_populate (and pud_, p4d_) do on the entry in the table above (or in the
     * mm's top-level table).
     */
    private void hooks(BuiltinTable table, int level, Builtin clear, Builtin populate, Builtin get) {
        String entry = PageTableTree.entry(level);
        table.op(clear, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int t = x.eval(o.args()[0], s, c, fr);
                if (atLevel(t, level, o.op())) {
                    sb.store(s, c, b, layout.pmdBase + t, 0);
                    if (narrator != null) {
                        say(entry + " of table " + names.table(t) + " cleared (table unhooked)");
                    }
                }
                return 0;
            }
        });
        table.op(populate, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int t = x.eval(o.args()[0], s, c, fr);
                int f = x.eval(o.args()[1], s, c, fr);
                if (atLevel(t, level, o.op())) {
                    sb.store(s, c, b, layout.pmdBase + t, Pte.make(f, true));
                    frames.mappedByPmd(s, f, program.tableMm()[t]);
                    if (narrator != null) {
                        say("table " + names.table(t) + " hooked with frame " + names.frame(f));
                    }
                }
                return 0;
            }
        });
        table.function(get, new BuiltinTable.Function() {
            @Override
            int call(IrExpr[] a, int[] s, int c, int fr) {
                int t = x.eval(a[0], s, c, fr);
                return atLevel(t, level, get) ? sb.load(s, c, layout.pmdBase + t) : 0;
            }
        });
    }

    /**
     * Whether table {@code t} is hooked by an entry of the level {@code op} works on (pmd_* on last-level
     * tables, pud_* on PMD tables, p4d_* on PUD tables); otherwise an assertion violation names the right one.
     */
    private boolean atLevel(int t, int level, Builtin op) {
        if (tree.level(t) == level) {
            return true;
        }
        monitors.fail(Verdict.ASSERTION, PageTableTree.wrongLevel(op, names.table(t), tree.level(t), level));
        return false;
    }

    /**
     * get_user_pages_fast: a software walk of the page tables in memory (no TLB, no paging-structure
     * cache), then a reference to the page. Linux runs it with interrupts off so that a table cannot
     * be freed under it by a freer that waits for IPIs (seed 004; mm/gup.c).
     */
    private void gupFast(int[] s, int c, int page, int pmd) {
        int t = pageTable[page];
        if (t >= 0 && !gupTable(s, c, t, pmd)) {
            return;
        }
        int pte = s[layout.pteBase + page];
        if (!Pte.present(pte)) {
            if (narrator != null) {
                say("gup_fast: PTE of " + names.page(page) + " not present: falls back to the slow path");
            }
            return;
        }
        int f = Pte.pfn(pte);
        if (narrator != null) {
            say("gup_fast: " + names.page(page) + " -> frame " + names.frame(f) + ", reference taken");
        }
        frames.reached(s, f, pageMm[page], "gup_fast takes a reference to");
    }
}
