package dev.shootdown.model;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** alloc_frame: the lowest-numbered free frame, for the kernel; while none is free the caller waits. */
class AllocFrameTest {

    @Test
    @DisplayName("alloc_frame waits while no frame is free and proceeds once another CPU frees one")
    void waitsForFreeFrame() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable; page q -> frame g unmapped }
                cpu 0 runs A: { n = alloc_frame(); set_pte(q, mk_pte(n, true)) }
                cpu 1 runs A: { old = ptep_get_and_clear(p); free_frame(old.pfn) }
                """);
        assertThat(d.canStep(0)).as("g belongs to A though its PTE is empty: nothing is free").isFalse();

        d.step(1);
        assertThat(d.canStep(0)).isFalse();
        d.step(1);
        assertThat(d.canStep(0)).isTrue();

        d.step(0);
        assertThat(FrameState.owner(d.frameState("f"))).isEqualTo(FrameState.KERNEL);
        d.step(0);
        assertThat(FrameState.owner(d.frameState("f"))).as("mapped by q, the frame is A's again").isEqualTo(FrameState.mmOwner(0));
        assertThat(Pte.pfn(d.pte("q"))).isEqualTo(d.frame("f"));
    }

    @Test
    @DisplayName("alloc_frame returns the lowest-numbered free frame and takes it off the free list")
    void lowestFreeFrame() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1 }
                mm A { page p -> frame f writable }
                frames g, h
                cpu 0 runs A: { a = alloc_frame(); b = alloc_frame(); assert a == g && b == h; c = alloc_frame() }
                """);
        d.step(0);
        assertThat(FrameState.owner(d.frameState("g"))).isEqualTo(FrameState.KERNEL);
        assertThat(d.isFree("h")).isTrue();
        d.step(0);
        assertThat(d.step(0)).isNull();
        assertThat(d.canStep(0)).as("the third waits: no frame left").isFalse();
    }
}
