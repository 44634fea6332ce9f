package dev.shootdown.model;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** IPIs and interrupt masking (Intel SDM 3A 6.8.1): delivery only with IF set, handlers run with IF clear, iret restores it. */
class InterruptTest {

    @Test
    @DisplayName("a pending IPI is not deliverable while the target has interrupts disabled, and is after local_irq_enable")
    void pendingIpiWaitsForInterruptsOn() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                shared x = 0
                irq h(from) { ack(from) }
                cpu 0 runs A: { send_ipi({1}, h) }
                cpu 1 runs A: { local_irq_disable(); x = 1; local_irq_enable(); x = 2 }
                """);
        d.step(1); // local_irq_disable
        assertThat(d.irqOn(1)).isFalse();
        d.step(0); // send_ipi
        assertThat(d.pending(1, "h")).as("the IPI is pending, from cpu0").isEqualTo(1 << 0);
        assertThat(d.enabled(Action.IPI, 1)).as("masked").isEmpty();

        d.step(1); // x = 1, then local_irq_enable (invisible, so in the same step)
        assertThat(d.shared("x")).isEqualTo(1);
        assertThat(d.irqOn(1)).isTrue();
        assertThat(d.enabled(Action.IPI, 1)).containsExactly(Action.of(Action.IPI, 1, (d.handler("h") << 8) | 0));
        assertThat(d.pending(1, "h")).as("taking it is still a choice").isEqualTo(1);
    }

    @Test
    @DisplayName("inside a handler interrupts are off (local_irq_enable cannot turn them on) and iret restores them")
    void handlerRunsWithInterruptsOff() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 3 }
                mm A { page p -> frame f writable }
                shared x = 0
                irq h(from) { local_irq_enable(); x = x + 1; ack(from) }
                cpu 0 runs A: { send_ipi({1}, h) }
                cpu 1 runs A: { x = 10; x = 20 }
                cpu 2 runs A: { send_ipi({1}, h) }
                """);
        d.step(1); // x = 10
        int interruptedPc = d.pc(1);
        d.step(0);
        d.step(2);
        assertThat(d.pending(1, "h")).isEqualTo(0b101);

        d.takeIpi(1, "h", 0);
        assertThat(d.inHandler(1)).isTrue();
        assertThat(d.irqOn(1)).as("interrupts off in the handler, even after its local_irq_enable()").isFalse();
        assertThat(d.pending(1, "h")).as("the taken IPI is no longer pending").isEqualTo(0b100);
        assertThat(d.enabled(Action.IPI, 1)).as("the IPI from cpu2 must wait for iret").isEmpty();

        d.step(1); // x = x + 1
        assertThat(d.shared("x")).isEqualTo(11);
        d.step(1); // ack(from); iret is invisible and runs in the same step
        assertThat(d.inHandler(1)).isFalse();
        assertThat(d.irqOn(1)).as("iret restores the interrupted context's IF").isTrue();
        assertThat(d.pc(1)).as("back where it was interrupted").isEqualTo(interruptedPc);
        assertThat(d.ackWait(0)).as("from = 0: cpu0 got its ack").isZero();
        assertThat(d.ackWait(2)).as("cpu2 still waits").isEqualTo(1 << 1);
        assertThat(d.enabled(Action.IPI, 1)).containsExactly(Action.of(Action.IPI, 1, (d.handler("h") << 8) | 2));

        d.step(1); // the interrupted program goes on: x = 20
        assertThat(d.shared("x")).isEqualTo(20);
    }

    @Test
    @DisplayName("send_ipi records whom to wait for, never the sender; acked() holds once each target has acked")
    void ackBookkeeping() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 3 }
                mm A { page p -> frame f writable }
                shared done = 0
                irq h(from) { ack(from) }
                cpu 0 runs A: { send_ipi(all_cpus, h); wait until acked({1, 2}); done = 1 }
                """);
        d.step(0); // send_ipi to all but self
        assertThat(d.ackWait(0)).isEqualTo(0b110);
        assertThat(d.pending(0, "h")).as("no IPI to self").isZero();
        assertThat(d.pending(1, "h")).isEqualTo(1);
        assertThat(d.pending(2, "h")).isEqualTo(1);
        assertThat(d.canStep(0)).as("wait until acked blocks").isFalse();

        d.takeIpi(1, "h", 0);
        d.step(1); // ack
        assertThat(d.ackWait(0)).isEqualTo(0b100);
        assertThat(d.canStep(0)).as("cpu2 has not acked yet").isFalse();

        d.takeIpi(2, "h", 0);
        d.step(2);
        assertThat(d.ackWait(0)).isZero();
        assertThat(d.canStep(0)).isTrue();
        d.step(0); // the wait
        d.step(0); // done = 1
        assertThat(d.shared("done")).isEqualTo(1);
    }

    @Test
    @DisplayName("a halted CPU with interrupts on still takes IPIs")
    void haltedCpuTakesIpi() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                irq h(from) { ack(from) }
                cpu 0 runs A: { send_ipi({1}, h); wait until acked({1}) }
                """);
        assertThat(d.canStep(1)).isFalse();
        d.step(0);
        assertThat(d.enabled(Action.IPI, 1)).hasSize(1);
    }
}
