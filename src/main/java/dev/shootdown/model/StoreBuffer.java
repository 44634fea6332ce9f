package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * Kernel memory under x86-TSO: each CPU's FIFO store buffer, store-to-load forwarding, the drain
 * that makes the oldest store visible, and the gating of instructions by their {@link MemoryOrder}
 * class (a full buffer, a fence, a locked instruction). Under sequential consistency stores go
 * straight to memory. An ack (csd_unlock) is a plain store here, to the acked CPU's ack word.
 */
final class StoreBuffer extends Observed {
    private final Layout layout;
    private final CpuSets sets;
    private final Names names;
    private final boolean tso;
    private final int entries;
    /** Inside an atomic block: a locked sequence, whose stores go straight to memory. */
    boolean locked;

    StoreBuffer(Layout layout, CpuSets sets, Names names, Hardware hw) {
        this.layout = layout;
        this.sets = sets;
        this.names = names;
        this.tso = hw.memory() == Hardware.MemoryModel.TSO;
        this.entries = hw.storeBuffer();
    }

    void register(BuiltinTable table) {
        table.op(Builtin.SMP_MB, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                if (tso && s[b + Layout.SB_COUNT] > 0) {
                    s[b + Layout.FLAGS] |= Layout.FENCE;
                }
                barrier(c, o);
                return 0;
            }
        });
        table.op(Builtin.WEAK_WRMSR_FENCE, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                // Enabled only with an empty store buffer (MemoryOrder.DRAIN): nothing left to do.
                barrier(c, o);
                return 0;
            }
        });
        // Compiler barriers on x86 and under SC: nothing to order (a timed engine may still charge them).
        BuiltinTable.Operation compilerBarrier = new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                barrier(c, o);
                return 0;
            }
        };
        table.op(Builtin.SMP_WMB, compilerBarrier);
        table.op(Builtin.SMP_RMB, compilerBarrier);
    }

    private void barrier(int c, Insn.Op o) {
        if (events != null) {
            events.on(Event.BARRIER, c, o.op().ordinal(), 0);
        }
    }

    /** The DRAIN action of CPU {@code c}, when its buffer holds a store. */
    int actions(int[] s, int c, int b, int[] out, int n) {
        if (s[b + Layout.SB_COUNT] > 0) {
            out[n++] = Action.of(Action.DRAIN, c, 0);
        }
        return n;
    }

    /** TSO: whether the store buffer lets an instruction of this {@link MemoryOrder} class run now. */
    boolean orderAllows(int[] s, int b, byte order) {
        int count = s[b + Layout.SB_COUNT];
        if (count == 0 || order == MemoryOrder.NONE) {
            return true;
        }
        if (order == MemoryOrder.DRAIN || (s[b + Layout.FLAGS] & Layout.FENCE) != 0) {
            return false;
        }
        return order != MemoryOrder.STORE || count < entries;
    }

    /** TSO: the oldest buffered store becomes visible to all CPUs. */
    void drain(int[] s, int c, int b) {
        int sb = b + layout.storeBuffer;
        int addr = s[sb];
        int value = s[sb + 1];
        int count = s[b + Layout.SB_COUNT];
        if (events != null) {
            events.on(Event.STORE_DRAIN, c, addr, 0);
        }
        System.arraycopy(s, sb + 2, s, sb, 2 * (count - 1));
        s[sb + 2 * (count - 1)] = 0;
        s[sb + 2 * (count - 1) + 1] = 0;
        s[b + Layout.SB_COUNT] = count - 1;
        if (count == 1) {
            s[b + Layout.FLAGS] &= ~Layout.FENCE;
        }
        if (addr < 0) {
            int to = -1 - addr;
            int at = layout.cpu(to) + Layout.ACK_WAIT;
            s[at] = sets.diff(s[at], sets.single(c));
            if (narrator != null) {
                say("ack to cpu" + to + " becomes visible");
            }
        } else {
            s[addr] = value;
            if (narrator != null) {
                say(names.address(addr) + " = " + value + " becomes visible");
            }
        }
    }

    /** A kernel store: through the store buffer under TSO, straight to memory under SC. */
    void store(int[] s, int c, int b, int addr, int value) {
        if (!tso || locked) {
            if (addr < 0) {
                int at = layout.cpu(-1 - addr) + Layout.ACK_WAIT;
                s[at] = sets.diff(s[at], sets.single(c));
            } else {
                s[addr] = value;
            }
            return;
        }
        int count = s[b + Layout.SB_COUNT];
        int at = b + layout.storeBuffer + 2 * count;
        s[at] = addr;
        s[at + 1] = value;
        s[b + Layout.SB_COUNT] = count + 1;
        if (narrator != null) {
            say("store " + (addr < 0 ? "ack to cpu" + (-1 - addr) : names.address(addr) + " = " + value) + " buffered");
        }
    }

    /** A kernel load: the CPU's own newest buffered store to {@code addr} if any (TSO forwarding), else memory. */
    int load(int[] s, int c, int addr) {
        if (tso && c >= 0) {
            int b = layout.cpu(c);
            int sb = b + layout.storeBuffer;
            for (int i = s[b + Layout.SB_COUNT] - 1; i >= 0; i--) {
                if (s[sb + 2 * i] == addr) {
                    return s[sb + 2 * i + 1];
                }
            }
        }
        return s[addr];
    }

    /** The buffered stores of the CPU at {@code b}, oldest first, in words (for snapshots). */
    java.util.List<String> describe(int[] s, int b) {
        java.util.List<String> sb = new java.util.ArrayList<>();
        for (int i = 0; i < s[b + Layout.SB_COUNT]; i++) {
            int addr = s[b + layout.storeBuffer + 2 * i];
            sb.add(addr < 0 ? "ack to cpu" + (-1 - addr) : names.address(addr) + " = " + s[b + layout.storeBuffer + 2 * i + 1]);
        }
        return sb;
    }
}
