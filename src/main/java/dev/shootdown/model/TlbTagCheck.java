package dev.shootdown.model;

import dev.shootdown.lang.Builtin;
import dev.shootdown.lang.CompileError;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A compile pass: the TLB built-ins a program uses fit how its TLB tags entries. The built-ins that
 * load or name an ASID need the {@code asids} knob; with it, the ones that name no ASID where the
 * hardware needs one are refused: a CR3 or TTBR write loads an ASID with the table
 * ({@code switch_mm} does not say which), and a broadcast invalidation names the ASID it
 * invalidates in its operand (TLBI VAE1IS's ASID field, INVLPGB's PCID), which the kernel chose, so
 * {@code tlbi_is(p)} and its other names cannot take it from the page.
 */
final class TlbTagCheck {
    private TlbTagCheck() {}

    /** The built-ins that load or name an ASID. */
    static final Set<Builtin> NEED_ASIDS = EnumSet.of(Builtin.CPU_SWITCH_MM, Builtin.WRITE_CR3, Builtin.TLBI_VAE1IS, Builtin.TLBI_ASIDE1IS,
            Builtin.TLBI_VMALLE1IS, Builtin.TLBI_VAE1, Builtin.TLBI_ASIDE1, Builtin.TLBI_VMALLE1, Builtin.INVPCID_FLUSH_ONE, Builtin.INVPCID_FLUSH_SINGLE_CONTEXT, Builtin.INVPCID_FLUSH_ALL,
            Builtin.INVPCID_FLUSH_ALL_NONGLOBALS);

    static void check(Hardware hw, List<Code> handlers, List<Code> programs) {
        Code.eachOp(programs, handlers, (code, pc, o) -> check(hw, o.op(), code, pc));
    }

    private static void check(Hardware hw, Builtin b, Code code, int pc) {
        if (hw.asids() == 0 && NEED_ASIDS.contains(b)) {
            throw new CompileError(code.positions()[pc], "'" + b.word() + "' needs a TLB tagged with ASIDs: add 'asids N' to the hardware");
        }
        if (hw.asids() == 0) {
            return;
        }
        switch (b) {
            case SWITCH_MM -> throw new CompileError(code.positions()[pc],
                    "with 'asids', a CR3 or TTBR write loads an ASID with the table: cpu_switch_mm(mm, asid) or write_cr3(mm, pcid, noflush)");
            case TLBIE, TLBI_IS, INVLPGB, TLBI_RANGE_IS -> throw new CompileError(code.positions()[pc],
                    "with 'asids', a broadcast invalidation names the ASID it invalidates: tlbi_vae1is(page, asid), tlbi_aside1is(asid) or tlbi_vmalle1is()");
            default -> {
            }
        }
    }
}
