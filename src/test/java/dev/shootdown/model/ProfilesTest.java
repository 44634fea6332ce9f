package dev.shootdown.model;

import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The hardware profiles of {@link Profiles}: each preset reaches the {@link Hardware} and the machine, and a model's own knob wins. */
class ProfilesTest {

    private static Hardware hardware(String profile, String knobs) {
        return MachineDriver.compile("hardware " + profile + " { cpus 1; " + knobs + " }\nmm A { page p -> frame f writable }\ncpu 0 runs A: read(p)\n").hardware();
    }

    @Test
    @DisplayName("the five profiles, and no preset of a knob this test does not check")
    void profileList() {
        assertThat(Profiles.names()).containsExactly("x86", "arm64", "ppc", "xen-pv", "tile");
        for (String p : Profiles.names()) {
            assertThat(Set.of("paging_cache", "software_dirty", "xen_queue", "icache")).as(p).containsAll(Profiles.knobs(p).keySet());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // profile, paging_cache, software_dirty, icache incoherent, xen_queue
            "x86,    X86,  false, false, 0",
            "arm64,  LPAE, true,  false, 0",
            "ppc,    OFF,  false, false, 0",
            "xen-pv, X86,  false, false, 4",
            "tile,   OFF,  false, true,  0",
    })
    @DisplayName("each profile's presets reach the hardware; kernel memory is sc in every one")
    void presets(String profile, Hardware.PagingCache cache, boolean softwareDirty, boolean icacheIncoherent, int xenQueue) {
        Hardware hw = hardware(profile, "");
        assertThat(hw.profile()).isEqualTo(profile);
        assertThat(hw.pagingCache()).isEqualTo(cache);
        assertThat(hw.softwareDirty()).isEqualTo(softwareDirty);
        assertThat(hw.icacheIncoherent()).isEqualTo(icacheIncoherent);
        assertThat(hw.xenQueue()).isEqualTo(xenQueue);
        assertThat(hw.memory()).isEqualTo(Hardware.MemoryModel.SC);
        assertThat(hw.storeBuffer()).isZero();
        assertThat(hw.xapic()).isFalse();
        assertThat(hw.pcid()).isFalse();
        assertThat(hw.speculativeWalks()).isFalse();
        assertThat(hw.rcuSlots()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "arm64,  paging_cache off",
            "arm64,  paging_cache x86",
            "x86,    paging_cache off",
            "x86,    paging_cache lpae",
            "ppc,    paging_cache x86",
            "xen-pv, paging_cache lpae",
    })
    @DisplayName("a model's paging_cache replaces the profile's")
    void pagingCacheOverride(String profile, String knob) {
        Hardware hw = hardware(profile, knob);
        assertThat(hw.pagingCache().name().toLowerCase()).isEqualTo(knob.substring("paging_cache ".length()));
    }

    @Test
    @DisplayName("overriding one preset keeps the others")
    void overrideKeepsOtherPresets() {
        Hardware arm = hardware("arm64", "paging_cache off");
        assertThat(arm.softwareDirty()).isTrue();

        Hardware xen = hardware("xen-pv", "xen_queue 1");
        assertThat(xen.xenQueue()).isEqualTo(1);
        assertThat(xen.pagingCache()).isEqualTo(Hardware.PagingCache.X86);

        assertThat(hardware("tile", "icache coherent").icacheIncoherent()).isFalse();
        assertThat(hardware("arm64", "software_dirty off").softwareDirty()).isFalse();
        assertThat(hardware("x86", "memory tso").storeBuffer()).as("the default store buffer under tso").isEqualTo(2);
    }

    @Test
    @DisplayName("a sweep's overrides beat the model's knobs and the profile's presets")
    void sweepOverridesBeatBoth() {
        var file = Parser.parse(new SourceFile("t.sd", "hardware arm64 { cpus 1; paging_cache x86 }\nmm A { page p -> frame f writable }\ncpu 0 runs A: read(p)\n"));
        Hardware hw = Compiler.compile(file, Map.of("paging_cache", "off", "software_dirty", "false")).hardware();
        assertThat(hw.pagingCache()).isEqualTo(Hardware.PagingCache.OFF);
        assertThat(hw.softwareDirty()).isFalse();
    }

    // ---- each preset changes what the machine does

    private static final String TWO_TABLES = """
            mm A {
              table t -> frame pt { page p -> frame f writable }
              table u -> frame pu { page q -> frame g writable }
            }
            cpu 0 runs A: { read(p); flush_tlb_page(q); write(p) }
            """;

    @Test
    @DisplayName("x86: the walk caches the PMD and any invalidation drops it; the store sets D")
    void x86Behaviour() {
        MachineDriver d = MachineDriver.of("hardware x86 { cpus 1 }\n" + TWO_TABLES);
        d.step(0);
        assertThat(d.pwc(0, "t")).isNotZero();
        d.step(0);
        assertThat(d.pwc(0, "t")).isZero();
        d.step(0);
        assertThat(d.modified("f")).isTrue();
    }

    @Test
    @DisplayName("arm64: the PMD survives an invalidation of a page in another table; the store to a clean page faults")
    void arm64Behaviour() {
        MachineDriver d = MachineDriver.of("hardware arm64 { cpus 1 }\n" + TWO_TABLES);
        d.steps(0, 2);
        assertThat(d.pwc(0, "t")).isNotZero();
        d.step(0);
        assertThat(d.modified("f")).isFalse();
    }

    @Test
    @DisplayName("ppc: no PMD is cached")
    void ppcBehaviour() {
        MachineDriver d = MachineDriver.of("hardware ppc { cpus 1 }\n" + TWO_TABLES);
        d.step(0);
        assertThat(d.tlb(0, "p")).isNotZero();
        assertThat(d.pwc(0, "t")).isZero();
    }

    @Test
    @DisplayName("xen-pv: pte_clear waits in the queue")
    void xenPvBehaviour() {
        MachineDriver d = MachineDriver.of("""
                hardware xen-pv { cpus 1 }
                mm A { page p -> frame f writable }
                cpu 0 runs A: { pte_clear(p) }
                """);
        d.step(0);
        assertThat(Pte.present(d.pte("p"))).isTrue();
        assertThat(d.xenQueued(0)).isEqualTo(1);
    }

    @Test
    @DisplayName("tile: a fetch after the frame's content changed is stale_icache")
    void tileBehaviour() {
        MachineDriver d = MachineDriver.of("""
                hardware tile { cpus 1 }
                mm A { page p -> frame f writable }
                cpu 0 runs A: { exec(p); write_frame(f); exec(p) }
                check no_stale_icache
                """);
        d.steps(0, 2);
        assertThat(d.step(0)).isEqualTo(Verdict.STALE_ICACHE);
    }
}
