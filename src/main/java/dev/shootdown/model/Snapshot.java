package dev.shootdown.model;

import java.util.List;
import java.util.Map;

/**
 * A readable picture of a state for counterexample reports: every PTE, every CPU's TLB entries and
 * control state, frames and kernel variables, as text keyed by name (insertion-ordered maps).
 *
 * @param ptes    page name -> PTE ("f RW A D" or "not present")
 * @param frames  frame name -> owner and content state
 * @param shared  shared variable -> value
 * @param cpus    one entry per CPU
 */
public record Snapshot(Map<String, String> ptes, Map<String, String> frames, Map<String, String> shared, List<CpuView> cpus) {

    /**
     * @param tlb         page name -> cached entry, for valid entries only
     * @param vars        per-CPU variable -> value
     * @param storeBuffer buffered stores, oldest first (TSO)
     * @param where       what the CPU is doing: its next statement, "in handler X", "done"
     */
    public record CpuView(int cpu, String where, boolean interruptsOn, Map<String, String> tlb, Map<String, String> vars,
                          List<String> storeBuffer, List<String> pendingIpis) {}
}
