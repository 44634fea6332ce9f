package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * Interrupts and IPIs: the pending IPIs of each CPU (a set of senders per handler), the IRQ-enable
 * flag, entering a handler (taken only with interrupts enabled, SDM vol. 3A 6.8.1; at once with
 * {@code ipi_latched}, SDM 10.8.4) and the iret that leaves it, {@code send_ipi}, {@code ack} and
 * the ack-wait set {@code acked} reads.
 *
 * <p>Crosses into {@link StoreBuffer}: under TSO an ack is a plain store (csd_unlock) that leaves in
 * order behind the handler's stores, and an xAPIC ICR write cannot pass the stores buffered ahead
 * of it (SDM vol. 3A 10.12.3).
 */
final class Interrupts extends Observed {
    private final Layout layout;
    private final CpuSets sets;
    private final Names names;
    private final Expressions x;
    private final StoreBuffer sb;
    private final boolean tso;
    private final boolean xapic;
    /** Per handler, the type of the value send_ipi passes it, or null. */
    private final java.util.List<dev.shootdown.lang.Type> args;

    Interrupts(Program program, Layout layout, CpuSets sets, Names names, Expressions x, StoreBuffer sb) {
        this.args = program.handlerArgs();
        this.layout = layout;
        this.sets = sets;
        this.names = names;
        this.x = x;
        this.sb = sb;
        this.tso = program.hardware().memory() == Hardware.MemoryModel.TSO;
        this.xapic = program.hardware().xapic();
    }

