package dev.shootdown.model;

/** The names of a model's pages, frames, tables, address spaces and kernel memory, for narration, notes and snapshots. */
final class Names {
    private final Program program;
    private final Layout layout;
    private final CpuSets sets;

    Names(Program program, Layout layout, CpuSets sets) {
        this.program = program;
        this.layout = layout;
        this.sets = sets;
    }

    String page(int p) {
        return p >= 0 && p < layout.pages ? program.pageNames().get(p) : "#" + p;
    }

    String frame(int f) {
        return f >= 0 && f < program.frames() ? program.frameNames().get(f) : "#" + f;
    }

    String table(int t) {
        return program.tableNames().get(t);
    }

    String mm(int mm) {
        return program.mmNames().get(mm);
    }

    /** What a CR3 word holds: an address space, or none. */
    String loaded(int cr3) {
        return cr3 == 0 ? "no mm" : program.mmNames().get(cr3 - 1);
    }

    String handler(int h) {
        return program.handlers().get(h).name();
    }

    String pte(int v) {
        return Pte.describe(v, program.frameNames());
    }

    String cpuSet(int set) {
        return sets.describe(set);
    }

    /** A TLB slot (from {@link Layout#tlb}) as snapshots name it: its page, and with ASIDs its ASID ({@code q@asid3}). */
    String tlbSlot(int slot) {
        return page(slot / layout.tags) + asid(slot % layout.tags);
    }

    /** A paging-structure cache slot (from {@link Layout#pwc}): its table, and with ASIDs its ASID. */
    String pwcSlot(int slot) {
        return table(slot / layout.tags) + asid(slot % layout.tags);
    }

    /** A broadcast-invalidation slot (from {@link Layout#bcast}): a page (or its last level only); with ASIDs a page and an ASID, an ASID, or everything. */
    String broadcastSlot(int slot) {
        if (layout.tags == 1) {
            return page(layout.bcastPage(slot)) + (layout.isLastLevel(slot) ? "@last_level" : "");
        }
        if (slot < layout.tlbSlots) {
            return tlbSlot(slot);
        }
        return slot < layout.bcastAll() ? "asid" + (slot - layout.tlbSlots) : "all";
    }

    private String asid(int tag) {
        return layout.tags == 1 ? "" : "@asid" + tag;
    }

    /** The name of a kernel memory location (a state index). */
    String address(int addr) {
        if (addr < program.shared().size()) {
            return program.shared().get(addr).name();
        }
        if (addr >= layout.pteBase && addr < layout.pteBase + layout.pages) {
            return "PTE " + page(addr - layout.pteBase);
        }
        if (addr >= layout.mmContextBase && addr < layout.rcuBase) {
            return "context_id(" + mm(addr - layout.mmContextBase) + ")";
        }
        int c = (addr - layout.cpuBase) / layout.stride;
        int off = (addr - layout.cpuBase) % layout.stride - layout.perCpu;
        if (c >= 0 && c < layout.cpus && off >= 0 && off < program.perCpu().size()) {
            return program.perCpu().get(off).name() + "[" + c + "]";
        }
        return "#" + addr;
    }

    /** A variable's value as the language writes it. */
    String value(Program.Var v, int raw) {
        return value(v.type(), raw);
    }

    /** A value of type {@code type} in words: a page's or frame's name, a set of CPUs, true or false. */
    String value(dev.shootdown.lang.Type type, int raw) {
        switch (type) {
            case BOOL:
                return raw != 0 ? "true" : "false";
            case CPUSET:
                return sets.describe(raw);
            case PTE:
                return pte(raw);
            case FRAME:
                return frame(raw);
            case PAGE:
                return page(raw);
            case MM:
                return mm(raw);
            default:
                return Integer.toString(raw);
        }
    }
}
