package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

import java.util.Arrays;

/**
 * Backward liveness of frame slots over one {@link Code}. The engines zero the slots that are dead
 * where a CPU rests between steps, so two states that differ only in values never read again are
 * one state (a classic state-space reduction, also used by SPIN's dead-variable elimination).
 */
final class Liveness {
    private Liveness() {}

    /** For each pc, the slots live on entry, as a bit set over the frame (bit i = slot i). */
    static long[][] liveIn(Insn[] code, int frameSize) {
        int words = (frameSize + 63) / 64;
        long[][] in = new long[code.length][words];
        // An instruction reads and writes a few slots: lists, not bit sets, keep the tables to the one the engines need.
        int[][] use = new int[code.length][];
        int[][] def = new int[code.length][];
        for (int pc = 0; pc < code.length; pc++) {
            Slots u = new Slots();
            uses(code[pc], u);
            use[pc] = u.toArray();
            Slots d = new Slots();
            defs(code[pc], d);
            def[pc] = d.toArray();
        }
        boolean changed = true;
        long[] out = new long[words];
        while (changed) {
            changed = false;
            for (int pc = code.length - 1; pc >= 0; pc--) {
                Arrays.fill(out, 0);
                for (int succ : successors(code, pc)) {
                    if (succ >= 0 && succ < code.length) {
                        for (int w = 0; w < words; w++) {
                            out[w] |= in[succ][w];
                        }
                    }
                }
                for (int slot : def[pc]) {
                    out[slot >>> 6] &= ~(1L << (slot & 63));
                }
                for (int slot : use[pc]) {
                    out[slot >>> 6] |= 1L << (slot & 63);
                }
                if (!Arrays.equals(out, in[pc])) {
                    System.arraycopy(out, 0, in[pc], 0, words);
                    changed = true;
                }
            }
        }
        return in;
    }

    /** A short list of slots. */
    private static final class Slots {
        private int[] slots = new int[4];
        private int size;

        void add(int slot) {
            if (size == slots.length) {
                slots = Arrays.copyOf(slots, size * 2);
            }
            slots[size++] = slot;
        }

        int[] toArray() {
            return Arrays.copyOf(slots, size);
        }
    }

    private static int[] successors(Insn[] code, int pc) {
        Insn insn = code[pc];
        if (insn instanceof Insn.Jump j) {
            return new int[] {j.target()};
        } else if (insn instanceof Insn.Branch b) {
            return new int[] {pc + 1, b.target()};
        } else if (insn instanceof Insn.Choose ch) {
            return ch.targets().clone();
        } else if (insn instanceof Insn.Op o && o.onFault() >= 0) {
            return new int[] {pc + 1, o.onFault()};
        } else if (insn instanceof Insn.Halt || insn instanceof Insn.Iret) {
            return new int[0];
        }
        return new int[] {pc + 1};
    }

    private static void defs(Insn insn, Slots set) {
        if (insn instanceof Insn.Assign a && a.target() instanceof Insn.Target.Local l) {
            set(set, l.slot());
        } else if (insn instanceof Insn.Op o && o.result() >= 0) {
            set(set, o.result());
        } else if (insn instanceof Insn.ChooseCpu ch) {
            set(set, ch.slot());
        }
    }

    private static void uses(Insn insn, Slots set) {
        if (insn instanceof Insn.Assign a) {
            expr(a.value(), set);
            target(a.target(), set);
        } else if (insn instanceof Insn.Branch b) {
            expr(b.cond(), set);
        } else if (insn instanceof Insn.Wait w) {
            expr(w.cond(), set);
        } else if (insn instanceof Insn.ChooseCpu ch) {
            expr(ch.set(), set);
        } else if (insn instanceof Insn.Atomic a && a.guard() != null) {
            expr(a.guard(), set);
        } else if (insn instanceof Insn.Op o) {
            for (IrExpr e : o.args()) {
                expr(e, set);
            }
            if (o.lock() != null) {
                target(o.lock(), set);
            }
            if (o.op() == Builtin.ACK) {
                // nothing beyond the argument
            }
        } else if (insn instanceof Insn.Assert a) {
            expr(a.cond(), set);
        } else if (insn instanceof Insn.Iret) {
            // The handler's parameter (slot 0) is read by nothing after the handler ends.
        }
    }

    private static void target(Insn.Target t, Slots set) {
        if (t instanceof Insn.Target.PerCpu p && p.cpu() != null) {
            expr(p.cpu(), set);
        }
    }

    private static void expr(IrExpr e, Slots set) {
        if (e instanceof IrExpr.Local l) {
            set(set, l.slot());
        } else if (e instanceof IrExpr.PerCpu p && p.cpu() != null) {
            expr(p.cpu(), set);
        } else if (e instanceof IrExpr.Unary u) {
            expr(u.operand(), set);
        } else if (e instanceof IrExpr.Binary b) {
            expr(b.left(), set);
            expr(b.right(), set);
        } else if (e instanceof IrExpr.SetOf s) {
            for (IrExpr x : s.cpus()) {
                expr(x, set);
            }
        } else if (e instanceof IrExpr.SetComp s) {
            // The bound slot is saved and restored around the comprehension: it is read (kept) too.
            set(set, s.slot());
            expr(s.domain(), set);
            expr(s.predicate(), set);
        } else if (e instanceof IrExpr.Call c) {
            for (IrExpr x : c.args()) {
                expr(x, set);
            }
        } else if (e instanceof IrExpr.PteField f) {
            expr(f.pte(), set);
        } else if (e instanceof IrExpr.Lowest l) {
            expr(l.set(), set);
        }
    }

    private static void set(Slots set, int slot) {
        set.add(slot);
    }
}
