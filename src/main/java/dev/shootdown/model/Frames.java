package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * Physical frames ({@link FrameState}): who owns each (free, the kernel, an address space), whether
 * its content is newer than its saved copy, and the kernel's allocation, freeing, writing and
 * write-back. A user access that reaches a frame its address space does not own is
 * {@code use_after_free}; freeing a frame with writes newer than its saved copy is {@code lost_write}.
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
        if (narrator != null) {
            say("frame " + names.frame(f) + " freed");
        }
        if (events != null) {
            events.on(Event.FRAME_FREE, 0, f, 0);
        }
    }

    /** A frame the kernel allocated becomes address space {@code mm}'s once a PTE or PMD of it maps it. */
    void mapped(int[] s, int f, int mm) {
        int at = layout.frameBase + f;
        if (FrameState.owner(s[at]) == FrameState.KERNEL) {
            s[at] = FrameState.withOwner(s[at], FrameState.mmOwner(mm));
        }
    }

    /** The state word of frame {@code f}. */
    int state(int[] s, int f) {
        return s[layout.frameBase + f];
    }

    /** Whether frame state {@code fs} belongs to address space {@code mm}: anything else reached by it is a use after free. */
    static boolean ownedBy(int fs, int mm) {
        return FrameState.owner(fs) == FrameState.mmOwner(mm);
    }

    /** A user access of address space {@code mm} reached frame {@code f}: it must be that space's. */
    void reached(int[] s, int f, int fs, int mm, String what) {
        if (!ownedBy(fs, mm)) {
            monitors.fail(Verdict.USE_AFTER_FREE, what + " frame " + names.frame(f) + ", which is "
                    + FrameState.describe(fs, program.mmNames()));
        }
    }

    /** A user store changed frame {@code f} (state {@code fs} before it). */
    void userStore(int[] s, int f, int fs) {
        s[layout.frameBase + f] = fs | FrameState.MODIFIED;
        icache.contentChanged(s, f);
    }

    /** Every frame's state in words, by name (for snapshots). */
    java.util.Map<String, String> describe(int[] s) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (int f = 0; f < frames; f++) {
            out.put(names.frame(f), FrameState.describe(s[layout.frameBase + f], program.mmNames()));
        }
        return out;
    }
}
