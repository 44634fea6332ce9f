package dev.shootdown.model;

import dev.shootdown.lang.Decl;
import dev.shootdown.lang.Position;

import java.util.List;
import java.util.Map;

/**
 * The first pass's output ({@link NameResolver}): the model's declarations sorted by kind, its
 * global names, and the memory they describe before any CPU runs.
 *
 * @param constantSets initial values of CPU-set variables by position, checked against the CPU
 *                     count once the hardware is read ({@link CpuPlacement})
 */
record Declarations(
        Program.Meta meta,
        Decl.Hardware hardware,
        List<Decl.Cpu> cpus,
        List<Decl.Check> checks,
        List<Decl.Invariant> invariants,
        Symbols symbols,
        InitialMemory memory,
        Map<Position, Integer> constantSets) {

    /** The page tables, pages and frames as declared, indexed as {@link Symbols} numbers them. */
    /**
     * {@code pageVa}: each page's virtual address, a number shared by the pages declared {@code at} one another;
     * {@code tableParent}: the table each table is declared in, -1 for one hooked into the mm's top level.
     */
    record InitialMemory(int[] pageMm, int[] pageTable, int[] pageVa, int[] initialPtes, int[] tableMm, int[] tableFrame, int[] tableParent, int[] initialPmds,
                         int[] initialFrames, int[] initialSharers) {}
}
