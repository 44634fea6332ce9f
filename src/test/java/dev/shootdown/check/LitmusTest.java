package dev.shootdown.check;

import dev.shootdown.model.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tiny models whose verdict is a hardware rule: each is searched to the end by {@link BfsExplorer},
 * so "not reachable" means no interleaving reaches it.
 */
class LitmusTest {

    private static CheckResult check(String source) {
        CheckResult result = new BfsExplorer(Models.compile(source), CheckOptions.defaults()).run();
        assertThat(result.complete()).as("the search covered every state").isTrue();
        return result;
    }

    /**
     * The store-buffering litmus test (SB; Owens, Sarkar and Sewell 2009; Intel SDM vol. 3A 8.2.3.4):
     * each CPU stores to one variable and loads the other. r0 and r1 start at -1, so the invariant
     * breaks only when both loads returned 0 and both results have reached memory.
     */
    private static String sb(String memory, String barrier) {
        return """
                hardware x86 { cpus 2; memory %s }
                mm A { page p -> frame f writable }
                shared x = 0, y = 0, r0 = -1, r1 = -1
                invariant !(r0 == 0 && r1 == 0)
                cpu 0 runs A: { x = 1; %s r0 = y }
                cpu 1 runs A: { y = 1; %s r1 = x }
                """.formatted(memory, barrier, barrier);
    }

    @Test
    @DisplayName("SB under tso: both loads may return 0, each passing its own CPU's buffered store")
    void storeBufferingReachesZeroZeroUnderTso() {
        CheckResult result = check(sb("tso", ""));

        assertThat(result.verdict()).isEqualTo(Verdict.ASSERTION);
        // x = 1, y = 1, r0 = y, r1 = x (all buffered), then the four drains: r0 and r1 are each
        // behind their CPU's first store in its FIFO.
        assertThat(result.violations().get(0).depth()).isEqualTo(8);
    }

    @Test
    @DisplayName("SB under sc: (0,0) is not reachable")
    void storeBufferingForbiddenUnderSc() {
        assertThat(check(sb("sc", "")).verdict()).isEqualTo(Verdict.SAFE);
    }

    @Test
    @DisplayName("SB under tso with smp_mb() between the store and the load on both sides: (0,0) is not reachable")
    void storeBufferingForbiddenWithBarriers() {
        assertThat(check(sb("tso", "smp_mb();")).verdict()).isEqualTo(Verdict.SAFE);
    }

    @Test
    @DisplayName("SB under tso with a barrier on one side only: (0,0) is still reachable")
    void oneBarrierIsNotEnough() {
        String oneSided = sb("tso", "").replace("{ x = 1;  r0 = y }", "{ x = 1; smp_mb(); r0 = y }");
        assertThat(oneSided).contains("smp_mb()");
        assertThat(check(oneSided).verdict()).isEqualTo(Verdict.ASSERTION);
    }

    /**
     * SB with barriers on both sides where CPU 0's load of y is the argument of send_ipi: CPU 0 sends
     * the IPI only if it read y == 0, and the handler records that it came. Both loads returning 0 is
     * forbidden after smp_mb(), whether or not the load is first hoisted into a local.
     */
    private static String sbThroughIpi(String send) {
        return """
                hardware x86 { cpus 2; memory tso }
                mm A { page p -> frame f writable }
                shared x = 0, y = 0, r1 = -1, sent = 0
                irq h(from) { sent = 1 }
                invariant !(sent == 1 && r1 == 0)
                cpu 0 runs A: { x = 1; smp_mb(); %s }
                cpu 1 runs A: { y = 1; smp_mb(); r1 = x }
                """.formatted(send);
    }

    @Test
    @DisplayName("SB with smp_mb(), the load hoisted before send_ipi: (0,0) is not reachable")
    void storeBufferingThroughHoistedIpiTargets() {
        assertThat(check(sbThroughIpi("t = {c in {1} : y == 0}; send_ipi(t, h)")).verdict()).isEqualTo(Verdict.SAFE);
    }

