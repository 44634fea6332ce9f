package dev.shootdown.model;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code memory tso}: per-CPU FIFO store buffers (x86-TSO, Owens, Sarkar and Sewell 2009; Intel SDM
 * vol. 3A 8.2). A model's {@code assert} reads through the asserting CPU's buffer, so an assertion
 * that holds (verdict null) shows what that CPU saw.
 */
class TsoStoreBufferTest {

    private static final String HEAD = """
            hardware x86 { cpus 2; memory tso%s }
            mm A { page p -> frame f writable }
            shared x = 0, y = 0, z = 0, l = 0
            irq h(from) { ack(from) }
            """;

    private static MachineDriver tso(String knobs, String cpu0, String cpu1) {
        return MachineDriver.of(HEAD.formatted(knobs) + "cpu 0 runs A: " + cpu0 + "\ncpu 1 runs A: " + cpu1 + "\n");
    }

    private static MachineDriver tso(String cpu0) {
        return tso("", cpu0, "{ }");
    }

    @Test
    @DisplayName("a store is buffered: memory keeps the old value and another CPU reads it until the drain")
    void storeIsBuffered() {
        MachineDriver d = tso("", "{ x = 1 }", "{ assert x == 0, \"old\"; assert x == 1, \"new\" }");

        assertThat(d.step(0)).isNull();
        assertThat(d.shared("x")).as("memory unchanged").isZero();
        assertThat(d.sbCount(0)).isEqualTo(1);
        assertThat(d.notesText()).contains("store x = 1 buffered");

        assertThat(d.step(1)).as("cpu1 reads the old value").isNull();

        assertThat(d.drain(0)).isNull();
        assertThat(d.notesText()).contains("x = 1 becomes visible");
        assertThat(d.shared("x")).isEqualTo(1);
        assertThat(d.sbCount(0)).isZero();
        assertThat(d.step(1)).as("after the drain cpu1 reads the new value").isNull();
    }

