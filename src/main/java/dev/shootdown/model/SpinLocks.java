package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * Spin locks over an int variable: {@code spin_lock} is a test-and-set that waits while the lock
 * is held (a locked instruction, so it writes memory directly), {@code spin_unlock} a plain store.
 *
 * <p>Crosses into {@link StoreBuffer}: the release is a kernel store, buffered under TSO.
 */
final class SpinLocks extends Observed {
    private final Expressions x;
    private final StoreBuffer sb;

    SpinLocks(Expressions x, StoreBuffer sb) {
        this.x = x;
        this.sb = sb;
    }

    void register(BuiltinTable table) {
        table.op(Builtin.SPIN_LOCK, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int at = x.targetIndex(o.lock(), s, c, fr);
                s[at] = 1;
                if (events != null) {
                    events.on(Event.LOCK, c, at, 1);
                }
                return 0;
            }
        });
        table.guard(Builtin.SPIN_LOCK, new BuiltinTable.Guard() {
            @Override
            boolean allows(int[] s, int c, int b, int fr, Insn.Op o) {
                return s[x.targetIndex(o.lock(), s, c, fr)] == 0;
            }
        });
        table.op(Builtin.SPIN_UNLOCK, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int at = x.targetIndex(o.lock(), s, c, fr);
                sb.store(s, c, b, at, 0);
                if (events != null) {
                    events.on(Event.LOCK, c, at, 0);
                }
                return 0;
            }
        });
    }
}
