package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * RCU-sched: {@code rcu_free} queues a frame in one of {@code rcu_slots} slots with the set of CPUs
 * that must still pass a quiescent state; a CPU passes one (an RCU_QS action) outside read-side
 * sections, handlers and interrupts-off regions; the last one to pass ends the grace period.
 *
 * <p>Crosses into {@link Frames}: the end of a grace period frees the frame.
 */
final class Rcu extends Observed {
    private final Layout layout;
    private final CpuSets sets;
    private final Names names;
    private final Expressions x;
    private final Frames frames;
    private final int allCpus;

    Rcu(Layout layout, CpuSets sets, Names names, Expressions x, Frames frames, int allCpus) {
        this.layout = layout;
        this.sets = sets;
        this.names = names;
        this.x = x;
        this.frames = frames;
        this.allCpus = allCpus;
    }

    void register(BuiltinTable table) {
        table.op(Builtin.RCU_FREE, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int f = x.eval(o.args()[0], s, c, fr);
                for (int i = 0; i < layout.rcuSlots; i++) {
                    int at = layout.rcuBase + 2 * i;
                    if (s[at] == 0) {
                        s[at] = f + 1;
                        s[at + 1] = allCpus;
                        break;
                    }
                }
                if (narrator != null) {
                    say("frame " + names.frame(f) + " queued to be freed after an RCU grace period");
                }
                return 0;
            }
        });
        // All slots taken: the caller waits for a grace period to end.
        table.guard(Builtin.RCU_FREE, new BuiltinTable.Guard() {
            @Override
            boolean allows(int[] s, int c, int b, int fr, Insn.Op o) {
                for (int i = 0; i < layout.rcuSlots; i++) {
                    if (s[layout.rcuBase + 2 * i] == 0) {
                        return true;
                    }
                }
                return false;
            }
        });
        table.op(Builtin.RCU_READ_LOCK, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                s[b + Layout.RCU_NEST]++;
                return 0;
            }
        });
        table.op(Builtin.RCU_READ_UNLOCK, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                s[b + Layout.RCU_NEST] = Math.max(0, s[b + Layout.RCU_NEST] - 1);
                return 0;
            }
        });
    }

    /** The RCU_QS action of CPU {@code c}, when it can pass a quiescent state some grace period waits for. */
    int actions(int[] s, int c, int b, int[] out, int n) {
        if (layout.rcuSlots > 0 && canBeQuiescent(s, c, b)) {
            out[n++] = Action.of(Action.RCU_QS, c, 0);
        }
        return n;
    }

    /** RCU-sched: a CPU is quiescent outside read-side sections, handlers and interrupts-off regions. */
    private boolean canBeQuiescent(int[] s, int c, int b) {
        int flags = s[b + Layout.FLAGS];
        if ((flags & Layout.IRQ_ON) == 0 || (flags & Layout.IN_HANDLER) != 0 || s[b + Layout.RCU_NEST] != 0) {
            return false;
        }
        for (int i = 0; i < layout.rcuSlots; i++) {
            int at = layout.rcuBase + 2 * i;
            if (s[at] != 0 && sets.contains(s[at + 1], c)) {
                return true;
            }
        }
        return false;
    }

    /** RCU: CPU {@code c} passes a quiescent state; grace periods it was the last to end free their frames. */
    void quiescent(int[] s, int c) {
        if (narrator != null) {
            say("cpu" + c + " passes a quiescent state");
        }
        int me = sets.single(c);
        for (int i = 0; i < layout.rcuSlots; i++) {
            int at = layout.rcuBase + 2 * i;
            if (s[at] != 0 && sets.contains(s[at + 1], c)) {
                s[at + 1] = sets.diff(s[at + 1], me);
                if (s[at + 1] == 0) {
                    int f = s[at] - 1;
                    s[at] = 0;
                    if (narrator != null) {
                        say("grace period over for frame " + names.frame(f));
                    }
                    frames.free(s, f);
                }
            }
        }
    }
}
