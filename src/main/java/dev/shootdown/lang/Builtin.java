package dev.shootdown.lang;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.shootdown.lang.Type.*;

/**
 * Every built-in function and operation of the language with its signature. This table is the
 * language's vocabulary: the compiler checks calls against it and docs/language.md documents it.
 * Names follow Linux where Linux has one (seed 003/004 speak in its terms).
 */
public enum Builtin {
    // Pure functions and reads (expressions).
    ACKED("acked", Kind.READ, BOOL, CPUSET),
    CPUMASK("cpumask", Kind.READ, CPUSET, MM),
    PMD_GET("pmd_get", Kind.READ, PTE, TABLE),
    PUD_GET("pud_get", Kind.READ, PTE, TABLE),
    P4D_GET("p4d_get", Kind.READ, PTE, TABLE),
    TABLE_FRAME("table_frame", Kind.PURE, FRAME, TABLE),
    COUNT("count", Kind.PURE, INT, CPUSET),
    PTEP_GET("ptep_get", Kind.READ, PTE, PAGE),
    MK_PTE("mk_pte", Kind.PURE, PTE, FRAME, BOOL),
    PTE_MKCLEAN("pte_mkclean", Kind.PURE, PTE, PTE),
    PTE_MKDIRTY("pte_mkdirty", Kind.PURE, PTE, PTE),
    PTE_WRPROTECT("pte_wrprotect", Kind.PURE, PTE, PTE),
    PTE_MKOLD("pte_mkold", Kind.PURE, PTE, PTE),
    FRAME_FREE("frame_is_free", Kind.READ, BOOL, FRAME),
    /** A page's virtual address, compiled around the operands of {@code <} on pages: pages compare by address. */
    PAGE_VA("__page_va", Kind.PURE, INT, PAGE),
    // Bitmaps in an int (bits 0 to 31), as Linux's test_bit, __set_bit, __clear_bit and find_next_zero_bit
    // work on an unsigned long: pure, so set_bit and clear_bit return the new map.
    TEST_BIT("test_bit", Kind.PURE, BOOL, INT, INT),
    SET_BIT("set_bit", Kind.PURE, INT, INT, INT),
    CLEAR_BIT("clear_bit", Kind.PURE, INT, INT, INT),
    FIND_NEXT_ZERO_BIT("find_next_zero_bit", Kind.PURE, INT, INT, INT, INT),

    // Kernel operations on page tables (one indivisible access each; the ptep_* ones are locked RMWs).
    SET_PTE("set_pte", Kind.OP, VOID, PAGE, PTE),
    PTE_CLEAR("pte_clear", Kind.OP, VOID, PAGE),
    PTEP_GET_AND_CLEAR("ptep_get_and_clear", Kind.OP, PTE, PAGE),
    PTEP_CMPXCHG("ptep_cmpxchg", Kind.OP, BOOL, PAGE, PTE, PTE),
    PTEP_TEST_AND_CLEAR_YOUNG("ptep_test_and_clear_young", Kind.OP, BOOL, PAGE),
    PTEP_MKCLEAN("ptep_mkclean", Kind.OP, PTE, PAGE),
    PTEP_SET_WRPROTECT("ptep_set_wrprotect", Kind.OP, PTE, PAGE),

    // Upper-level entries (PMDs) that hook page-table pages into an mm.
    PMD_CLEAR("pmd_clear", Kind.OP, VOID, TABLE),
    PMDP_GET_AND_CLEAR("pmdp_get_and_clear", Kind.OP, PTE, TABLE),
    PMD_POPULATE("pmd_populate", Kind.OP, VOID, TABLE, FRAME),
    // The same a level up, on the entries that hook PMD tables (PUDs) and PUD tables (P4Ds, folded into
    // the PGD with four levels): mm/memory.c free_pmd_range()'s pud_clear(), free_pud_range()'s p4d_clear().
    PUD_CLEAR("pud_clear", Kind.OP, VOID, TABLE),
    PUD_POPULATE("pud_populate", Kind.OP, VOID, TABLE, FRAME),
    P4D_CLEAR("p4d_clear", Kind.OP, VOID, TABLE),
    P4D_POPULATE("p4d_populate", Kind.OP, VOID, TABLE, FRAME),

