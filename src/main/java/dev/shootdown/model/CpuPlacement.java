package dev.shootdown.model;

import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Decl;
import dev.shootdown.lang.Position;

import java.util.Arrays;
import java.util.Map;

/**
 * Which program and address space each CPU has, once the CPU count is known: the {@code cpu ... runs}
 * lines of {@link Declarations} in, a program and an mm per CPU out. The CPU numbers the file
 * names (in those lines and in constant CPU sets) are checked against the count here.
 *
 * @param programOf the line whose program each CPU runs, null for an idle CPU
 * @param cpuMm     the address space each CPU starts in, -1 for an idle CPU
 */
record CpuPlacement(Decl.Cpu[] programOf, int[] cpuMm) {

    static CpuPlacement place(Declarations declarations, int cpus) {
        // Constant CPU sets were read before the CPU count was known.
        for (Map.Entry<Position, Integer> e : declarations.constantSets().entrySet()) {
            int mask = e.getValue();
            if (cpus < 32 && (mask >>> cpus) != 0) {
                throw new CompileError(e.getKey(), "CPU " + (31 - Integer.numberOfLeadingZeros(mask)) + " does not exist: the hardware has " + cpus + " CPUs");
            }
        }

        Map<String, Integer> mms = declarations.symbols().mms();
        int[] cpuMm = new int[cpus];
        Arrays.fill(cpuMm, -1);
        Decl.Cpu[] programOf = new Decl.Cpu[cpus];
        for (Decl.Cpu c : declarations.cpus()) {
            Integer mm = mms.get(c.mm());
            if (mm == null) {
                throw new CompileError(c.mmPos(), "unknown address space '" + c.mm() + "'" + Suggestions.known("address spaces", mms.keySet()));
            }
            for (Decl.CpuRange r : c.cpus()) {
                int hi = r.to() < 0 ? cpus - 1 : r.to();
                if (Math.max(r.from(), hi) >= cpus) {
                    throw new CompileError(r.pos(), "CPU " + Math.max(r.from(), hi) + " does not exist: the hardware has " + cpus + " CPUs (0.." + (cpus - 1) + ")");
                }
                for (int n = r.from(); n <= hi; n++) {
                    if (programOf[n] != null) {
                        throw new CompileError(r.pos(), "CPU " + n + " already has a program (at " + programOf[n].pos() + ")");
                    }
                    programOf[n] = c;
                    cpuMm[n] = mm;
                }
            }
        }

        if (declarations.cpus().isEmpty()) {
            throw new CompileError(declarations.hardware().pos(), "no CPU runs anything: give a CPU a program, as in 'cpu 0 runs "
                    + (mms.isEmpty() ? "A" : mms.keySet().iterator().next()) + ": ...'");
        }
        return new CpuPlacement(programOf, cpuMm);
    }
}
