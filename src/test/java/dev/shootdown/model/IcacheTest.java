package dev.shootdown.model;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Incoherent i-caches (Tile; seed 004): per-CPU lines keyed by frame, made stale by any change of
 * the frame's content, cleared only by explicit flushes.
 */
class IcacheTest {
    private static final int NONE = 0;
    private static final int CURRENT = 1;
    private static final int STALE = 2;

    private static MachineDriver tile(String knobs, String cpu0, String cpu1) {
        return MachineDriver.of("""
                hardware tile { cpus 2 %s }
                mm A { page p -> frame f writable; page q -> frame g writable }
                cpu 0 runs A: %s
                cpu 1 runs A: %s
                check no_stale_icache, no_use_after_free
                """.formatted(knobs, cpu0, cpu1));
    }

    @Test
    @DisplayName("exec fills a current line of the frame; read does not")
    void execFillsLine() {
        MachineDriver d = tile("", "{ read(q); exec(p) }", "{ }");
        d.step(0);
        assertThat(d.icache(0, "g")).isEqualTo(NONE);
        d.step(0);
        assertThat(d.icache(0, "f")).isEqualTo(CURRENT);
        assertThat(d.icache(1, "f")).isEqualTo(NONE);
    }

    @Test
    @DisplayName("a user write makes every CPU's line of that frame stale, the writer's included, and no other frame's")
    void userWriteStalesEveryLine() {
        MachineDriver d = tile("", "{ exec(p); exec(q); write(p) }", "{ exec(p) }");
        d.steps(0, 2);
        d.step(1);

        d.step(0);
        assertThat(d.icache(0, "f")).isEqualTo(STALE);
        assertThat(d.icache(1, "f")).isEqualTo(STALE);
        assertThat(d.icache(0, "g")).isEqualTo(CURRENT);
    }

    @Test
    @DisplayName("write_frame makes the lines stale too; a CPU with no line stays without one")
    void writeFrameStalesLines() {
        MachineDriver d = tile("", "{ write_frame(f) }", "{ exec(p) }");
        d.step(1);
        d.step(0);
        assertThat(d.icache(1, "f")).isEqualTo(STALE);
        assertThat(d.icache(0, "f")).isEqualTo(NONE);
    }

    @Test
    @DisplayName("fetching from a stale line is stale_icache")
    void fetchFromStaleLine() {
        MachineDriver d = tile("", "{ write_frame(f) }", "{ exec(p); exec(p) }");
        d.step(1);
        d.step(0);
        assertThat(d.step(1)).isEqualTo(Verdict.STALE_ICACHE);
        assertThat(d.violationNote()).contains("cpu1 fetches p from an i-cache line of frame f");
    }

    @Test
    @DisplayName("a line filled after the write is current: no violation")
    void lineAfterWriteIsCurrent() {
        MachineDriver d = tile("", "{ write_frame(f) }", "{ exec(p); exec(p) }");
        d.step(0);
        d.step(1);
        assertThat(d.icache(1, "f")).isEqualTo(CURRENT);
        assertThat(d.step(1)).isNull();
    }

    @Test
    @DisplayName("flush_icache_all empties only the caller's i-cache; the next fetch refills")
    void flushIcacheAllIsLocal() {
        MachineDriver d = tile("", "{ exec(p); exec(q); write_frame(f); flush_icache_all(); exec(p) }", "{ exec(p) }");
        d.steps(0, 2);
        d.step(1);
        d.steps(0, 2);
        assertThat(d.icache(0, "f")).isEqualTo(NONE);
        assertThat(d.icache(0, "g")).isEqualTo(NONE);
        assertThat(d.icache(1, "f")).isEqualTo(STALE);
        assertThat(d.step(0)).isNull();
        assertThat(d.icache(0, "f")).isEqualTo(CURRENT);
    }

    @Test
    @DisplayName("flush_remote(cpus, p) empties the i-caches of the set's CPUs and drops their TLB entry for p")
    void flushRemoteClearsTargets() {
        MachineDriver d = tile("", "{ exec(p); write_frame(f); flush_remote({1}, p) }", "{ exec(p); exec(p) }");
        d.step(0);
        d.step(1);
        d.step(0);
        assertThat(d.tlb(1, "p")).isNotZero();

        d.step(0);
        assertThat(d.icache(1, "f")).isEqualTo(NONE);
        assertThat(d.tlb(1, "p")).isZero();
        assertThat(d.icache(0, "f")).as("the caller is not in the set").isEqualTo(STALE);
        assertThat(d.tlb(0, "p")).isNotZero();
        assertThat(d.step(1)).isNull();
    }

    @Test
    @DisplayName("a TLB flush does not touch the i-cache")
    void tlbFlushLeavesIcache() {
        MachineDriver d = tile("", "{ exec(p); write_frame(f); flush_tlb_all(); exec(p) }", "{ }");
        d.steps(0, 3);
        assertThat(d.step(0)).isEqualTo(Verdict.STALE_ICACHE);
    }

    @Test
    @DisplayName("icache coherent: the same fetch after a write is fine, and there are no lines")
    void coherentNeverStale() {
        MachineDriver d = tile("; icache coherent", "{ write_frame(f) }", "{ exec(p); exec(p) }");
        assertThat(d.layout.xenQueue).as("no i-cache region in the state").isEqualTo(d.layout.icache);
        d.step(1);
        d.step(0);
        assertThat(d.step(1)).isNull();
    }
}