    @Test
    @DisplayName("SB with smp_mb(), the load inside send_ipi's argument: (0,0) is not reachable either")
    void storeBufferingThroughInlineIpiTargets() {
        assertThat(check(sbThroughIpi("send_ipi({c in {1} : y == 0}, h)")).verdict()).isEqualTo(Verdict.SAFE);
    }

    /** The freer of docs/language.md ("Lockless page-table walk"): unhook, IPI everyone, wait, free. */
    private static String gupFast(String irqOff, String irqOn) {
        return """
                hardware x86 { cpus 2 }
                mm A { table t -> frame pt { page p -> frame f writable } }
                irq sync(from) { ack(from) }
                cpu 0 runs A: {
                  pmd_clear(t)
                  send_ipi(cpumask(A) - self, sync)
                  wait until acked(cpumask(A) - self)
                  free_frame(table_frame(t))
                }
                cpu 1 runs A: { %s gup_fast(p) %s }
                check no_walk_of_freed_table, no_deadlock
                """.formatted(irqOff, irqOn);
    }

    @Test
    @DisplayName("gup_fast with interrupts off against a freer that waits for IPIs is safe")
    void gupFastWithInterruptsOffIsSafe() {
        assertThat(check(gupFast("local_irq_disable();", "; local_irq_enable()")).verdict()).isEqualTo(Verdict.SAFE);
    }

    @Test
    @DisplayName("the same gup_fast with interrupts on reads the freed table at step 8: PMD read, unhook, IPI, ack, wait, free, table read")
    void gupFastWithInterruptsOnWalksFreedTable() {
        CheckResult result = check(gupFast("", ""));

        assertThat(result.verdict()).isEqualTo(Verdict.WALK_OF_FREED_TABLE);
        assertThat(result.violations().get(0).depth()).isEqualTo(8);
    }

    @Test
    @DisplayName("alloc_frame with no free frame ever is a deadlock in the initial state")
    void allocFrameWithoutFreeFrameDeadlocks() {
        CheckResult result = check("""
                hardware x86 { cpus 1 }
                mm A { page p -> frame f writable; page q -> frame g unmapped }
                cpu 0 runs A: { n = alloc_frame(); set_pte(q, mk_pte(n, true)) }
                """);
        assertThat(result.verdict()).isEqualTo(Verdict.DEADLOCK);
        assertThat(result.violations().get(0).depth()).isZero();
    }

    @Test
    @DisplayName("alloc_frame that waits for another CPU's free is not a deadlock")
    void allocFrameWaitsForFree() {
        CheckResult result = check("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable; page q -> frame g unmapped }
                cpu 0 runs A: { n = alloc_frame(); set_pte(q, mk_pte(n, true)); write(q) }
                cpu 1 runs A: { old = ptep_get_and_clear(p); flush_tlb_page(p); free_frame(old.pfn) }
                """);
        assertThat(result.verdict()).isEqualTo(Verdict.SAFE);
    }

    /** Tile: code rewritten in a frame another CPU has fetched from, with no i-cache flush. */
    private static String icache(String mode) {
        return """
                hardware tile { cpus 2; icache %s }
                mm A { page p -> frame f writable }
                shared done = false
                cpu 0 runs A: { write_frame(f); done = true }
                cpu 1 runs A: { exec(p); wait until done; exec(p) }
                check no_stale_icache
                """.formatted(mode);
    }

    @Test
    @DisplayName("icache incoherent: the second fetch hits the stale line; icache coherent: never stale_icache")
    void icacheCoherentNeverStale() {
        CheckResult incoherent = check(icache("incoherent"));
        assertThat(incoherent.verdict()).isEqualTo(Verdict.STALE_ICACHE);
        assertThat(incoherent.violations().get(0).depth()).isEqualTo(5);

        assertThat(check(icache("coherent")).verdict()).isEqualTo(Verdict.SAFE);
    }
}
