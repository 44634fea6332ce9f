package dev.shootdown.model;

import dev.shootdown.lang.Type;

/**
 * What one word of the packed state holds and whose it is: the answer {@link Layout#word} gives.
 * Symmetry reduction reads it to renumber CPUs, the counterexample views to show state.
 *
 * @param kind   what the word holds
 * @param owner  whose it is
 * @param index  which one of the owner's kind: the CPU, page, table, address space, RCU slot or frame
 *               (0 for shared words)
 * @param type   for a variable or a frame slot, its language type; null for other words, and for a
 *               handler's frame slot, whose type depends on the handler running ({@link Layout#handlerSlotType})
 * @param name   a readable name: {@code tgt}, {@code cpu1.tlb[p1]}, {@code pte[p1]}
 */
public record StateWord(Kind kind, Owner owner, int index, Type type, String name) {

    /** Whose a word is. */
    public enum Owner { SHARED, CPU, PAGE, TABLE, MM, RCU_SLOT, FRAME }

    /** What a word holds. */
    public enum Kind {
        /** A shared or per-CPU variable of the model; its {@link #type} says which values. */
        VARIABLE(Holds.BY_TYPE),
        /** The CPU's program counter in the code it runs (its program, or a handler while in one). */
        PC(Holds.NOTHING_OF_CPUS),
        /** {@link Layout#IRQ_ON}, {@link Layout#IN_HANDLER}, {@link Layout#SAVED_IRQ}, {@link Layout#FENCE} and the handler's number. */
        FLAGS(Holds.NOTHING_OF_CPUS),
        /** The program's pc while a handler runs. */
        SAVED_PC(Holds.NOTHING_OF_CPUS),
        /** The CPUs this CPU still waits an ack from. */
        ACK_WAIT(Holds.CPU_SET),
        /** How many entries the store buffer holds. */
        STORE_COUNT(Holds.NOTHING_OF_CPUS),
        /** The address space in CR3/TTBR: its index + 1, 0 for none. */
        CR3(Holds.NOTHING_OF_CPUS),
        /** rcu_read_lock() nesting depth. */
        RCU_NEST(Holds.NOTHING_OF_CPUS),
        /** The CPU's current ASID (TTBR0_EL1.ASID, the PCID in CR3), with the knob asids. */
        ASID(Holds.NOTHING_OF_CPUS),
        /** One handler's pending IPIs: the set of CPUs that sent it. */
        PENDING_SENDERS(Holds.CPU_SET),
        /** The value this CPU last passed to {@code send_ipi} for a handler that takes one; its {@link #type} is the handler's. */
        IPI_ARG(Holds.BY_TYPE),
        /** The cached PTE of one page, filled under one ASID with the knob asids (0: no entry). */
        TLB_ENTRY(Holds.NOTHING_OF_CPUS),
        /** For one page (with ASIDs: a page and an ASID, an ASID, or everything): the CPUs whose broadcast invalidation of it is not yet performed at this CPU. */
        BROADCAST_PENDING(Holds.CPU_SET),
        /** The paging-structure cache entry for one table's PMD, cached under one ASID with the knob asids (0: none). */
        WALK_CACHE_ENTRY(Holds.NOTHING_OF_CPUS),
        /** An i-cache line of one frame: 0 none, 1 current content, 2 older content. */
        ICACHE_LINE(Holds.NOTHING_OF_CPUS),
        /** The Xen PV queue: its length, then (page, PTE) words. */
        XEN_QUEUE(Holds.NOTHING_OF_CPUS),
        /** A store-buffer entry's address: a state index (a shared word, or a per-CPU variable in some CPU's block), or below 0 an ack to CPU -1-address. */
        STORE_ADDRESS(Holds.STORE_ADDRESS),
        /** A store-buffer entry's value, of the type of the word its address names. */
        STORE_VALUE(Holds.STORE_VALUE),
        /** A slot of the frame of the CPU's program; {@link #type} says which values. */
        PROGRAM_LOCAL(Holds.BY_TYPE),
        /** A slot of the frame of the handler the CPU runs (zero outside handlers). */
        HANDLER_LOCAL(Holds.BY_HANDLER),
        /** A page's PTE in memory. */
        PTE(Holds.NOTHING_OF_CPUS),
        /** A table's PMD entry (present + frame, or 0). */
        PMD(Holds.NOTHING_OF_CPUS),
        /** An address space's mm_cpumask. */
        MM_CPUMASK(Holds.CPU_SET),
        /** An address space's context word (set_mm_context_id): an int the kernel keeps there, such as an ASID and its generation. */
        MM_CONTEXT(Holds.NOTHING_OF_CPUS),
        /** An RCU slot's frame to free + 1 (0: empty). */
        RCU_FRAME(Holds.NOTHING_OF_CPUS),
        /** An RCU slot's CPUs still to pass a quiescent state. */
        RCU_WAITING(Holds.CPU_SET),
        /** A frame's owner and content state ({@link FrameState}). */
        FRAME_STATE(Holds.NOTHING_OF_CPUS),
        /** A frame's further owners: a mask of address spaces whose pages map it besides its first owner. */
        FRAME_SHARERS(Holds.NOTHING_OF_CPUS),
        /** A frame's content version: bumped by each user store that reaches it, copied by copy_page. */
        FRAME_VERSION(Holds.NOTHING_OF_CPUS),
        /** The frame a frame's content was copied from + 1 (0: none): copy_page's lineage, for no_stale_copy. */
        FRAME_SOURCE(Holds.NOTHING_OF_CPUS),
        /** A mask of pages (31 a word) whose last store, made to a frame copied to or from this one, this frame misses. */
        FRAME_MISSED(Holds.NOTHING_OF_CPUS),
        /** 1 once mprotect(read-only) of a page has returned. */
        PROTECTED(Holds.NOTHING_OF_CPUS);

        private final Holds holds;

        Kind(Holds holds) {
            this.holds = holds;
        }

        public Holds holds() {
            return holds;
        }
    }

    /** How a word relates to CPU numbers: what renumbering the CPUs does to it. */
    public enum Holds {
        /** Nothing: renumbering leaves it as it is. */
        NOTHING_OF_CPUS,
        /** A CPU number: renumbered. */
        CPU,
        /** A set of CPUs: each member is renumbered. */
        CPU_SET,
        /** Whatever its {@link StateWord#type} holds: a cpu is renumbered, a cpuset's members are. */
        BY_TYPE,
        /** Whatever the running handler's slot holds. */
        BY_HANDLER,
        /** A store-buffer address: an ack's CPU and a per-CPU variable's CPU are renumbered. */
        STORE_ADDRESS,
        /** A store-buffer value: as the word its address names. */
        STORE_VALUE
    }

    /** What renumbering does to a value of this language type: CPU ({@code cpu}), CPU_SET ({@code cpuset}) or nothing. */
    public static Holds holds(Type t) {
        if (t == Type.CPU) {
            return Holds.CPU;
        }
        return t == Type.CPUSET ? Holds.CPU_SET : Holds.NOTHING_OF_CPUS;
    }
}
