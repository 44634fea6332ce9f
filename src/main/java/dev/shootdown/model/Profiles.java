package dev.shootdown.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hardware profiles: presets of the knobs, each rule with where it comes from. A model's own knobs
 * override its profile's; a sweep's overrides override both. One place to add a profile.
 *
 * <p>Kernel memory stays {@code sc} in every preset: TSO multiplies states, so models ask for it with
 * {@code memory tso} where ordering is the question (seed 003).
 */
public final class Profiles {
    private Profiles() {}

    private static final Map<String, Map<String, String>> PRESETS = new LinkedHashMap<>();

    static {
        // x86-64: paging-structure caches that any INVLPG or CR3 write empties (Intel SDM vol. 3A
        // 4.10.3, 4.10.4.1); the dirty bit set by a locked re-walk (SDM 4.8); tags via PCID are opt-in.
        PRESETS.put("x86", Map.of("paging_cache", "x86"));
        // arm64: walk caches of upper-level entries dropped only by a TLBI covering them (Russell King
        // on LPAE, seed 004; ARM ARM D8.13); without FEAT_HAFDBS the dirty state is software-managed:
        // the first write to a clean page faults (ARM ARM D8.4.6). TLBI ... IS + DSB broadcast.
        PRESETS.put("arm64", Map.of("paging_cache", "lpae", "software_dirty", "true"));
        // PowerPC (hash MMU): no walker caches of Linux tables to model; tlbie/tlbsync broadcast
        // invalidation (Power ISA 3.0 Book III 6.10; seed 000).
        PRESETS.put("ppc", Map.of("paging_cache", "off"));
        // Xen PV guest on x86: PTE writes are queued per vCPU and applied at a queue flush
        // (HYPERVISOR_mmu_update); TLB-flush hypercalls are synchronous (seed 002).
        PRESETS.put("xen-pv", Map.of("paging_cache", "x86", "xen_queue", "4"));
        // Tilera TILE-Gx: an i-cache not coherent with stores; flushed explicitly (Chris Metcalf, seed 004).
        PRESETS.put("tile", Map.of("icache", "incoherent"));
    }

    public static boolean exists(String profile) {
        return PRESETS.containsKey(profile);
    }

    public static List<String> names() {
        return List.copyOf(PRESETS.keySet());
    }

    public static Map<String, String> knobs(String profile) {
        return PRESETS.getOrDefault(profile, Map.of());
    }
}