    @Test
    @DisplayName("under sc the same store goes straight to memory")
    void scStoreIsImmediate() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 2; memory sc }
                mm A { page p -> frame f writable }
                shared x = 0
                cpu 0 runs A: { x = 1 }
                cpu 1 runs A: { assert x == 1 }
                """);
        d.step(0);
        assertThat(d.shared("x")).isEqualTo(1);
        assertThat(d.sbCount(0)).isZero();
        assertThat(d.canDrain(0)).isFalse();
        assertThat(d.step(1)).isNull();
    }

    @Test
    @DisplayName("the storing CPU reads its own newest buffered value (store forwarding), not memory and not an older entry")
    void loadForwardsNewestOwnStore() {
        MachineDriver d = tso("", "{ x = 1; x = 2; assert x == 2, \"forwarded\" }", "{ assert x == 0, \"not forwarded to others\" }");
        d.steps(0, 2);
        assertThat(d.sbCount(0)).isEqualTo(2);
        assertThat(d.shared("x")).isZero();

        assertThat(d.step(0)).isNull();
        assertThat(d.step(1)).isNull();
    }

    @Test
    @DisplayName("a DRAIN action exists only for a CPU with a non-empty buffer, and drains apply oldest first")
    void drainsOldestFirst() {
        MachineDriver d = tso("{ x = 1; y = 2 }");
        assertThat(d.enabled()).noneMatch(a -> Action.kind(a) == Action.DRAIN);

        d.step(0);
        assertThat(d.enabled(Action.DRAIN, 0)).containsExactly(Action.of(Action.DRAIN, 0, 0));
        assertThat(d.canDrain(1)).isFalse();
        d.step(0);
        assertThat(d.sbCount(0)).isEqualTo(2);
        assertThat(d.enabled(Action.DRAIN, 0)).as("one drain action, whatever the buffer holds").hasSize(1);

        d.drain(0);
        assertThat(d.shared("x")).isEqualTo(1);
        assertThat(d.shared("y")).as("the younger store is still buffered").isZero();
        d.drain(0);
        assertThat(d.shared("y")).isEqualTo(2);
        assertThat(d.canDrain(0)).isFalse();
    }

    @Test
    @DisplayName("two stores to one location become visible in program order")
    void sameLocationDrainsInOrder() {
        MachineDriver d = tso("{ x = 1; x = 2 }");
        d.steps(0, 2);
        d.drain(0);
        assertThat(d.shared("x")).isEqualTo(1);
        d.drain(0);
        assertThat(d.shared("x")).isEqualTo(2);
    }

    @Test
    @DisplayName("a full buffer (store_buffer 1) blocks the next store until a drain; a load still proceeds")
    void fullBufferBlocksStore() {
        MachineDriver d = tso("; store_buffer 1", "{ x = 1; a = z; y = 1 }", "{ }");
        d.step(0);
        assertThat(d.canStep(0)).as("a load may pass the buffered store").isTrue();
        d.step(0);
        assertThat(d.canStep(0)).as("the store finds the buffer full").isFalse();

        d.drain(0);
        assertThat(d.canStep(0)).isTrue();
        d.step(0);
        assertThat(d.sbCount(0)).isEqualTo(1);
    }

    @Test
    @DisplayName("with the default store_buffer 2 the second store does not wait")
    void defaultBufferHoldsTwo() {
        MachineDriver d = tso("{ x = 1; y = 1; z = 1 }");
        d.step(0);
        assertThat(d.canStep(0)).isTrue();
        d.step(0);
        assertThat(d.canStep(0)).as("the third store waits").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "old = ptep_get_and_clear(p)",
            "old = ptep_set_wrprotect(p)",
            "old = ptep_mkclean(p)",
            "young = ptep_test_and_clear_young(p)",
            "ok = ptep_cmpxchg(p, ptep_get(p), ptep_get(p))",
            "spin_lock(l)",
            "atomic { z = 1 }",
            "flush_tlb_page(p)",
            "flush_tlb_all()",
            "switch_mm(A)",
            "cpumask_set(A, 1)",
            "weak_wrmsr_fence()",
    })
    @DisplayName("a locked or serializing instruction waits for an empty store buffer")
    void lockedAndSerializingWaitForEmptyBuffer(String stmt) {
        MachineDriver d = tso("{ x = 1; " + stmt + " }");
        d.step(0);
        assertThat(d.sbCount(0)).isEqualTo(1);
        assertThat(d.canStep(0)).as("%s with a store buffered", stmt).isFalse();

        d.drain(0);
        assertThat(d.canStep(0)).as("%s with an empty buffer", stmt).isTrue();
        assertThat(d.step(0)).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a = y", "read(p)", "write(p)", "send_ipi({1}, h)", "local_irq_disable()", "free_frame(f)"})
    @DisplayName("without a barrier, loads, user accesses, send_ipi and frame operations pass buffered stores")
    void plainInstructionsPassBufferedStores(String stmt) {
        MachineDriver d = tso("{ x = 1; " + stmt + "; z = 1 }");
        d.step(0);
        assertThat(d.canStep(0)).as(stmt).isTrue();
        d.step(0);
        assertThat(d.sbCount(0)).as("x = 1 is still buffered").isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a = y", "z = 1", "read(p)", "write(p)", "wait until y == 0"})
    @DisplayName("smp_mb() with a non-empty buffer blocks the next memory access until the buffer drains")
    void smpMbBlocksLaterMemoryAccesses(String stmt) {
        MachineDriver d = tso("{ x = 1; smp_mb(); " + stmt + " }");
        d.step(0); // x = 1, and smp_mb() merged into the step
        assertThat(d.canStep(0)).as("%s behind smp_mb()", stmt).isFalse();

        d.drain(0);
        assertThat(d.canStep(0)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"send_ipi({1}, h)", "local_irq_disable()", "rcu_read_lock()", "protect_done(p)"})
    @DisplayName("smp_mb() does not hold back what touches no kernel memory: send_ipi (x2APIC), irq masking, rcu_read_lock, ghosts")
    void smpMbDoesNotBlockNonMemoryInstructions(String stmt) {
        MachineDriver d = tso("{ x = 1; smp_mb(); " + stmt + "; y = 1 }");
        d.step(0);
        assertThat(d.canStep(0)).as(stmt).isTrue();
        d.step(0);
        assertThat(d.sbCount(0)).isEqualTo(1);
        assertThat(d.canStep(0)).as("the store after it is still behind the barrier").isFalse();
    }

    @Test
    @DisplayName("a load in send_ipi's argument is a load: behind smp_mb() it waits, as the same load hoisted into a local does")
    void loadInSendIpiArgumentWaitsBehindSmpMb() {
        MachineDriver hoisted = MachineDriver.of(SEND_TARGETS.formatted("t = targets; send_ipi(t, h)"));
        hoisted.step(0);
        assertThat(hoisted.canStep(0)).as("the hoisted load waits").isFalse();

        MachineDriver inline = MachineDriver.of(SEND_TARGETS.formatted("send_ipi(targets, h)"));
        inline.step(0);
        assertThat(inline.canStep(0)).as("the same load as send_ipi's argument").isFalse();
    }

    private static final String SEND_TARGETS = """
            hardware x86 { cpus 2; memory tso }
            mm A { page p -> frame f writable }
            shared x = 0, targets = {1}
            irq h(from) { ack(from) }
            cpu 0 runs A: { x = 1; smp_mb(); %s }
            """;

    @Test
    @DisplayName("a PTE load forwards from the CPU's own buffered pte_clear; other CPUs read memory")
    void ptepGetForwardsOwnPteStore() {
        MachineDriver d = tso("", "{ pte_clear(p); assert !ptep_get(p).present, \"own store\" }", "{ assert ptep_get(p).present, \"memory\" }");
        d.step(0);
        assertThat(d.step(0)).isNull();
        assertThat(d.step(1)).isNull();
    }

    @Test
    @DisplayName("the barrier ends with the drain: later stores are buffered again without waiting")
    void smpMbEndsWhenBufferEmpties() {
        MachineDriver d = tso("{ x = 1; smp_mb(); y = 1; z = 1 }");
        d.step(0);
        d.drain(0);
        d.step(0); // y = 1 buffered
        assertThat(d.sbCount(0)).isEqualTo(1);
        assertThat(d.canStep(0)).as("no barrier is pending any more").isTrue();
    }

    @Test
    @DisplayName("smp_mb() with an empty buffer holds back nothing")
    void smpMbWithEmptyBufferIsFree() {
        MachineDriver d = tso("{ a = y; smp_mb(); z = 1; x = 1 }");
        d.step(0);
        d.step(0); // z = 1 buffered after a barrier that found the buffer empty
        assertThat(d.canStep(0)).isTrue();
    }

    @Test
    @DisplayName("weak_wrmsr_fence() waits for the buffer to drain, so the IPI after it cannot overtake the stores")
    void weakWrmsrFenceOrdersIpi() {
        MachineDriver d = tso("{ x = 1; smp_mb(); weak_wrmsr_fence(); send_ipi({1}, h) }");
        d.step(0);
        assertThat(d.canStep(0)).isFalse();
        d.drain(0);
        d.step(0); // the fence
        assertThat(d.canStep(0)).isTrue();
        d.step(0);
        assertThat(d.pending(1, "h")).isEqualTo(1);
        assertThat(d.shared("x")).as("x was visible before the IPI was sent").isEqualTo(1);
    }

    @Test
    @DisplayName("apic xapic: send_ipi is a store to the ICR and waits for the stores ahead of it; x2apic does not")
    void xapicIpiWaitsForBuffer() {
        MachineDriver xapic = tso("; apic xapic", "{ x = 1; send_ipi({1}, h) }", "{ }");
        xapic.step(0);
        assertThat(xapic.canStep(0)).isFalse();
        xapic.drain(0);
        assertThat(xapic.canStep(0)).isTrue();

        MachineDriver x2apic = tso("; apic x2apic", "{ x = 1; send_ipi({1}, h) }", "{ }");
        x2apic.step(0);
        assertThat(x2apic.canStep(0)).isTrue();
        x2apic.step(0);
        assertThat(x2apic.pending(1, "h")).as("the IPI left before x = 1 became visible").isEqualTo(1);
        assertThat(x2apic.shared("x")).isZero();
    }

    @Test
    @DisplayName("ack is a buffered store: the sender sees it only when it drains, after the handler's earlier stores")
    void ackBecomesVisibleAtItsDrain() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 2; memory tso }
                mm A { page p -> frame f writable }
                shared x = 0
                irq h(from) { x = 1; ack(from) }
                cpu 0 runs A: { send_ipi({1}, h); wait until acked({1}); assert x == 1, "the ack came after x" }
                """);
        d.step(0);
        d.takeIpi(1, "h", 0);
        d.step(1); // x = 1 buffered
        d.step(1); // ack buffered, iret
        assertThat(d.inHandler(1)).isFalse();
        assertThat(d.sbCount(1)).isEqualTo(2);
        assertThat(d.ackWait(0)).as("the ack is not visible yet").isEqualTo(1 << 1);
        assertThat(d.canStep(0)).isFalse();

        d.drain(1);
        assertThat(d.ackWait(0)).as("x drained first; the ack is still buffered").isEqualTo(1 << 1);
        d.drain(1);
        assertThat(d.notesText()).isEqualTo("ack to cpu0 becomes visible");
        assertThat(d.ackWait(0)).isZero();
        d.step(0);
        assertThat(d.step(0)).isNull();
    }

    @Test
    @DisplayName("stores inside atomic (an ack included) go straight to memory")
    void atomicStoresBypassBuffer() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 2; memory tso }
                mm A { page p -> frame f writable }
                shared x = 0, y = 0
                irq h(from) { atomic { y = 1; ack(from) } }
                cpu 0 runs A: { send_ipi({1}, h); atomic { x = 1; y = 2 } }
                """);
        d.step(0);
        d.takeIpi(1, "h", 0);
        d.step(1);
        assertThat(d.sbCount(1)).isZero();
        assertThat(d.shared("y")).isEqualTo(1);
        assertThat(d.ackWait(0)).isZero();

        d.step(0);
        assertThat(d.sbCount(0)).isZero();
        assertThat(d.shared("x")).isEqualTo(1);
        assertThat(d.shared("y")).isEqualTo(2);
    }

    @Test
    @DisplayName("pte_clear and pmd_clear are buffered stores: the hardware walkers read memory, even the storing CPU's")
    void pageTableStoresAreBuffered() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 2; memory tso; paging_cache off }
                mm A { table t -> frame pt { page p -> frame f writable } }
                cpu 0 runs A: { pte_clear(p); pmd_clear(t); read(p) }
                cpu 1 runs A: { read(p) }
                """);
        int pte = d.pte("p");
        int pmd = d.pmd("t");
        d.steps(0, 2);
        assertThat(d.pte("p")).isEqualTo(pte);
        assertThat(d.pmd("t")).isEqualTo(pmd);
        d.step(0);
        assertThat(d.tlb(0, "p")).as("the walker does not look into the CPU's own buffer").isNotZero();

        d.drain(0);
        assertThat(d.pte("p")).isZero();
        assertThat(d.pmd("t")).isEqualTo(pmd);
        d.drain(0);
        assertThat(d.pmd("t")).isZero();
        d.step(1);
        assertThat(d.tlb(1, "p")).isZero();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    @DisplayName("random walks: the buffer stays within store_buffer, a drain exists iff it is non-empty, only drains change memory, one location each")
    void randomWalkKeepsBufferDiscipline(long seed) {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 2; memory tso; store_buffer 2 }
                mm A { page p -> frame f writable }
                shared x = 0, y = 0
                cpu 0 runs A: loop { x = x + 1; y = x; smp_mb(); a = y }
                cpu 1 runs A: loop { y = y + 2; b = x; x = b }
                """);
        SplittableRandom random = new SplittableRandom(seed);
        int drains = 0;
        for (int i = 0; i < 600; i++) {
            for (int c = 0; c < 2; c++) {
                assertThat(d.sbCount(c)).isBetween(0, 2);
                assertThat(d.canDrain(c)).isEqualTo(d.sbCount(c) > 0);
            }
            List<Integer> enabled = d.enabled();
            assertThat(enabled).as("the loops never block for good").isNotEmpty();
            int action = enabled.get(random.nextInt(enabled.size()));
            int cpu = Action.cpu(action);
            int x = d.shared("x");
            int y = d.shared("y");
            int count = d.sbCount(cpu);
            assertThat(d.apply(action)).isNull();
            int changed = (d.shared("x") != x ? 1 : 0) + (d.shared("y") != y ? 1 : 0);
            if (Action.kind(action) == Action.DRAIN) {
                drains++;
                assertThat(d.sbCount(cpu)).isEqualTo(count - 1);
                assertThat(changed).isLessThanOrEqualTo(1);
            } else {
                assertThat(changed).as("a plain store never reaches memory in its own step").isZero();
            }
        }
        assertThat(drains).as("the walk drained").isGreaterThan(30);
    }
}
