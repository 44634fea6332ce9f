package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * The path of a user access ({@code read}, {@code write}, {@code exec}) through a CPU's MMU: the
 * TLB lookup; on a miss the walk, the fault or the fill; the write's permission and dirty-bit rules;
 * then the frame it reaches and, for a fetch, the i-cache (docs/language.md, "The path of a user
 * access").
 *
 * <p>This room is where the mechanisms meet, so it crosses into {@link Tlb}, {@link PageWalker},
 * {@link WalkCaches} (a fault drops the faulting address's entries), {@link Frames} and
 * {@link Icache}.
 */
final class Mmu extends Observed {
    private final Program program;
    private final Layout layout;
    private final Hardware hw;
    private final Names names;
    private final Monitors monitors;
    private final Expressions x;
    private final Tlb tlb;
    private final PageWalker walker;
    private final WalkCaches walkCaches;
    private final Frames frames;
    private final Icache icache;
    private final int[] pageMm;
    private final int pages;
    /** Whether the model has a page_fault procedure, which a faulting access runs. */
    private final boolean faultHandler;

    Mmu(Program program, Layout layout, Names names, Monitors monitors, Expressions x, Tlb tlb, PageWalker walker,
        WalkCaches walkCaches, Frames frames, Icache icache) {
        this.program = program;
        this.layout = layout;
        this.hw = program.hardware();
        this.names = names;
        this.monitors = monitors;
        this.x = x;
        this.tlb = tlb;
        this.walker = walker;
        this.walkCaches = walkCaches;
        this.frames = frames;
        this.icache = icache;
        this.pageMm = program.pageMm();
        this.pages = program.pages();
        this.faultHandler = program.cpuPrograms().stream().anyMatch(code -> java.util.Arrays.stream(code.insns())
                .anyMatch(i -> i instanceof Insn.Op o && o.onFault() >= 0));
    }

    void register(BuiltinTable table) {
        table.op(Builtin.READ, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                return read(s, c, b, fr, o, victim);
            }
        });
        table.op(Builtin.EXEC, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                return access(s, c, b, x.eval(o.args()[0], s, c, fr), false, true, victim);
            }
        });
        table.op(Builtin.WRITE, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                return write(s, c, b, fr, o, victim);
            }
        });
    }

    /** {@code read(va)}: a user load; the content version it saw. */
    int read(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
        return access(s, c, b, x.eval(o.args()[0], s, c, fr), false, false, victim);
    }

    /** {@code write(va)}: a user store; the content version it made. */
    int write(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
        return access(s, c, b, x.eval(o.args()[0], s, c, fr), true, false, victim);
    }

    /** What an access that reached no frame gives: no content version. */
    static final int NO_DATA = -1;

    /** Whether {@code op} is a user access (one that may fill the TLB, so that a step may choose a victim). */
    static boolean isAccess(Builtin op) {
        return op == Builtin.READ || op == Builtin.WRITE || op == Builtin.EXEC;
    }

    /** Whether a user access misses in a full TLB, so that the step must choose a victim to evict. */
    boolean needsVictim(int[] s, int c, int b, int fr, Insn insn) {
        if (!tlb.bounded() || !(insn instanceof Insn.Op o) || !isAccess(o.op())) {
            return false;
        }
        int page = x.eval(o.args()[0], s, c, fr);
        if (tlb.entry(s, b, page) != 0 || !Pte.present(s[layout.pteBase + page])) {
            return false;
        }
        return tlb.full(s, b);
    }

    /** Whether the last user access faulted (a page fault, not a violation): set by every access. */
    boolean faulted;

    /** A user load or store of {@code page} through the MMU of CPU {@code c}: the content version it saw or made, or {@link #NO_DATA}. */
    private int access(int[] s, int c, int b, int page, boolean write, boolean fetch, int victim) {
        faulted = false;
        int pteAt = layout.pteBase + page;
        int hit = tlb.find(s, b, page);
        int entry = hit < 0 ? 0 : s[b + layout.tlb + hit];
        String how;
        if (s[b + Layout.CR3] != pageMm[page] + 1) {
            monitors.fail(Verdict.ASSERTION, "cpu" + c + " accesses " + names.page(page) + " of " + names.mm(pageMm[page])
                    + " while its CR3 holds " + names.loaded(s[b + Layout.CR3]));
            return NO_DATA;
        }
        if (entry == 0) {
            int pte = walker.walk(s, c, b, page, "walk", false);
            if (monitors.failed()) {
                return NO_DATA;
            }
            if (walker.faults(pte, write)) {
                walkCaches.fault(s, b, page);
                if (events != null) {
                    events.on(Event.PAGE_FAULT, c, page, 0);
                }
                if (narrator != null) {
                    int t = walker.unhooked(s, b, page);
                    say("page fault on " + names.page(page) + (t >= 0 ? " (its table " + names.table(t) + " is not hooked)" : " (PTE " + names.pte(pte) + ")")
                            + (faultHandler ? ": page_fault runs" : ": no access"));
                }
                faulted = true;
                return NO_DATA;
            }
            if (events != null) {
                events.on(Event.TLB_MISS, c, page, 0);
                if (victim >= 0) {
                    events.on(Event.EVICT, c, tlb.page(victim), 0);
                }
            }
            entry = walker.setAccessed(s, page, pte, write);
            victim = tlb.fill(s, b, page, entry, victim);
            how = narrator == null ? null : "TLB miss, walk fills " + names.pte(entry) + (victim >= 0 ? " (evicting " + tlb.slotName(victim) + ")" : "");
        } else {
            if (events != null) {
                events.on(Event.TLB_HIT, c, page, 0);
            }
            // With ASIDs the entry hit may be another address space's, filled at this address under this ASID.
            how = narrator == null ? null : "TLB hit " + (tlb.page(hit) != page ? tlb.slotName(hit) + "'s entry " : "") + names.pte(entry);
        }
        if (write) {
            how = walker.write(s, c, b, page, entry, how);
            if (how == PageWalker.NO_ACCESS) {
                faulted = !monitors.failed();
                return NO_DATA;
            }
        }
        int frame = Pte.pfn(entry);
        if (events != null) {
            events.on(Event.USER_ACCESS, c, page, write ? 1 : 0);
        }
        if (narrator != null) {
            boolean stale = Pte.pfn(s[pteAt]) != frame || !Pte.present(s[pteAt]);
            say((write ? "store" : fetch ? "fetch" : "load") + " " + names.page(page) + ": " + how + " -> frame " + names.frame(frame)
                    + (stale ? " (stale: PTE is " + names.pte(s[pteAt]) + ")" : ""));
        }
        frames.reached(s, frame, pageMm[page], write ? "store reaches" : "load reaches");
        frames.reachedThrough(s, frame, page, "cpu" + c + "'s " + (write ? "store to " : fetch ? "fetch of " : "load of ") + names.page(page) + " reaches");
        if (fetch) {
            icache.fetch(s, c, b, page, frame);
        }
        if (write) {
            int version = frames.userStore(s, frame, page);
            monitors.userStore(s, page);
            return version;
        }
        return frames.version(s, frame);
    }
}
