package dev.shootdown.model;

import dev.shootdown.lang.Decl;
import dev.shootdown.lang.Position;

import java.util.List;
import java.util.Map;

/**
 * What each global name of a model is, as {@link NameResolver} found them: the index of each
 * address space, page, frame, page table, variable and IRQ handler, and the procedures to inline.
 * Maps keep declaration order, which is also index order and the order names are suggested in.
 *
 * @param globals where each global name is declared (a local may not take one)
 * @param cpuUses where the model tells CPUs apart (see {@link CpuUse}); the passes add to it as they find them
 * @param accessedReads where the model reads PTEs' accessed bits (see {@link AccessedBitRead}); the passes add to it too
 * @param pageMm  each page's address space, by page index
 */
record Symbols(
        Map<String, Position> globals,
        Map<String, Integer> mms,
        Map<String, Integer> pages,
        Map<String, Integer> frames,
        Map<String, Integer> tables,
        Map<String, Integer> sharedIndex,
        List<Program.Var> shared,
        Map<String, Integer> perCpuIndex,
        List<Program.Var> perCpu,
        Map<String, Decl.Proc> procs,
        Map<String, Integer> handlers,
        List<CpuUse> cpuUses,
        List<AccessedBitRead> accessedReads,
        List<Integer> pageMm) {
}
