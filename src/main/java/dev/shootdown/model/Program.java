package dev.shootdown.model;

import dev.shootdown.lang.Position;
import dev.shootdown.lang.SourceFile;

import java.util.EnumSet;
import java.util.List;

/**
 * A compiled protocol and scenario: the one intermediate form both engines run. Everything is
 * resolved to indexes; names are kept only for reports.
 *
 * @param cpusAt where the CPU count comes from (the {@code cpus} knob's value, the {@code cpu} line
 *               naming the highest CPU, or the hardware declaration), for an engine that refuses it
 * @param cpuUses where the model tells CPUs apart, for symmetry reduction
 * @param accessedReads where the model reads PTEs' accessed bits; none lets the checker leave them untracked
 * @param params   the values of the file's {@code param}s (after {@code -D}), in declaration order
 * @param handlerArgs per IRQ handler, the type of the value {@code send_ipi} passes it, or null for a handler that takes none
 * @param initialSharers per frame, the mask of the address spaces besides its first owner whose pages map it ({@link FrameState#sharedBy})
 * @param pageVa   each page's virtual address: a number pages of different address spaces share when declared {@code at} one another
 * @param tableParent each table's parent, the table whose entry hooks it, or -1 for a table hooked into its mm's top
 *                 level ({@link PageTableTree} reads the levels from it)
 */
public record Program(
        SourceFile source,
        Meta meta,
        Hardware hardware,
        List<String> mmNames,
        List<String> pageNames,
        int[] pageMm,
        int[] pageTable,
        int[] pageVa,
        int[] initialPtes,
        List<String> tableNames,
        int[] tableMm,
        int[] tableFrame,
        int[] tableParent,
        int[] initialPmds,
        List<String> frameNames,
        int[] initialFrames,
        int[] initialSharers,
        List<Var> shared,
        List<Var> perCpu,
        List<Code> handlers,
        List<Code> cpuPrograms,
        int[] cpuMm,
        EnumSet<Verdict> properties,
        List<Invariant> invariants,
        Position cpusAt,
        List<CpuUse> cpuUses,
        List<AccessedBitRead> accessedReads,
        java.util.Map<String, Integer> params,
        List<dev.shootdown.lang.Type> handlerArgs) {

    /** Catalog metadata: what the entry is, where it comes from, what it should give and why. */
    public record Meta(String title, String seed, Verdict expected, String explanation) {}

    public record Var(String name, dev.shootdown.lang.Type type, int initial) {}

    public record Invariant(String text, IrExpr cond) {}

    /** Whether any compiled body uses built-in {@code b} (regions of the state exist only for features in use). */
    public boolean uses(dev.shootdown.lang.Builtin b) {
        return uses(handlers, cpuPrograms, b);
    }

    /** Whether any of these bodies uses built-in {@code b}. */
    static boolean uses(List<Code> handlers, List<Code> cpuPrograms, dev.shootdown.lang.Builtin b) {
        for (List<Code> bodies : List.of(handlers, cpuPrograms)) {
            for (Code code : bodies) {
                for (Insn insn : code.insns()) {
                    if (insn instanceof Insn.Op o && o.op() == b) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Whether frames can be mapped by pages of several address spaces: some frame is declared so, or the
     * kernel writes PTEs (set_pte) in a model of several address spaces, which can map one
     * address space's frame into another's (fork). Only then has a frame a word of further owners.
     */
    public boolean sharesFrames() {
        if (mmNames.size() < 2) {
            return false;
        }
        return java.util.Arrays.stream(initialSharers).anyMatch(m -> m != 0) || uses(dev.shootdown.lang.Builtin.SET_PTE);
    }

    /** Whether the model uses the content version a user access returns: only then has a frame a version word. */
    public boolean tracksVersions() {
        for (List<Code> bodies : List.of(handlers, cpuPrograms)) {
            for (Code code : bodies) {
                for (Insn insn : code.insns()) {
                    if (insn instanceof Insn.Op o && o.result() >= 0 && (o.op() == dev.shootdown.lang.Builtin.READ
                            || o.op() == dev.shootdown.lang.Builtin.WRITE || o.op() == dev.shootdown.lang.Builtin.EXEC)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether the kernel copies frames (copy_page): only then do frames remember their copies and no_stale_copy apply. */
    public boolean copiesFrames() {
        return uses(dev.shootdown.lang.Builtin.COPY_PAGE);
    }

    public int cpus() {
        return hardware.cpus();
    }

    public int pages() {
        return pageNames.size();
    }

    public int frames() {
        return frameNames.size();
    }
}
