package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * Physical frames ({@link FrameState}): who owns each (free, the kernel, one address space or several
 * that share it), whether its content is newer than its saved copy, and the kernel's allocation,
 * freeing, writing, copying and write-back. A user access that reaches a frame its address space does
 * not own is {@code use_after_free}; freeing a frame with writes newer than its saved copy is
 * {@code lost_write}.
 *
 * <p>Content, where a model asks for it: each frame's content version (bumped by a user store,
 * copied by {@code copy_page}, returned by {@code read}), and the copies the kernel made with
 * {@code copy_page} (copy-on-write, migration): each frame remembers the frame it was copied from,
 * and which pages' last stores it misses. A store through page p that reaches a frame makes every
 * frame it was copied from, or that was copied from it, miss p's store; an access through p that
 * then reaches such a frame sees data older than p's own store: {@code no_stale_copy}, the
 * copy-on-write TLB race (Linux 6ce64428d620, "mm/userfaultfd: fix memory corruption due to
 * writeprotect": a write through a stale TLB entry to the old page after wp_page_copy() copied it
 * is lost).
 *
 * <p>Crosses into {@link Icache}: new content in a frame makes the i-cache lines of it stale.
 */
final class Frames extends Observed {
    private final Program program;
    private final Layout layout;
    private final Names names;
    private final Monitors monitors;
    private final Expressions x;
    private final Icache icache;
    private final int frames;

    Frames(Program program, Layout layout, Names names, Monitors monitors, Expressions x, Icache icache) {
        this.program = program;
        this.layout = layout;
        this.names = names;
        this.monitors = monitors;
        this.x = x;
        this.icache = icache;
        this.frames = program.frames();
    }

