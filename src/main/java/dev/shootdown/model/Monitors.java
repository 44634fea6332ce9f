package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * The property monitors: the violation an action found (the first one, of a property the model
 * checks) and its explanation, and the ghost state of {@code no_write_after_protect}. Every room
 * reports here when one of its rules breaks a property; the monitors depend on no room.
 */
final class Monitors {
    private final Program program;
    private final Layout layout;
    private final Names names;
    /** The verdict ordinal of the violation found in this action, or -1. */
    int violation = -1;
    String note;

    Monitors(Program program, Layout layout, Names names) {
        this.program = program;
        this.layout = layout;
        this.names = names;
    }

    /** The ghost statement {@code protect_done(page)}: mprotect(read-only) of the page has returned. */
    void register(BuiltinTable table, Expressions x) {
        table.op(Builtin.PROTECT_DONE, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                s[layout.protectedPages + x.eval(o.args()[0], s, c, fr)] = 1;
                return 0;
            }
        });
    }

    /** Before an action (or an invariant's evaluation): no violation yet. */
    void clear() {
        violation = -1;
        note = null;
    }

    boolean failed() {
        return violation >= 0;
    }

    /** Records a violation of {@code v}, unless one was already found or the model does not check {@code v}. */
    void fail(Verdict v, String note) {
        if (violation >= 0 || !program.properties().contains(v)) {
            return;
        }
        violation = v.ordinal();
        this.note = note;
    }

    /** no_write_after_protect: a user store to {@code page} succeeded; was its mprotect(read-only) done? */
    void userStore(int[] s, int page) {
        if (layout.size > layout.protectedPages && s[layout.protectedPages + page] != 0) {
            fail(Verdict.WRITE_AFTER_PROTECT, "store to " + names.page(page) + " succeeds after mprotect(read-only) returned");
        }
    }
}
