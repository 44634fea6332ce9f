package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * Where each part of the machine lives in a packed state ({@code int[]}): shared variables (from
 * index 0, in declaration order); one block per CPU (control words, pending IPIs, TLB, pending
 * broadcast invalidations, paging-structure cache, i-cache lines, Xen queue, per-CPU variables,
 * store buffer, the frames of its program and of its handler); then PTEs, PMDs, mm_cpumasks, the
 * mms' context words, RCU slots, frames (with shared frames, copies or content versions, their
 * further owners, versions, sources and missed stores) and protect marks. Regions of features a program does not
 * use have size 0.
 *
 * <p>With {@code asids N} a CPU block also holds the CPU's current ASID, and the TLB and the
 * paging-structure cache hold one slot per (page or table, ASID): {@link #tlbSlot}, {@link #pwcSlot}.
 */
public final class Layout {
    // Offsets inside a CPU block.
    public static final int PC = 0;
    public static final int FLAGS = 1;
    public static final int SAVED_PC = 2;
    /** CPUs this CPU still waits an ack from (send_ipi adds, ack removes). */
    public static final int ACK_WAIT = 3;
    /** Entries in the CPU's store buffer (TSO). */
    public static final int SB_COUNT = 4;
    /** The address space in the CPU's CR3/TTBR: mm index + 1, 0 for none. */
    public static final int CR3 = 5;
    /** rcu_read_lock() nesting depth. */
    public static final int RCU_NEST = 6;
    public static final int PENDING = 7;

    public static final int IRQ_ON = 1;
    public static final int IN_HANDLER = 2;
    public static final int SAVED_IRQ = 4;
    /** An smp_mb() is waiting for the store buffer to drain: later memory accesses wait too. */
    public static final int FENCE = 8;
    public static final int HANDLER_SHIFT = 8;

    public final int cpus;
    public final int pages;
    public final int handlers;
    /** Tags a TLB or paging-structure cache slot can carry: the ASIDs (knob asids), else 1. */
    public final int tags;
    public final int cpuBase;
    public final int stride;
    /** The CPU's current ASID (TTBR0_EL1.ASID, CR3's PCID): one word with {@code asids}, else none. */
    public final int asid;
    /** Per (page, ASID) ({@link #tlbSlot}): the cached PTE (0: no entry). */
    public final int tlb;
    /** Per handler, the value this CPU last sent with it (send_ipi's third argument): a word per handler if any handler takes one, else none. */
    public final int ipiArgs;
    /** Slots of the TLB: pages times {@link #tags}. */
    public final int tlbSlots;
    /**
     * Per broadcast-invalidation slot: the set of CPUs whose invalidation of it is not yet performed here.
     * Without ASIDs a slot is a page (tlbie); with them a (page, ASID), an ASID or everything ({@link #bcastVa},
     * {@link #bcastAsid}, {@link #bcastAll}).
     */
    public final int bcast;
    /** Broadcast-invalidation slots: none if the program does not broadcast. */
    public final int bcastSlots;
    /** Per (table, ASID) ({@link #pwcSlot}): the CPU's paging-structure cache entry for the PMD that hooks it (0: none). */
    public final int pwc;
    /** Incoherent i-cache: per frame, 0 no line, 1 a line of the current content, 2 a line of older content. */
    public final int icache;
    /** Xen PV queue: a count, then (page, PTE) pairs, oldest first. */
    public final int xenQueue;
    public final int perCpu;
    /** The store buffer: (address, value) pairs, oldest first; an address below 0 is an ack to CPU -1-address. */
    public final int storeBuffer;
    public final int storeBufferEntries;
    public final int locals;
    public final int handlerLocals;
    public final int mainFrame;
    public final int handlerFrame;
    public final int pteBase;
    /** Per table: the entry hooking it (a PMD; a PUD or P4D for a table of tables), present + the table's frame, or 0. */
    public final int pmdBase;
    /** Per mm: mm_cpumask, a CPU set. */
    public final int mmMaskBase;
    /** Per mm: the kernel's context word (set_mm_context_id), if the program sets one. */
    public final int mmContextBase;
    /** RCU: per slot, the frame to free + 1 (0: empty) and the set of CPUs still to pass a quiescent state. */
    public final int rcuBase;
    public final int rcuSlots;
    public final int frameBase;
    /** Per frame, with frames shared between address spaces ({@link Program#sharesFrames}): the mask of its further owners. */
    public final int sharersBase;
    /** Per frame, when the model reads content versions ({@link Program#tracksVersions}): its content version, 0 to {@link #MAX_VERSION}. */
    public final int versionBase;
    /** Per frame, when the kernel copies frames ({@link Program#copiesFrames}): the frame it was copied from + 1 (0: none). */
    public final int sourceBase;
    /**
     * Per frame, when no_stale_copy is checked in a model that copies frames: {@link #missedWords} masks of the pages
     * whose last store the frame misses, 31 pages a word ({@link #missedWord}).
     */
    public final int missedBase;
    public final int missedWords;
    /** The highest content version a frame reaches: a store past it is an assertion violation, so versions stay exact. */
    public static final int MAX_VERSION = 7;
    /** Per page: 1 once its mprotect(read-only) has returned (no_write_after_protect). */
    public final int protectedPages;
    public final int size;
    private final Program program;
    private final PageTableTree tree;

    public Layout(Program p) {
        program = p;
        tree = new PageTableTree(p);
        cpus = p.cpus();
        pages = p.pages();
        handlers = p.handlers().size();
        int nShared = p.shared().size();
        mainFrame = p.cpuPrograms().stream().mapToInt(Code::frameSize).max().orElse(1);
        handlerFrame = p.handlers().stream().mapToInt(Code::frameSize).max().orElse(0);
        ipiArgs = PENDING + handlers;
        tags = p.hardware().tags();
        asid = ipiArgs + (p.handlerArgs().stream().anyMatch(java.util.Objects::nonNull) ? handlers : 0);
        tlb = asid + (p.hardware().asids() > 0 ? 1 : 0);
        tlbSlots = pages * tags;
        boolean broadcast = p.uses(Builtin.TLBIE) || p.uses(Builtin.TLBI_IS) || p.uses(Builtin.INVLPGB) || p.uses(Builtin.TLBI_RANGE_IS);
        boolean asidBroadcast = p.uses(Builtin.TLBI_VAE1IS) || p.uses(Builtin.TLBI_ASIDE1IS) || p.uses(Builtin.TLBI_VMALLE1IS);
        // Without ASIDs a slot per page, and with tlbi_range_is one more per page for its last-level-only form.
        bcastSlots = p.hardware().asids() > 0 ? (asidBroadcast ? tlbSlots + tags + 1 : 0)
                : (broadcast ? pages * (p.uses(Builtin.TLBI_RANGE_IS) ? 2 : 1) : 0);
        bcast = tlb + tlbSlots;
        pwc = bcast + bcastSlots;
        icache = pwc + p.tableNames().size() * tags;
        xenQueue = icache + (p.hardware().icacheIncoherent() ? p.frames() : 0);
        perCpu = xenQueue + (p.hardware().xenQueue() > 0 ? 1 + 2 * p.hardware().xenQueue() : 0);
        storeBuffer = perCpu + p.perCpu().size();
        storeBufferEntries = p.hardware().storeBuffer();
        locals = storeBuffer + 2 * storeBufferEntries;
        handlerLocals = locals + mainFrame;
        stride = handlerLocals + handlerFrame;
        cpuBase = nShared;
        pteBase = cpuBase + cpus * stride;
        pmdBase = pteBase + pages;
        mmMaskBase = pmdBase + p.tableNames().size();
        mmContextBase = mmMaskBase + p.mmNames().size();
        rcuBase = mmContextBase + (p.uses(Builtin.SET_MM_CONTEXT_ID) ? p.mmNames().size() : 0);
        rcuSlots = p.uses(Builtin.RCU_FREE) ? p.hardware().rcuSlots() : 0;
        frameBase = rcuBase + 2 * rcuSlots;
        sharersBase = frameBase + p.frames();
        versionBase = sharersBase + (p.sharesFrames() ? p.frames() : 0);
        sourceBase = versionBase + (p.tracksVersions() ? p.frames() : 0);
        missedBase = sourceBase + (p.copiesFrames() ? p.frames() : 0);
        missedWords = p.copiesFrames() && p.properties().contains(Verdict.STALE_COPY) ? (pages + 30) / 31 : 0;
        protectedPages = missedBase + p.frames() * missedWords;
        size = protectedPages + (p.uses(Builtin.PROTECT_DONE) ? pages : 0);
    }

    public int cpu(int c) {
        return cpuBase + c * stride;
    }

    /** Whether the mms have context words: the program sets one ({@code set_mm_context_id}). */
    public boolean hasMmContexts() {
        return rcuBase > mmContextBase;
    }

    /** Whether frames have a word of further owners. */
    public boolean hasSharers() {
        return versionBase > sharersBase;
    }

    /** Whether frames have a content version. */
    public boolean hasVersions() {
        return sourceBase > versionBase;
    }

    /** Whether frames remember the frame they were copied from. */
    public boolean hasSources() {
        return missedBase > sourceBase;
    }

    /** The word of frame {@code f}'s missed-store masks that holds page {@code page}'s bit (bit {@code page % 31}). */
    public int missedWord(int f, int page) {
        return missedBase + f * missedWords + page / 31;
    }

    /** The TLB slot (from {@link #tlb}) of {@code page}'s entry filled under ASID {@code tag} (0 without ASIDs). */
    public int tlbSlot(int page, int tag) {
        return page * tags + tag;
    }

    /** The paging-structure cache slot (from {@link #pwc}) of {@code table}'s PMD cached under ASID {@code tag}. */
    public int pwcSlot(int table, int tag) {
        return table * tags + tag;
    }

    /** With ASIDs, the broadcast slot (from {@link #bcast}) of an invalidation of {@code page}'s address under ASID {@code tag}. */
    public int bcastVa(int page, int tag) {
        return tlbSlot(page, tag);
    }

    /** With ASIDs, the broadcast slot of an invalidation of every entry of ASID {@code tag}. */
    public int bcastAsid(int tag) {
        return tlbSlots + tag;
    }

    /** With ASIDs, the broadcast slot of an invalidation of every entry. */
    public int bcastAll() {
        return tlbSlots + tags;
    }

    /** The page a broadcast slot invalidates, or -1 for a slot of an ASID or of everything. */
    public int bcastPage(int slot) {
        if (tags == 1) {
            return slot < pages ? slot : slot - pages;
        }
        return slot < tlbSlots ? slot / tags : -1;
    }

    /** Without ASIDs, the broadcast slot of a last-level-only invalidation of {@code page} (TLBI VALE1IS). */
    public int bcastLastLevel(int page) {
        return pages + page;
    }

    /** Whether a broadcast slot is a last-level-only invalidation, which leaves paging-structure caches. */
    public boolean isLastLevel(int slot) {
        return tags == 1 && slot >= pages;
    }

    /** What word {@code i} of a state holds and whose it is. */
    public StateWord word(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("word " + i + " of " + size);
        }
        if (i < cpuBase) {
            Program.Var v = program.shared().get(i);
            return new StateWord(StateWord.Kind.VARIABLE, StateWord.Owner.SHARED, 0, v.type(), v.name());
        }
        if (i < pteBase) {
            return cpuWord((i - cpuBase) / stride, (i - cpuBase) % stride);
        }
        if (i < pmdBase) {
            return of(StateWord.Kind.PTE, StateWord.Owner.PAGE, i - pteBase, "pte[" + program.pageNames().get(i - pteBase) + "]");
        }
        if (i < mmMaskBase) {
            int t = i - pmdBase;
            return of(StateWord.Kind.PMD, StateWord.Owner.TABLE, t, PageTableTree.prefix(tree.level(t)) + "[" + program.tableNames().get(t) + "]");
        }
        if (i < mmContextBase) {
            return of(StateWord.Kind.MM_CPUMASK, StateWord.Owner.MM, i - mmMaskBase, "cpumask(" + program.mmNames().get(i - mmMaskBase) + ")");
        }
        if (i < rcuBase) {
            return of(StateWord.Kind.MM_CONTEXT, StateWord.Owner.MM, i - mmContextBase, "context_id(" + program.mmNames().get(i - mmContextBase) + ")");
        }
        if (i < frameBase) {
            int slot = (i - rcuBase) / 2;
            return (i - rcuBase) % 2 == 0 ? of(StateWord.Kind.RCU_FRAME, StateWord.Owner.RCU_SLOT, slot, "rcu[" + slot + "].frame")
                    : of(StateWord.Kind.RCU_WAITING, StateWord.Owner.RCU_SLOT, slot, "rcu[" + slot + "].waiting");
        }
        if (i < sharersBase) {
            return of(StateWord.Kind.FRAME_STATE, StateWord.Owner.FRAME, i - frameBase, "frame[" + program.frameNames().get(i - frameBase) + "]");
        }
        if (i < versionBase) {
            return of(StateWord.Kind.FRAME_SHARERS, StateWord.Owner.FRAME, i - sharersBase, "sharers[" + program.frameNames().get(i - sharersBase) + "]");
        }
        if (i < sourceBase) {
            return of(StateWord.Kind.FRAME_VERSION, StateWord.Owner.FRAME, i - versionBase, "version[" + program.frameNames().get(i - versionBase) + "]");
        }
        if (i < missedBase) {
            return of(StateWord.Kind.FRAME_SOURCE, StateWord.Owner.FRAME, i - sourceBase, "copied_from[" + program.frameNames().get(i - sourceBase) + "]");
        }
        if (i < protectedPages) {
            int f = (i - missedBase) / missedWords;
            int word = (i - missedBase) % missedWords;
            return of(StateWord.Kind.FRAME_MISSED, StateWord.Owner.FRAME, f, "missed[" + program.frameNames().get(f) + "][" + word + "]");
        }
        return of(StateWord.Kind.PROTECTED, StateWord.Owner.PAGE, i - protectedPages, "protected[" + program.pageNames().get(i - protectedPages) + "]");
    }

    private StateWord cpuWord(int c, int off) {
        String cpu = "cpu" + c + ".";
        switch (off) {
            case PC:
                return of(StateWord.Kind.PC, StateWord.Owner.CPU, c, cpu + "pc");
            case FLAGS:
                return of(StateWord.Kind.FLAGS, StateWord.Owner.CPU, c, cpu + "flags");
            case SAVED_PC:
                return of(StateWord.Kind.SAVED_PC, StateWord.Owner.CPU, c, cpu + "saved_pc");
            case ACK_WAIT:
                return of(StateWord.Kind.ACK_WAIT, StateWord.Owner.CPU, c, cpu + "ack_wait");
            case SB_COUNT:
                return of(StateWord.Kind.STORE_COUNT, StateWord.Owner.CPU, c, cpu + "store_buffer.count");
            case CR3:
                return of(StateWord.Kind.CR3, StateWord.Owner.CPU, c, cpu + "cr3");
            case RCU_NEST:
                return of(StateWord.Kind.RCU_NEST, StateWord.Owner.CPU, c, cpu + "rcu_nest");
            default:
                break;
        }
        if (off < ipiArgs) {
            return of(StateWord.Kind.PENDING_SENDERS, StateWord.Owner.CPU, c, cpu + "pending[" + program.handlers().get(off - PENDING).name() + "]");
        }
        if (off < asid) {
            int h = off - ipiArgs;
            return new StateWord(StateWord.Kind.IPI_ARG, StateWord.Owner.CPU, c, program.handlerArgs().get(h),
                    cpu + "ipi_arg[" + program.handlers().get(h).name() + "]");
        }
        if (off < tlb) {
            return of(StateWord.Kind.ASID, StateWord.Owner.CPU, c, cpu + "asid");
        }
        if (off < bcast) {
            int slot = off - tlb;
            return of(StateWord.Kind.TLB_ENTRY, StateWord.Owner.CPU, c, cpu + "tlb[" + program.pageNames().get(slot / tags) + tag(slot % tags) + "]");
        }
        if (off < pwc) {
            int slot = off - bcast;
            String what = tags == 1 ? program.pageNames().get(bcastPage(slot)) + (isLastLevel(slot) ? ", last level" : "") : slot < tlbSlots ? program.pageNames().get(slot / tags) + tag(slot % tags)
                    : slot < bcastAll() ? "asid " + (slot - tlbSlots) : "all";
            return of(StateWord.Kind.BROADCAST_PENDING, StateWord.Owner.CPU, c, cpu + "broadcast[" + what + "]");
        }
        if (off < icache) {
            int slot = off - pwc;
            return of(StateWord.Kind.WALK_CACHE_ENTRY, StateWord.Owner.CPU, c, cpu + "walk_cache[" + program.tableNames().get(slot / tags) + tag(slot % tags) + "]");
        }
        if (off < xenQueue) {
            return of(StateWord.Kind.ICACHE_LINE, StateWord.Owner.CPU, c, cpu + "icache[" + program.frameNames().get(off - icache) + "]");
        }
        if (off < perCpu) {
            return of(StateWord.Kind.XEN_QUEUE, StateWord.Owner.CPU, c, cpu + "xen_queue[" + (off - xenQueue) + "]");
        }
        if (off < storeBuffer) {
            Program.Var v = program.perCpu().get(off - perCpu);
            return new StateWord(StateWord.Kind.VARIABLE, StateWord.Owner.CPU, c, v.type(), v.name() + "[" + c + "]");
        }
        if (off < locals) {
            int e = (off - storeBuffer) / 2;
            return (off - storeBuffer) % 2 == 0 ? of(StateWord.Kind.STORE_ADDRESS, StateWord.Owner.CPU, c, cpu + "store_buffer[" + e + "].address")
                    : of(StateWord.Kind.STORE_VALUE, StateWord.Owner.CPU, c, cpu + "store_buffer[" + e + "].value");
        }
        if (off < handlerLocals) {
            return new StateWord(StateWord.Kind.PROGRAM_LOCAL, StateWord.Owner.CPU, c, programSlotType(c, off - locals), cpu + "local[" + (off - locals) + "]");
        }
        return new StateWord(StateWord.Kind.HANDLER_LOCAL, StateWord.Owner.CPU, c, null, cpu + "handler_local[" + (off - handlerLocals) + "]");
    }

    /**
     * The values word {@code i} can hold, {min, max} inclusive, as far as the machine guarantees
     * them (for packing states into bits): program counters below the longest body, counts below
     * their capacity, CR3 at most the number of address spaces, the ASID below the ASIDs' count, PTEs (in memory, in TLBs and walk
     * caches, in variables) within the frames' encoding, booleans 0 or 1, pages, frames and tables
     * below their counts, CPU sets within the machine's CPUs, the flags word's four bits and handler
     * number, a frame's owner and its two content bits ({@link FrameState}), store-buffer addresses
     * within the state or naming a CPU's ack, an IPI's value within its handler's parameter type. A
     * frame slot past the CPU's own program's frame, or past every handler's, is always 0, and so is
     * the value word of a handler that takes none. An int, and a cpu (an int converts to one), can hold
     * any 32-bit value; so can words whose bound is not tracked.
     */
    public int[] range(int i) {
        StateWord w = word(i);
        int codes = 1;
        for (Code c : program.cpuPrograms()) {
            codes = Math.max(codes, c.size());
        }
        for (Code c : program.handlers()) {
            codes = Math.max(codes, c.size());
        }
        int pteMax = (Math.max(1, program.frames()) - 1) << 8 | 0xff;
        int setMax = cpus >= 31 ? Integer.MAX_VALUE : (1 << cpus) - 1;
        switch (w.kind()) {
            case FLAGS:
                return new int[] {0, (Math.max(1, handlers) - 1) << HANDLER_SHIFT | IRQ_ON | IN_HANDLER | SAVED_IRQ | FENCE};
            case FRAME_STATE:
                return new int[] {0, FrameState.MODIFIED | FrameState.SAVED | FrameState.KERNEL};
            case FRAME_SHARERS:
                return new int[] {0, (int) ((1L << Math.min(FrameState.MAX_SHARERS, program.mmNames().size())) - 1)};
            case FRAME_VERSION:
                return new int[] {0, MAX_VERSION};
            case FRAME_SOURCE:
                return new int[] {0, program.frames()};
            case FRAME_MISSED:
                // Word k holds pages 31k to 31k+30, as many of them as there are.
                return new int[] {0, (int) ((1L << Math.min(31, pages - 31 * ((i - missedBase) % missedWords))) - 1)};
            case STORE_ADDRESS:
                return new int[] {-cpus, size - 1};
            case HANDLER_LOCAL:
                return handlerSlotRange((i - cpuBase) % stride - handlerLocals);
            case PC:
            case SAVED_PC:
                return new int[] {0, codes - 1};
            case STORE_COUNT:
                return new int[] {0, storeBufferEntries};
            case CR3:
                return new int[] {0, program.mmNames().size()};
            case ASID:
                return new int[] {0, tags - 1};
            case ICACHE_LINE:
                return new int[] {0, 2};
            case PROTECTED:
                return new int[] {0, 1};
            case TLB_ENTRY:
            case WALK_CACHE_ENTRY:
            case PTE:
            case PMD:
                return new int[] {0, pteMax};
            case ACK_WAIT:
            case PENDING_SENDERS:
            case BROADCAST_PENDING:
            case MM_CPUMASK:
            case RCU_WAITING:
                return new int[] {0, setMax};
            case RCU_FRAME:
                return new int[] {0, program.frames()};
            case PROGRAM_LOCAL:
                if (i - cpu(w.index()) - locals >= program.cpuPrograms().get(w.index()).frameSize()) {
                    // Past this CPU's own program's frame (the layout sizes frames for the largest): never written.
                    return new int[] {0, 0};
                }
                return w.type() == null ? new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE} : typeRange(w.type());
            case VARIABLE:
                return w.type() == null ? new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE} : typeRange(w.type());
            case IPI_ARG:
                // A handler that takes no value: its word is never written.
                return w.type() == null ? new int[] {0, 0} : typeRange(w.type());
            default:
                return new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
        }
    }

    /** The values of a word of language type {@code t}: bounded for the types that name a finite set of things. */
    private int[] typeRange(dev.shootdown.lang.Type t) {
        int pteMax = (Math.max(1, program.frames()) - 1) << 8 | 0xff;
        int setMax = cpus >= 31 ? Integer.MAX_VALUE : (1 << cpus) - 1;
        return switch (t) {
            case BOOL -> new int[] {0, 1};
            case CPUSET -> new int[] {0, setMax};
            case PTE -> new int[] {0, pteMax};
            case FRAME -> new int[] {0, Math.max(0, program.frames() - 1)};
            case PAGE -> new int[] {0, Math.max(0, pages - 1)};
            case TABLE -> new int[] {0, Math.max(0, program.tableNames().size() - 1)};
            case MM -> new int[] {0, Math.max(0, program.mmNames().size() - 1)};
            default -> new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
        };
    }

    /**
     * Slot {@code slot} of the handler frame holds, at any time, a value of that slot's type in the handler running, or 0
     * (outside handlers, and past the running handler's frame): the union of those ranges and 0.
     */
    private int[] handlerSlotRange(int slot) {
        long lo = 0;
        long hi = 0;
        for (int h = 0; h < handlers; h++) {
            dev.shootdown.lang.Type t = handlerSlotType(h, slot);
            if (t != null) {
                int[] r = typeRange(t);
                lo = Math.min(lo, r[0]);
                hi = Math.max(hi, r[1]);
            }
        }
        return new int[] {(int) lo, (int) hi};
    }

    /** How a slot's ASID reads in its word's name: nothing without ASIDs. */
    private String tag(int tag) {
        return tags == 1 ? "" : ", asid " + tag;
    }

    private static StateWord of(StateWord.Kind kind, StateWord.Owner owner, int index, String name) {
        return new StateWord(kind, owner, index, null, name);
    }

    /** The type of slot {@code slot} of CPU {@code c}'s program frame; null past the program's own frame (always 0). */
    public dev.shootdown.lang.Type programSlotType(int c, int slot) {
        Code code = program.cpuPrograms().get(c);
        return slot < code.slotTypes().length ? code.slotTypes()[slot] : null;
    }

    /** The type of slot {@code slot} of handler {@code h}'s frame; null past its frame (always 0). */
    public dev.shootdown.lang.Type handlerSlotType(int h, int slot) {
        Code code = program.handlers().get(h);
        return slot < code.slotTypes().length ? code.slotTypes()[slot] : null;
    }
}