    void register(BuiltinTable table) {
        table.op(Builtin.FREE_FRAME, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                free(s, x.eval(o.args()[0], s, c, fr));
                return 0;
            }
        });
        table.op(Builtin.ALLOC_FRAME, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                return alloc(s, c);
            }
        });
        // The allocator has nothing to give until some frame is freed: the caller waits.
        table.guard(Builtin.ALLOC_FRAME, new BuiltinTable.Guard() {
            @Override
            boolean allows(int[] s, int c, int b, int fr, Insn.Op o) {
                return anyFree(s);
            }
        });
        table.op(Builtin.WRITEBACK, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int f = x.eval(o.args()[0], s, c, fr);
                int st = s[layout.frameBase + f];
                if (FrameState.isFree(st)) {
                    monitors.fail(Verdict.USE_AFTER_FREE, "writeback reads frame " + names.frame(f) + ", which is free");
                }
                s[layout.frameBase + f] = (st | FrameState.SAVED) & ~FrameState.MODIFIED;
                if (events != null) {
                    events.on(Event.WRITEBACK, c, f, 0);
                }
                if (narrator != null) {
                    say("frame " + names.frame(f) + " written back");
                }
                return 0;
            }
        });
        table.op(Builtin.WRITE_FRAME, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int f = x.eval(o.args()[0], s, c, fr);
                int at = layout.frameBase + f;
                if (FrameState.isFree(s[at])) {
                    monitors.fail(Verdict.USE_AFTER_FREE, "the kernel writes frame " + names.frame(f) + ", which is free");
                }
                s[at] |= FrameState.MODIFIED;
                icache.contentChanged(s, f);
                if (narrator != null) {
                    say("frame " + names.frame(f) + " filled with new content");
                }
                return 0;
            }
        });
        table.op(Builtin.COPY_PAGE, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                copy(s, x.eval(o.args()[0], s, c, fr), x.eval(o.args()[1], s, c, fr));
                return 0;
            }
        });
        table.function(Builtin.PAGE_MAPCOUNT, new BuiltinTable.Function() {
            @Override
            int call(IrExpr[] a, int[] s, int c, int fr) {
                return mapcount(s, x.eval(a[0], s, c, fr));
            }
        });
        table.function(Builtin.FRAME_FREE, new BuiltinTable.Function() {
            @Override
            int call(IrExpr[] a, int[] s, int c, int fr) {
                return isFree(s, x.eval(a[0], s, c, fr)) ? 1 : 0;
            }
        });
    }

    boolean isFree(int[] s, int f) {
        return FrameState.isFree(s[layout.frameBase + f]);
    }

    private boolean anyFree(int[] s) {
        for (int f = 0; f < frames; f++) {
            if (FrameState.isFree(s[layout.frameBase + f])) {
                return true;
            }
        }
        return false;
    }

    private int alloc(int[] s, int c) {
        int result = -1;
        for (int f = 0; f < frames; f++) {
            if (FrameState.isFree(s[layout.frameBase + f])) {
                result = f;
                break;
            }
        }
        if (result < 0) {
            monitors.fail(Verdict.ASSERTION, "alloc_frame: no free frame");
            return 0;
        }
        s[layout.frameBase + result] = FrameState.KERNEL;
        if (events != null) {
            events.on(Event.FRAME_ALLOC, c, result, 0);
        }
        if (narrator != null) {
            say("frame " + names.frame(result) + " allocated");
        }
        return result;
    }

    /** Frees a frame now (free_frame, or an RCU grace period's end): lost-write and double-free checks. */
    void free(int[] s, int f) {
        int st = s[layout.frameBase + f];
        if (FrameState.isFree(st)) {
            monitors.fail(Verdict.ASSERTION, "double free of frame " + names.frame(f));
        } else if ((st & FrameState.SAVED) != 0 && (st & FrameState.MODIFIED) != 0) {
            monitors.fail(Verdict.LOST_WRITE, "frame " + names.frame(f) + " freed with writes newer than its saved copy");
        }
        s[layout.frameBase + f] = FrameState.FREE;
        forget(s, f);
        if (narrator != null) {
            say("frame " + names.frame(f) + " freed");
        }
        if (events != null) {
            events.on(Event.FRAME_FREE, 0, f, 0);
        }
    }

    /** A frame the kernel allocated becomes address space {@code mm}'s once a PMD hooks it as a table. */
    void mappedByPmd(int[] s, int f, int mm) {
        int at = layout.frameBase + f;
        if (FrameState.owner(s[at]) == FrameState.KERNEL) {
            s[at] = FrameState.withOwner(s[at], FrameState.mmOwner(mm));
        }
    }

    /**
     * A PTE of address space {@code mm} maps frame {@code f}: a frame the kernel allocated becomes {@code mm}'s, and
     * another address space's frame becomes {@code mm}'s too, shared (fork's copy_present_pte maps the parent's
     * page into the child, mm/memory.c), where frames can be shared.
     */
    void mappedByPte(int[] s, int f, int mm) {
        int at = layout.frameBase + f;
        int owner = FrameState.owner(s[at]);
        if (owner == FrameState.KERNEL) {
            s[at] = FrameState.withOwner(s[at], FrameState.mmOwner(mm));
        } else if (owner != FrameState.FREE && owner != FrameState.mmOwner(mm) && layout.hasSharers()) {
            s[layout.sharersBase + f] |= FrameState.sharedBy(mm);
        }
    }

    /** The state word of frame {@code f}. */
    int state(int[] s, int f) {
        return s[layout.frameBase + f];
    }

    /** The mask of the further address spaces that map frame {@code f}. */
    private int sharers(int[] s, int f) {
        return layout.hasSharers() ? s[layout.sharersBase + f] : 0;
    }

    /** A user access (or gup_fast) of address space {@code mm} reached frame {@code f}: it must be one of that space's. */
    void reached(int[] s, int f, int mm, String what) {
        int fs = s[layout.frameBase + f];
        if (!FrameState.ownedBy(fs, sharers(s, f), mm)) {
            monitors.fail(Verdict.USE_AFTER_FREE, what + " frame " + names.frame(f) + ", which is "
                    + FrameState.describe(fs, sharers(s, f), program.mmNames()));
        }
    }

    /**
     * A user access through {@code page} reached frame {@code f}: with copies, it must not miss a store made through
     * that page to a frame it was copied from or to (no_stale_copy).
     */
    void reachedThrough(int[] s, int f, int page, String what) {
        if (layout.missedWords > 0 && (s[layout.missedWord(f, page)] >>> page % 31 & 1) != 0) {
            int newer = holder(s, f, page);
            monitors.fail(Verdict.STALE_COPY, what + " frame " + names.frame(f) + ", which misses the last store through " + names.page(page)
                    + (newer >= 0 ? " (it reached " + names.frame(newer) + ", " + relation(s, f, newer) + ")" : ""));
        }
    }

    /** The content version of frame {@code f} (0 where the model does not read versions). */
    int version(int[] s, int f) {
        return layout.hasVersions() ? s[layout.versionBase + f] : 0;
    }

    /**
     * A user store through {@code page} changed frame {@code f}: the content is newer than the saved copy, i-cache
     * lines of it are stale, its version goes up (returned), and every frame copied to or from it misses this store.
     */
    int userStore(int[] s, int f, int page) {
        s[layout.frameBase + f] |= FrameState.MODIFIED;
        icache.contentChanged(s, f);
        if (layout.missedWords > 0) {
            int bit = 1 << page % 31;
            for (int g = 0; g < frames; g++) {
                if (g != f && (descends(s, g, f) || descends(s, f, g))) {
                    s[layout.missedWord(g, page)] |= bit;
                }
            }
            s[layout.missedWord(f, page)] &= ~bit;
        }
        if (!layout.hasVersions()) {
            return 0;
        }
        int at = layout.versionBase + f;
        if (s[at] == Layout.MAX_VERSION) {
            monitors.fail(Verdict.ASSERTION, "the content version of frame " + names.frame(f) + " would pass " + Layout.MAX_VERSION
                    + ", the most a frame counts: bound the stores to it");
            return s[at];
        }
        return ++s[at];
    }

    /**
     * {@code copy_page(dst, src)}: the kernel copies frame {@code src} into {@code dst} (wp_page_copy's
     * cow_user_page, migrate_page_copy): {@code dst} gets {@code src}'s content, so its version and the stores it
     * misses, and is now a copy of {@code src}. Reading or writing a free frame is a use after free.
     */
    void copy(int[] s, int dst, int src) {
        if (isFree(s, src)) {
            monitors.fail(Verdict.USE_AFTER_FREE, "copy_page reads frame " + names.frame(src) + ", which is free");
            return;
        }
        if (isFree(s, dst)) {
            monitors.fail(Verdict.USE_AFTER_FREE, "copy_page writes frame " + names.frame(dst) + ", which is free");
            return;
        }
        s[layout.frameBase + dst] |= FrameState.MODIFIED;
        icache.contentChanged(s, dst);
        if (layout.hasVersions()) {
            s[layout.versionBase + dst] = s[layout.versionBase + src];
        }
        if (dst != src) {
            detach(s, dst);
            s[layout.sourceBase + dst] = src + 1;
            for (int k = 0; k < layout.missedWords; k++) {
                s[layout.missedBase + dst * layout.missedWords + k] = s[layout.missedBase + src * layout.missedWords + k];
            }
        }
        if (narrator != null) {
            say("frame " + names.frame(src) + " copied to " + names.frame(dst));
        }
    }

    /** How many present PTEs map frame {@code f} (page_mapcount). */
    private int mapcount(int[] s, int f) {
        int n = 0;
        for (int p = 0; p < program.pages(); p++) {
            int pte = s[layout.pteBase + p];
            if (Pte.present(pte) && Pte.pfn(pte) == f) {
                n++;
            }
        }
        return n;
    }

    /** A freed frame holds nothing: no further owners, version, lineage or missed stores. */
    private void forget(int[] s, int f) {
        if (layout.hasSharers()) {
            s[layout.sharersBase + f] = 0;
        }
        if (layout.hasVersions()) {
            s[layout.versionBase + f] = 0;
        }
        if (layout.hasSources()) {
            detach(s, f);
            for (int k = 0; k < layout.missedWords; k++) {
                s[layout.missedBase + f * layout.missedWords + k] = 0;
            }
        }
    }

    /** Frame {@code f} leaves the copy lineage: the frames copied from it are now copies of what it was copied from. */
    private void detach(int[] s, int f) {
        if (!layout.hasSources()) {
            return;
        }
        int parent = s[layout.sourceBase + f];
        for (int g = 0; g < frames; g++) {
            if (s[layout.sourceBase + g] == f + 1) {
                s[layout.sourceBase + g] = parent;
            }
        }
        s[layout.sourceBase + f] = 0;
    }

    /** Whether frame {@code g}'s content was copied, directly or through other copies, from frame {@code f}. */
    private boolean descends(int[] s, int g, int f) {
        if (!layout.hasSources()) {
            return false;
        }
        // The machine's lineage has no cycle (copy_page detaches its destination first); the bound keeps a state
        // made up by a reader (ReadProbe tries other values of each word) from looping.
        int a = s[layout.sourceBase + g];
        for (int k = 0; k < frames && a > 0 && a <= frames; k++) {
            if (a - 1 == f) {
                return true;
            }
            a = s[layout.sourceBase + a - 1];
        }
        return false;
    }

    /** A frame related to {@code f} by copying that holds the last store through {@code page}, or -1 (for the note). */
    private int holder(int[] s, int f, int page) {
        for (int g = 0; g < frames; g++) {
            if (g != f && (descends(s, g, f) || descends(s, f, g)) && (s[layout.missedWord(g, page)] >>> page % 31 & 1) == 0) {
                return g;
            }
        }
        return -1;
    }

    private String relation(int[] s, int f, int g) {
        return descends(s, g, f) ? "a copy of it" : "which it is a copy of";
    }

    /** Every frame's state in words, by name (for snapshots). */
    java.util.Map<String, String> describe(int[] s) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (int f = 0; f < frames; f++) {
            out.put(names.frame(f), FrameState.describe(s[layout.frameBase + f], sharers(s, f), program.mmNames()));
        }
        return out;
    }
}