    // Address spaces on CPUs: CR3/TTBR writes and mm_cpumask.
    SWITCH_MM("switch_mm", Kind.OP, VOID, MM),
    CPUMASK_SET("cpumask_set", Kind.OP, VOID, MM, CPU),
    CPUMASK_CLEAR("cpumask_clear", Kind.OP, VOID, MM, CPU),
    // With ASIDs (knob asids): arm64's TTBR0_EL1 write of a table and an ASID (cpu_switch_mm), x86's MOV to
    // CR3 of a table and a PCID, with or without the no-flush bit 63.
    CPU_SWITCH_MM("cpu_switch_mm", Kind.OP, VOID, MM, INT),
    WRITE_CR3("write_cr3", Kind.OP, VOID, MM, INT, BOOL),
    // The kernel's per-mm context word (arm64 mm->context.id, x86 mm->context.ctx_id): where an ASID
    // allocator keeps an mm's ASID and generation.
    MM_CONTEXT_ID("mm_context_id", Kind.READ, INT, MM),
    SET_MM_CONTEXT_ID("set_mm_context_id", Kind.OP, VOID, MM, INT),

    // RCU: deferred frees wait until every CPU has passed a quiescent state.
    RCU_FREE("rcu_free", Kind.OP, VOID, FRAME),
    RCU_READ_LOCK("rcu_read_lock", Kind.OP, VOID),
    RCU_READ_UNLOCK("rcu_read_unlock", Kind.OP, VOID),

    // The lockless software walker (get_user_pages_fast): reads the PMD, the table, the PTE, takes the page.
    GUP_FAST("gup_fast", Kind.OP, VOID, PAGE),
    /** The second half of gup_fast, compiled after it: the table and PTE read through the PMD it read. */
    GUP_FAST_PTE("__gup_fast_pte", Kind.OP, VOID, PAGE, PTE),
    /**
     * A middle step of gup_fast through nested tables, compiled between the two: given the entry read at the
     * level above the int, checks it and reads the entry of that level.
     */
    GUP_FAST_DOWN("__gup_fast_down", Kind.OP, PTE, PAGE, PTE, INT),

    // TLB maintenance.
    FLUSH_TLB_PAGE("flush_tlb_page", Kind.OP, VOID, PAGE),
    FLUSH_TLB_ALL("flush_tlb_all", Kind.OP, VOID),
    // A range of pages, from the first to the second in address order: one invalidation per page up to
    // tlb_single_page_flush_ceiling pages, above it one of the whole address space (arch/x86/mm/tlb.c);
    // locally, and broadcast as arm64's __flush_tlb_range(vma, start, end, stride, last_level) does, with
    // TLBI VAE1IS, or VALE1IS (the last level only: walk caches stay) when last_level is true.
    FLUSH_TLB_RANGE("flush_tlb_range", Kind.OP, VOID, PAGE, PAGE),
    TLBI_RANGE_IS("tlbi_range_is", Kind.OP, VOID, PAGE, PAGE, BOOL),
    TLBIE("tlbie", Kind.OP, VOID, PAGE),
    TLBSYNC("tlbsync", Kind.OP, VOID),
    // The same broadcast invalidation under other names: arm64 TLBI VAE1IS + DSB ISH, AMD INVLPGB (+ TLBSYNC above).
    TLBI_IS("tlbi_is", Kind.OP, VOID, PAGE),
    DSB_ISH("dsb_ish", Kind.OP, VOID),
    INVLPGB("invlpgb", Kind.OP, VOID, PAGE),
    // With ASIDs: arm64's broadcast TLBI by VA and ASID, by ASID, and of every ASID (completed by dsb_ish),
    // and x86's INVPCID of types 0 (address and PCID), 1 (PCID), 2 and 3 (every PCID).
    TLBI_VAE1IS("tlbi_vae1is", Kind.OP, VOID, PAGE, INT),
    TLBI_ASIDE1IS("tlbi_aside1is", Kind.OP, VOID, INT),
    TLBI_VMALLE1IS("tlbi_vmalle1is", Kind.OP, VOID),
    // arm64's local TLBI (the calling PE only, ARM ARM D8.13): by VA and ASID, by ASID, of every ASID.
    TLBI_VAE1("tlbi_vae1", Kind.OP, VOID, PAGE, INT),
    TLBI_ASIDE1("tlbi_aside1", Kind.OP, VOID, INT),
    TLBI_VMALLE1("tlbi_vmalle1", Kind.OP, VOID),
    INVPCID_FLUSH_ONE("invpcid_flush_one", Kind.OP, VOID, INT, PAGE),
    INVPCID_FLUSH_SINGLE_CONTEXT("invpcid_flush_single_context", Kind.OP, VOID, INT),
    INVPCID_FLUSH_ALL("invpcid_flush_all", Kind.OP, VOID),
    INVPCID_FLUSH_ALL_NONGLOBALS("invpcid_flush_all_nonglobals", Kind.OP, VOID),

