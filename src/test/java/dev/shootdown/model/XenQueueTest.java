package dev.shootdown.model;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Xen PV guests (seed 002): per-CPU queues of PTE updates that the hypervisor applies at a queue
 * flush (HYPERVISOR_mmu_update, NetBSD's xpq_queue_pte_update), and synchronous TLB-flush hypercalls
 * (MMUEXT_TLB_FLUSH_ALL, MMUEXT_INVLPG_ALL).
 */
class XenQueueTest {

    private static MachineDriver xen(String knobs, String cpu0, String cpu1) {
        return MachineDriver.of("""
                hardware xen-pv { cpus 2 %s }
                mm A { page p -> frame f writable; page q -> frame g writable; page r -> frame h writable }
                shared l = 0
                cpu 0 runs A: %s
                cpu 1 runs A: %s
                """.formatted(knobs, cpu0, cpu1));
    }

    @Test
    @DisplayName("pte_clear is queued: memory, ptep_get (even the queuing CPU's) and walks see the old PTE")
    void queuedUpdateIsInvisible() {
        MachineDriver d = xen("", "{ pte_clear(p); assert ptep_get(p).present, \"own queue not seen\"; read(p) }", "{ read(p) }");
        int pte = d.pte("p");
        d.step(0);
        assertThat(d.xenQueued(0)).isEqualTo(1);
        assertThat(d.pte("p")).isEqualTo(pte);
        assertThat(d.notesText()).contains("queued (not yet applied)");

        assertThat(d.step(0)).isNull();
        d.step(0);
        assertThat(d.tlb(0, "p")).as("the queuing CPU's walker fills from the old PTE").isNotZero();
        d.step(1);
        assertThat(d.tlb(1, "p")).isNotZero();
    }

    @Test
    @DisplayName("xen_flush_queue applies the queue in order: the last update to a PTE wins")
    void flushAppliesInOrder() {
        MachineDriver clearLast = xen("", "{ set_pte(p, mk_pte(g, false)); pte_clear(p); xen_flush_queue() }", "{ }");
        clearLast.steps(0, 3);
        assertThat(clearLast.pte("p")).isZero();
        assertThat(clearLast.xenQueued(0)).isZero();

        MachineDriver setLast = xen("", "{ pte_clear(p); set_pte(p, mk_pte(g, false)); xen_flush_queue() }", "{ }");
        setLast.steps(0, 3);
        assertThat(setLast.pte("p")).isEqualTo(Pte.make(setLast.frame("g"), false));
    }

    @Test
    @DisplayName("a queued update waits only in its own CPU's queue: another CPU's flush does not apply it")
    void queuesArePerCpu() {
        MachineDriver d = xen("", "{ pte_clear(p) }", "{ xen_flush_queue() }");
        d.step(0);
        d.step(1);
        assertThat(Pte.present(d.pte("p"))).isTrue();
        assertThat(d.xenQueued(0)).isEqualTo(1);
    }

    @Test
    @DisplayName("an update that finds the queue full (xen_queue 2) applies the queue first, then waits itself")
    void fullQueueIsApplied() {
        MachineDriver d = xen("; xen_queue 2", "{ pte_clear(p); pte_clear(q); pte_clear(r) }", "{ }");
        d.steps(0, 2);
        assertThat(d.xenQueued(0)).isEqualTo(2);
        assertThat(Pte.present(d.pte("p"))).isTrue();

        d.step(0);
        assertThat(d.pte("p")).isZero();
        assertThat(d.pte("q")).isZero();
        assertThat(Pte.present(d.pte("r"))).isTrue();
        assertThat(d.xenQueued(0)).isEqualTo(1);
    }

    @Test
    @DisplayName("a locked PTE operation applies the queue first, even for another page, then acts on memory")
    void lockedPteOpAppliesQueue() {
        MachineDriver d = xen("", "{ pte_clear(p); set_pte(q, mk_pte(h, true)); old = ptep_get_and_clear(q); assert old.pfn == h }", "{ }");
        d.steps(0, 3);
        assertThat(d.pte("p")).isZero();
        assertThat(d.pte("q")).as("the queued set_pte was applied, then cleared").isZero();
        assertThat(d.xenQueued(0)).isZero();
        assertThat(d.step(0)).as("ptep_get_and_clear returned the applied value").isNull();
    }

    @Test
    @DisplayName("spin_lock does not apply the queue")
    void spinLockDoesNotApplyQueue() {
        MachineDriver d = xen("", "{ pte_clear(p); spin_lock(l) }", "{ }");
        d.steps(0, 2);
        assertThat(d.shared("l")).isEqualTo(1);
        assertThat(d.xenQueued(0)).isEqualTo(1);
        assertThat(Pte.present(d.pte("p"))).isTrue();
    }

    @Test
    @DisplayName("xen_tlb_flush_all empties every CPU's TLB in the caller's step, even one with interrupts off, and applies no queue")
    void tlbFlushAllIsSynchronous() {
        MachineDriver d = xen("", "{ read(q); pte_clear(p); xen_tlb_flush_all() }", "{ local_irq_disable(); read(p); read(q) }");
        d.steps(1, 3);
        d.steps(0, 2);
        assertThat(d.tlb(1, "p")).isNotZero();

        d.step(0);
        assertThat(d.tlb(0, "q")).isZero();
        assertThat(d.tlb(1, "p")).isZero();
        assertThat(d.tlb(1, "q")).isZero();
        assertThat(d.xenQueued(0)).as("the queue stays").isEqualTo(1);
        assertThat(Pte.present(d.pte("p"))).isTrue();
        assertThat(d.irqOn(1)).as("the flushed CPU had interrupts off throughout").isFalse();
    }

    @Test
    @DisplayName("xen_invlpg_all drops the page on every CPU, the caller included, and only that page")
    void invlpgAllIsSynchronous() {
        MachineDriver d = xen("", "{ read(p); xen_invlpg_all(p) }", "{ local_irq_disable(); read(p); read(q) }");
        d.step(0);
        d.steps(1, 3);

        d.step(0);
        assertThat(d.tlb(0, "p")).isZero();
        assertThat(d.tlb(1, "p")).isZero();
        assertThat(d.tlb(1, "q")).isNotZero();
    }

    @Test
    @DisplayName("without xen_queue, set_pte and pte_clear go to memory and xen_flush_queue does nothing")
    void withoutQueueStoresGoToMemory() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1 }
                mm A { page p -> frame f writable }
                cpu 0 runs A: { pte_clear(p); xen_flush_queue() }
                """);
        d.step(0);
        assertThat(d.pte("p")).isZero();
        assertThat(d.step(0)).isNull();
    }
}
