package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * Address spaces on CPUs: the CR3 (TTBR) word {@code switch_mm} writes, with ASIDs the ASID beside
 * it ({@code cpu_switch_mm}, {@code write_cr3}); each mm's {@code mm_cpumask}, which the kernel
 * maintains ({@code cpumask_set}, {@code cpumask_clear}) and reads ({@code cpumask}); and each mm's
 * context word, where an ASID allocator keeps the mm's ASID and generation ({@code mm_context_id}).
 *
 * <p>Crosses into {@link Tlb} (a CR3 write flushes the TLB unless PCIDs tag the entries, or flushes
 * the loaded PCID's entries unless its no-flush bit is set, SDM vol. 3A 4.10.4.1) and
 * {@link StoreBuffer} (reading a mask or a context word is a kernel load, setting one a store).
 */
final class AddressSpaces extends Observed {
    private final Layout layout;
    private final Hardware hw;
    private final CpuSets sets;
    private final Names names;
    private final Expressions x;
    private final StoreBuffer sb;
    private final Tlb tlb;

    AddressSpaces(Program program, Layout layout, CpuSets sets, Names names, Expressions x, StoreBuffer sb, Tlb tlb) {
        this.layout = layout;
        this.hw = program.hardware();
        this.sets = sets;
        this.names = names;
        this.x = x;
        this.sb = sb;
        this.tlb = tlb;
    }

    void register(BuiltinTable table) {
        table.op(Builtin.SWITCH_MM, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int mm = x.eval(o.args()[0], s, c, fr);
                s[b + Layout.CR3] = mm + 1;
                if (!hw.pcid()) {
                    // A CR3 load without PCID flushes the TLB: for a timed engine it costs what a full flush does.
                    if (events != null) {
                        events.on(Event.FLUSH_ALL, c, tlb.count(s, b), 0);
                    }
                    tlb.flushAll(s, b);
                }
                if (narrator != null) {
                    say("CR3 := " + names.mm(mm) + (hw.pcid() ? " (PCID: TLB kept)" : " (TLB flushed)"));
                }
                return 0;
            }
        });
        // arm64 cpu_switch_mm(): TTBR0_EL1 gets the table and the ASID; a TTBR write invalidates nothing,
        // since entries are tagged with their ASID (ARM ARM D8.13, TTBR0_EL1.ASID).
        table.op(Builtin.CPU_SWITCH_MM, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int mm = x.eval(o.args()[0], s, c, fr);
                int tag = tlb.checkedTag(x.eval(o.args()[1], s, c, fr));
                s[b + Layout.CR3] = mm + 1;
                s[b + layout.asid] = tag;
                if (narrator != null) {
                    say("TTBR0 := " + names.mm(mm) + ", ASID " + tag + " (TLB kept)");
                }
                return 0;
            }
        });
        // x86 MOV to CR3 with CR4.PCIDE = 1: CR3 gets the table and the PCID; with bit 63 clear every TLB and
        // paging-structure entry of that PCID is invalidated, with it set none (SDM vol. 3A 4.10.4.1).
        table.op(Builtin.WRITE_CR3, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int mm = x.eval(o.args()[0], s, c, fr);
                int tag = tlb.checkedTag(x.eval(o.args()[1], s, c, fr));
                boolean noflush = x.eval(o.args()[2], s, c, fr) != 0;
                s[b + Layout.CR3] = mm + 1;
                s[b + layout.asid] = tag;
                if (!noflush) {
                    if (events != null) {
                        events.on(Event.FLUSH_ALL, c, tlb.count(s, b), 0);
                    }
                    tlb.invalidateTag(s, b, tag);
                }
                if (narrator != null) {
                    say("CR3 := " + names.mm(mm) + ", PCID " + tag + (noflush ? " (no-flush bit: TLB kept)" : " (PCID " + tag + "'s entries flushed)"));
                }
                return 0;
            }
        });
        table.function(Builtin.MM_CONTEXT_ID, new BuiltinTable.Function() {
            @Override
            int call(IrExpr[] a, int[] s, int c, int fr) {
                // Never set in this model: every context word stays 0, and no word of the state holds it.
                return !layout.hasMmContexts() ? 0 : sb.load(s, c, layout.mmContextBase + x.eval(a[0], s, c, fr));
            }
        });
        table.op(Builtin.SET_MM_CONTEXT_ID, new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int mm = x.eval(o.args()[0], s, c, fr);
                sb.store(s, c, b, layout.mmContextBase + mm, x.eval(o.args()[1], s, c, fr));
                return 0;
            }
        });
        BuiltinTable.Operation cpumask = new BuiltinTable.Operation() {
            @Override
            int run(int[] s, int c, int b, int fr, Insn.Op o, int victim) {
                int at = layout.mmMaskBase + x.eval(o.args()[0], s, c, fr);
                int cpu = sets.single(x.checkedCpu(x.eval(o.args()[1], s, c, fr)));
                s[at] = o.op() == Builtin.CPUMASK_SET ? sets.union(s[at], cpu) : sets.diff(s[at], cpu);
                if (narrator != null) {
                    say("mm_cpumask(" + names.mm(at - layout.mmMaskBase) + ") = " + names.cpuSet(s[at]));
                }
                return 0;
            }
        };
        table.op(Builtin.CPUMASK_SET, cpumask);
        table.op(Builtin.CPUMASK_CLEAR, cpumask);
        table.function(Builtin.CPUMASK, new BuiltinTable.Function() {
            @Override
            int call(IrExpr[] a, int[] s, int c, int fr) {
                return sb.load(s, c, layout.mmMaskBase + x.eval(a[0], s, c, fr));
            }
        });
    }
}