    // Xen PV (seed 002): apply this CPU's queued PTE updates; synchronous TLB-flush hypercalls on every vCPU.
    XEN_FLUSH_QUEUE("xen_flush_queue", Kind.OP, VOID),
    XEN_TLB_FLUSH_ALL("xen_tlb_flush_all", Kind.OP, VOID),
    XEN_INVLPG_ALL("xen_invlpg_all", Kind.OP, VOID, PAGE),

    // Incoherent i-caches (Tile, seed 004): local flush, and the hypervisor's synchronous remote flush
    // of a page's TLB entries and of the i-caches of a set of CPUs (hv_flush_remote with HV_FLUSH_EVICT_L1I).
    FLUSH_ICACHE_ALL("flush_icache_all", Kind.OP, VOID),
    FLUSH_REMOTE("flush_remote", Kind.OP, VOID, CPUSET, PAGE),

    // Interrupts and IPIs.
    SEND_IPI("send_ipi", Kind.OP, VOID, CPUSET, HANDLER),
    ACK("ack", Kind.OP, VOID, CPU),
    LOCAL_IRQ_DISABLE("local_irq_disable", Kind.OP, VOID),
    LOCAL_IRQ_ENABLE("local_irq_enable", Kind.OP, VOID),

    // Barriers: no-ops under sequential consistency; under TSO see model.MemoryOrder.
    SMP_MB("smp_mb", Kind.OP, VOID),
    SMP_WMB("smp_wmb", Kind.OP, VOID),
    SMP_RMB("smp_rmb", Kind.OP, VOID),
    WEAK_WRMSR_FENCE("weak_wrmsr_fence", Kind.OP, VOID),

    // Frames.
    FREE_FRAME("free_frame", Kind.OP, VOID, FRAME),
    ALLOC_FRAME("alloc_frame", Kind.OP, FRAME),
    WRITEBACK("writeback", Kind.OP, VOID, FRAME),
    /** The kernel fills a frame with new content (a page of code or data it is about to map). */
    WRITE_FRAME("write_frame", Kind.OP, VOID, FRAME),
    /** The kernel copies a frame's content into another (Linux's copy_user_highpage in wp_page_copy, migrate_page_copy). */
    COPY_PAGE("copy_page", Kind.OP, VOID, FRAME, FRAME),
    /** How many present PTEs map the frame (Linux's page_mapcount). */
    PAGE_MAPCOUNT("page_mapcount", Kind.READ, INT, FRAME),

    // Spin locks over an int variable: a blocking test-and-set and a release.
    SPIN_LOCK("spin_lock", Kind.OP, VOID, INT),
    SPIN_UNLOCK("spin_unlock", Kind.OP, VOID, INT),

    // Ghost statement for no_write_after_protect: marks where mprotect(read-only) returns.
    PROTECT_DONE("protect_done", Kind.OP, VOID, PAGE),

    // Time for timed engines: n cycles of user work, or of idling, touching no modelled state. The
    // checker takes each as one step that changes nothing; the simulator charges n cycles, during
    // which the CPU can take interrupts.
    COMPUTE("compute", Kind.OP, VOID, INT),
    IDLE("idle", Kind.OP, VOID, INT),

    // User-mode accesses through the MMU: each gives the content version of the frame it reached (-1 if it faulted).
    READ("read", Kind.OP, INT, PAGE),
    WRITE("write", Kind.OP, INT, PAGE),
    EXEC("exec", Kind.OP, INT, PAGE);

    /** PURE: no memory access; READ: reads machine state; OP: a statement with effects. */
    public enum Kind { PURE, READ, OP }

    private final String word;
    private final Kind kind;
    private final Type result;
    private final List<Type> params;

    Builtin(String word, Kind kind, Type result, Type... params) {
        this.word = word;
        this.kind = kind;
        this.result = result;
        this.params = List.of(params);
    }

    public String word() {
        return word;
    }

    public Kind kind() {
        return kind;
    }

    public Type result() {
        return result;
    }

    public List<Type> params() {
        return params;
    }

    /** Whether a model may call it: the later steps of {@code gup_fast} are compiled from {@code gup_fast}, never written, and so is {@code __page_va}. */
    public boolean callable() {
        return this != GUP_FAST_PTE && this != GUP_FAST_DOWN && this != PAGE_VA;
    }

    public String signature() {
        return word + "(" + params.stream().map(Type::word).collect(Collectors.joining(", ")) + ")"
                + (result == VOID ? "" : " -> " + result.word());
    }

    private static final Map<String, Builtin> BY_WORD =
            Arrays.stream(values()).collect(Collectors.toMap(Builtin::word, Function.identity()));

    public static Builtin byWord(String word) {
        return BY_WORD.get(word);
    }
}
