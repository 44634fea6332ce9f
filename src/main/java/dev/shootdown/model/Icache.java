package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * Incoherent instruction caches (Tile, seed 004; knob {@code icache incoherent}): per CPU and frame,
 * no line, a line of the frame's current content, or a line of older content. A store to a frame
 * does not update the lines; fetching from a stale one is {@code stale_icache}. Flushed locally
 * ({@code flush_icache_all}) or by the hypervisor's remote flush.
 *
 * <p>Crosses into {@link Tlb}: {@code flush_remote} (hv_flush_remote with HV_FLUSH_EVICT_L1I) also
 * invalidates a page in the targets' TLBs.
 */
final class Icache extends Observed {
    private final Layout layout;
    private final Names names;
    private final Monitors monitors;
    private final Expressions x;
    private final CpuSets sets;
    private final Tlb tlb;
    private final boolean incoherent;
    private final int frames;

    Icache(Program program, Layout layout, CpuSets sets, Names names, Monitors monitors, Expressions x, Tlb tlb) {
        this.layout = layout;
        this.names = names;
        this.monitors = monitors;
        this.x = x;
        this.sets = sets;
        this.tlb = tlb;
        this.incoherent = program.hardware().icacheIncoherent();
        this.frames = program.frames();
    }

    void register(BuiltinTable table) {
        table.op(Builtin.FLUSH_ICACHE_ALL, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                flush(s, b);
                return 0;
            }
        });
        table.op(Builtin.FLUSH_REMOTE, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int targets = x.eval(o.args()[0], s, c, fr);
                int page = x.eval(o.args()[1], s, c, fr);
                for (int t = sets.next(targets, 0); t >= 0; t = sets.next(targets, t + 1)) {
                    int tb = layout.cpu(t);
                    tlb.invalidateCurrent(s, tb, page);
                    flush(s, tb);
                }
                if (narrator != null) {
                    say("hv_flush_remote: " + names.page(page) + " and the i-caches of " + names.cpuSet(targets) + " flushed");
                }
                return 0;
            }
        });
    }

    private void flush(int[] s, int b) {
        if (incoherent) {
            java.util.Arrays.fill(s, b + layout.icache, b + layout.icache + frames, 0);
        }
    }

    /** A frame's content changed: on incoherent i-caches, every CPU's line of it is now stale. */
    void contentChanged(int[] s, int f) {
        if (!incoherent) {
            return;
        }
        for (int t = 0; t < layout.cpus; t++) {
            int at = layout.cpu(t) + layout.icache + f;
            if (s[at] == 1) {
                s[at] = 2;
                if (narrator != null) {
                    say("cpu" + t + "'s i-cache line of frame " + names.frame(f) + " is now stale");
                }
            }
        }
    }

    /** CPU {@code c} fetches {@code page}'s instructions from {@code frame}: through its i-cache when incoherent. */
    void fetch(int[] s, int c, int b, int page, int frame) {
        if (!incoherent) {
            return;
        }
        int line = b + layout.icache + frame;
        if (s[line] == 2) {
            monitors.fail(Verdict.STALE_ICACHE, "cpu" + c + " fetches " + names.page(page) + " from an i-cache line of frame " + names.frame(frame)
                    + " filled before the frame's content last changed, and not flushed since");
        }
        if (s[line] == 0) {
            s[line] = 1;
            if (narrator != null) {
                say("i-cache line of frame " + names.frame(frame) + " filled");
            }
        }
    }
}
