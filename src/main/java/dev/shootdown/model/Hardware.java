package dev.shootdown.model;

/**
 * The hardware profile and its knobs, as the engines see them.
 *
 * @param tlbCapacity entries per CPU; a fill into a full TLB evicts a victim chosen nondeterministically
 * @param blindSet    the what-if dirty-bit rule: a write through a TLB entry with D clear sets D in
 *                    the PTE without re-checking it (x86 instead re-walks with a locked access and
 *                    faults when the PTE is no longer present and writable: Intel SDM vol. 3A 4.8)
 * @param evictions   whether a valid TLB entry may be dropped at any moment (a checker choice)
 */
public record Hardware(String profile, int cpus, int tlbCapacity, boolean blindSet, boolean evictions, MemoryModel memory) {

    public enum MemoryModel { SC }
}
