package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * How an instruction meets the store buffer under {@code memory tso} (x86-TSO, Owens, Sarkar and
 * Sewell, TPHOLs 2009; Intel SDM vol. 3A 8.2): stores are buffered in order; loads read the CPU's
 * own newest buffered store first; locked and serializing instructions drain the buffer first
 * (SDM 8.2.2, 8.3: INVLPG and MOV CR3 serialize); MFENCE (smp_mb) holds back later memory
 * accesses until the buffer is empty, but not a WRMSR to the x2APIC, so an IPI can overtake
 * buffered stores unless LFENCE follows (Linux's weak_wrmsr_fence(), SDM 10.12.3).
 */
public final class MemoryOrder {
    /** Touches no kernel memory (locals, interrupt flag, IPI send). */
    public static final byte NONE = 0;
    /** Reads kernel memory. */
    public static final byte ACCESS = 1;
    /** Writes kernel memory through the store buffer (and may read it). */
    public static final byte STORE = 2;
    /** Locked or serializing: needs an empty store buffer. */
    public static final byte DRAIN = 3;

    private MemoryOrder() {}

    static byte classify(Insn insn) {
        if (insn instanceof Insn.Atomic) {
            return DRAIN;
        } else if (insn instanceof Insn.Assign a) {
            if (!(a.target() instanceof Insn.Target.Local)) {
                return STORE;
            }
            return IrExpr.isLocal(a.value()) ? NONE : ACCESS;
        } else if (insn instanceof Insn.Branch b) {
            return IrExpr.isLocal(b.cond()) ? NONE : ACCESS;
        } else if (insn instanceof Insn.Wait w) {
            return IrExpr.isLocal(w.cond()) ? NONE : ACCESS;
        } else if (insn instanceof Insn.ChooseCpu ch) {
            return IrExpr.isLocal(ch.set()) ? NONE : ACCESS;
        } else if (insn instanceof Insn.Assert a) {
            return IrExpr.isLocal(a.cond()) ? NONE : ACCESS;
        } else if (insn instanceof Insn.Op o) {
            byte order = op(o.op());
            // An argument that reads kernel memory makes the instruction a memory access, whatever
            // the operation does (send_ipi({c in S : is_lazy[c]}, h) reads before it sends).
            if (order == NONE && !java.util.Arrays.stream(o.args()).allMatch(IrExpr::isLocal)) {
                return ACCESS;
            }
            return order;
        }
        return NONE;
    }

    private static byte op(Builtin b) {
        switch (b) {
            case GUP_FAST:
            case GUP_FAST_PTE:
            case GUP_FAST_DOWN:
                return ACCESS;
            case SET_PTE:
            case PTE_CLEAR:
            case PMD_CLEAR:
            case PMD_POPULATE:
            case PUD_CLEAR:
            case PUD_POPULATE:
            case P4D_CLEAR:
            case P4D_POPULATE:
            case ACK:
            case SPIN_UNLOCK:
            case SET_MM_CONTEXT_ID:
                return STORE;
            case PTEP_GET_AND_CLEAR:
            case PTEP_CMPXCHG:
            case PTEP_TEST_AND_CLEAR_YOUNG:
            case PTEP_MKCLEAN:
            case PTEP_SET_WRPROTECT:
            case SPIN_LOCK:
            case PMDP_GET_AND_CLEAR:
            case SWITCH_MM:
            case CPU_SWITCH_MM:
            case WRITE_CR3:
            case TLBI_VAE1IS:
            case TLBI_ASIDE1IS:
            case TLBI_VMALLE1IS:
            case TLBI_VAE1:
            case TLBI_ASIDE1:
            case TLBI_VMALLE1:
            case INVPCID_FLUSH_ONE:
            case INVPCID_FLUSH_SINGLE_CONTEXT:
            case INVPCID_FLUSH_ALL:
            case INVPCID_FLUSH_ALL_NONGLOBALS:
            case CPUMASK_SET:
            case CPUMASK_CLEAR:
            case FLUSH_TLB_PAGE:
            case FLUSH_TLB_ALL:
            case FLUSH_TLB_RANGE:
            case TLBI_RANGE_IS:
            case TLBIE:
            case TLBSYNC:
            case TLBI_IS:
            case DSB_ISH:
            case INVLPGB:
            case XEN_FLUSH_QUEUE:
            case XEN_TLB_FLUSH_ALL:
            case XEN_INVLPG_ALL:
            case FLUSH_REMOTE:
            case FLUSH_ICACHE_ALL:
            case WEAK_WRMSR_FENCE:
                return DRAIN;
            case SEND_IPI:
            case LOCAL_IRQ_DISABLE:
            case LOCAL_IRQ_ENABLE:
            case SMP_MB:
            case SMP_WMB:
            case SMP_RMB:
            case PROTECT_DONE:
            case RCU_READ_LOCK:
            case RCU_READ_UNLOCK:
                return NONE;
            default:
                return ACCESS;
        }
    }
}
