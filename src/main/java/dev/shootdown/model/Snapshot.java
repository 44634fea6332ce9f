package dev.shootdown.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A readable picture of a state for counterexample reports: every PTE, every CPU's TLB entries and
 * control state, frames and kernel variables, as text keyed by name (insertion-ordered maps), and
 * the whole machine as {@link Part}s read off the typed layout.
 *
 * @param ptes    page name -> PTE ("f RW A D" or "not present")
 * @param frames  frame name -> owner and content state
 * @param shared  shared variable -> value
 * @param cpus    one entry per CPU
 * @param parts   everything the machine holds, in layout order: PTEs, PMDs, each CPU's TLB,
 *                paging-structure cache, CR3, interrupt flag, locals, store buffer and the rest
 *                (entries that hold nothing, such as an empty TLB slot, are left out)
 */
public record Snapshot(Map<String, String> ptes, Map<String, String> frames, Map<String, String> shared, List<CpuView> cpus, List<Part> parts) {

    /**
     * @param tlb         page name -> cached entry, for valid entries only
     * @param vars        per-CPU variable -> value
     * @param storeBuffer buffered stores, oldest first (TSO)
     * @param where       what the CPU is doing: its next statement, "in handler X", "done"
     */
    public record CpuView(int cpu, String where, boolean interruptsOn, Map<String, String> tlb, Map<String, String> vars,
                          List<String> storeBuffer, List<String> pendingIpis) {}

    /**
     * One thing of the machine: its path ({@code cpus[1].pwc.t0}, {@code ptes.p}, {@code vars.tlb_gen})
     * and its value in words, or for a list (a store buffer, pending IPIs) its entries.
     *
     * @param value the value; null for a list
     * @param items a list's entries, oldest first; null for a single value
     */
    public record Part(String path, String value, List<String> items) {
        /** The value as one line of text: a list's entries joined, "empty" for none. */
        public String text() {
            return items == null ? value : items.isEmpty() ? "empty" : String.join(", ", items);
        }
    }

    /** The parts by path, in layout order. */
    public Map<String, Part> byPath() {
        Map<String, Part> m = new LinkedHashMap<>();
        for (Part p : parts) {
            m.put(p.path(), p);
        }
        return m;
    }
}