    void register(BuiltinTable table) {
        table.op(Builtin.SEND_IPI, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int targets = sets.diff(x.eval(o.args()[0], s, c, fr), sets.single(c));
                int h = x.eval(o.args()[1], s, c, fr);
                int me = sets.single(c);
                if (o.args().length == 3) {
                    // The value travels with the IPI, as Linux's csd: queued on the target (kernel/smp.c,
                    // llist_add, a locked operation) before the IPI is sent, so never overtaken by it.
                    s[b + layout.ipiArgs + h] = x.eval(o.args()[2], s, c, fr);
                }
                for (int t = sets.next(targets, 0); t >= 0; t = sets.next(targets, t + 1)) {
                    int at = layout.cpu(t) + Layout.PENDING + h;
                    s[at] = sets.union(s[at], me);
                    if (events != null) {
                        events.on(Event.IPI_SEND, c, t, h);
                    }
                }
                s[b + Layout.ACK_WAIT] = sets.union(s[b + Layout.ACK_WAIT], targets);
                if (narrator != null) {
                    say("IPI " + names.handler(h) + " sent to " + names.cpuSet(targets)
                            + (o.args().length == 3 ? " with " + names.value(args.get(h), s[b + layout.ipiArgs + h]) : ""));
                }
                return 0;
            }
        });
        // An xAPIC ICR write is a store: it cannot leave before the stores buffered ahead of it. A handler's
        // value waits until no earlier IPI of that handler from this CPU is still pending anywhere, as Linux's
        // csd_lock_wait waits for the csd to be free (kernel/smp.c): the value it carries is never overwritten.
        table.guard(Builtin.SEND_IPI, new BuiltinTable.Guard() {
            @Override
            boolean allows(int[] s, int c, int b, int fr, Insn.Op o) {
                if (tso && xapic && s[b + Layout.SB_COUNT] > 0) {
                    return false;
                }
                if (o.args().length == 3) {
                    int h = x.eval(o.args()[1], s, c, fr);
                    for (int t = 0; t < layout.cpus; t++) {
                        if (sets.contains(s[layout.cpu(t) + Layout.PENDING + h], c)) {
                            return false;
                        }
                    }
                }
                return true;
            }
        });
        table.op(Builtin.ACK, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                return ack(s, c, b, fr, o);
            }
        });
        table.op(Builtin.LOCAL_IRQ_DISABLE, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                s[b + Layout.FLAGS] &= ~Layout.IRQ_ON;
                if (events != null) {
                    events.on(Event.IRQ_OFF, c, 0, 0);
                }
                return 0;
            }
        });
        table.op(Builtin.LOCAL_IRQ_ENABLE, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                if (events != null) {
                    events.on(Event.IRQ_ON, c, 0, 0);
                }
                if ((s[b + Layout.FLAGS] & Layout.IN_HANDLER) == 0) {
                    s[b + Layout.FLAGS] |= Layout.IRQ_ON;
                }
                return 0;
            }
        });
        table.function(Builtin.ACKED, new BuiltinTable.Function() {
            @Override
            int call(IrExpr[] a, int[] s, int c, int fr) {
                return sets.disjoint(s[layout.cpu(c) + Layout.ACK_WAIT], x.eval(a[0], s, c, fr)) ? 1 : 0;
            }
        });
    }

    /** {@code ack(cpu)}: the handler tells the sender it is done (the sender's ack-wait set loses this CPU). */
    int ack(int[] s, int c, int b, int fr, Insn.Op o) {
        int to = x.checkedCpu(x.eval(o.args()[0], s, c, fr));
        if (tso) {
            // The ack is a plain store (csd_unlock): it leaves in order behind the handler's stores.
            sb.store(s, c, b, -1 - to, 0);
        } else {
            int at = layout.cpu(to) + Layout.ACK_WAIT;
            s[at] = sets.diff(s[at], sets.single(c));
        }
        if (events != null) {
            events.on(Event.ACK, c, to, 0);
        }
        return 0;
    }

    /** The IPI actions of CPU {@code c}: with interrupts enabled, one per pending (handler, sender). */
    int actions(int[] s, int c, int b, int flags, int[] out, int n) {
        if ((flags & Layout.IRQ_ON) != 0) {
            for (int h = 0; h < layout.handlers; h++) {
                int senders = s[b + Layout.PENDING + h];
                for (int from = sets.next(senders, 0); from >= 0; from = sets.next(senders, from + 1)) {
                    out[n++] = Action.of(Action.IPI, c, (h << Action.SENDER_BITS) | from);
                }
            }
        }
        return n;
    }

    /** Whether the CPU at {@code b} has an IPI pending. */
    boolean pending(int[] s, int b) {
        for (int h = 0; h < layout.handlers; h++) {
            if (s[b + Layout.PENDING + h] != 0) {
                return true;
            }
        }
        return false;
    }

    /** CPU {@code c} enters {@code h}'s handler for {@code from}'s IPI: the interrupted pc and IRQ flag are saved. */
    void enter(int[] s, int c, int b, int h, int from) {
        s[b + Layout.PENDING + h] = sets.diff(s[b + Layout.PENDING + h], sets.single(from));
        if (events != null) {
            events.on(Event.IPI_ENTER, c, from, h);
        }
        s[b + Layout.SAVED_PC] = s[b + Layout.PC];
        int flags = s[b + Layout.FLAGS];
        s[b + Layout.FLAGS] = Layout.IN_HANDLER | (h << Layout.HANDLER_SHIFT) | ((flags & Layout.IRQ_ON) != 0 ? Layout.SAVED_IRQ : 0)
                | (flags & Layout.FENCE);
        s[b + Layout.PC] = 0;
        s[b + layout.handlerLocals] = from;
        if (args.get(h) != null) {
            s[b + layout.handlerLocals + 1] = s[layout.cpu(from) + layout.ipiArgs + h];
        }
        if (narrator != null) {
            say("interrupt: " + names.handler(h) + " from cpu" + from);
        }
    }

    /** The handler's iret: back to the interrupted code with its IRQ flag; returns the pc to resume at. */
    int iret(int[] s, int c, int b) {
        if (events != null) {
            events.on(Event.IRET, c, 0, 0);
        }
        int flags = s[b + Layout.FLAGS];
        s[b + Layout.FLAGS] = ((flags & Layout.SAVED_IRQ) != 0 ? Layout.IRQ_ON : 0) | (flags & Layout.FENCE);
        int next = s[b + Layout.SAVED_PC];
        s[b + Layout.SAVED_PC] = 0;
        java.util.Arrays.fill(s, b + layout.handlerLocals, b + layout.stride, 0);
        return next;
    }

    /** The pending IPIs of the CPU at {@code b}, in words (for snapshots). */
    java.util.List<String> describe(int[] s, int b) {
        java.util.List<String> pending = new java.util.ArrayList<>();
        for (int h = 0; h < layout.handlers; h++) {
            int senders = s[b + Layout.PENDING + h];
            for (int from = sets.next(senders, 0); from >= 0; from = sets.next(senders, from + 1)) {
                pending.add(names.handler(h) + " from cpu" + from);
            }
        }
        return pending;
    }
}
