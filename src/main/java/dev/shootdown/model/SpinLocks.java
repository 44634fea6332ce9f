package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * Spin locks over an int variable: {@code spin_lock} is a test-and-set that waits while the lock
 * is held (a locked instruction, so it writes memory directly), {@code spin_unlock} a plain store.
 *
 * <p>Crosses into {@link StoreBuffer}: the release is a kernel store, buffered under TSO.
 */
final class SpinLocks {
    private final Observers obs;
    private final Expressions x;
    private final StoreBuffer sb;

    SpinLocks(Observers obs, Expressions x, StoreBuffer sb) {
        this.obs = obs;
        this.x = x;
        this.sb = sb;
    }

    void register(BuiltinTable table) {
        table.op(Builtin.SPIN_LOCK, (s, c, b, fr, o, victim) -> {
            int at = x.targetIndex(o.lock(), s, c, fr);
            s[at] = 1;
            if (obs.events != null) {
                obs.events.on(Event.LOCK, c, at, 1);
            }
            return 0;
        });
        table.guard(Builtin.SPIN_LOCK, (s, c, b, fr, o) -> s[x.targetIndex(o.lock(), s, c, fr)] == 0);
        table.op(Builtin.SPIN_UNLOCK, (s, c, b, fr, o, victim) -> {
            int at = x.targetIndex(o.lock(), s, c, fr);
            sb.store(s, c, b, at, 0);
            if (obs.events != null) {
                obs.events.on(Event.LOCK, c, at, 0);
            }
            return 0;
        });
    }
}
