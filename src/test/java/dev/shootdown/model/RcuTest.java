package dev.shootdown.model;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RCU-sched deferred frees: {@code rcu_free} waits for every CPU, the caller included, to pass a
 * quiescent state after the call; a CPU with interrupts off, in a handler or in a read-side section
 * is not quiescent.
 */
class RcuTest {

    private static MachineDriver rcu(String knobs, String cpu0, String cpu1) {
        return MachineDriver.of("""
                hardware x86 { cpus 2 %s }
                mm A { page p -> frame f writable; page q -> frame g unmapped; page r -> frame h unmapped }
                shared x = 0
                irq h1(from) { x = 5; ack(from) }
                cpu 0 runs A: %s
                cpu 1 runs A: %s
                """.formatted(knobs, cpu0, cpu1));
    }

    @Test
    @DisplayName("rcu_free frees only after every CPU, the caller included, has passed a quiescent state after the call")
    void freesAfterEveryCpuPassed() {
        MachineDriver d = rcu("", "{ rcu_free(g) }", "loop { read(p) }");
        assertThat(d.canBeQuiescent(0)).as("no grace period is waited for yet").isFalse();
        assertThat(d.canBeQuiescent(1)).isFalse();

        d.step(0);
        assertThat(d.isFree("g")).isFalse();
        assertThat(d.canBeQuiescent(0)).isTrue();
        assertThat(d.canBeQuiescent(1)).isTrue();

        assertThat(d.quiescent(1)).isNull();
        assertThat(d.isFree("g")).as("cpu0 has not passed one").isFalse();
        assertThat(d.canBeQuiescent(1)).as("cpu1's quiescent state is already counted").isFalse();

        d.quiescent(0);
        assertThat(d.isFree("g")).isTrue();
        assertThat(d.notesText()).contains("grace period over for frame g", "frame g freed");
        assertThat(d.canBeQuiescent(0)).isFalse();
    }

    @Test
    @DisplayName("a CPU with interrupts off cannot be quiescent until it enables them")
    void interruptsOffHoldsGracePeriod() {
        MachineDriver d = rcu("", "{ rcu_free(g) }", "{ local_irq_disable(); x = 1; local_irq_enable(); x = 2 }");
        d.step(1);
        d.step(0);
        assertThat(d.canBeQuiescent(0)).isTrue();
        assertThat(d.canBeQuiescent(1)).isFalse();

        d.step(1); // x = 1, then local_irq_enable
        assertThat(d.irqOn(1)).isTrue();
        assertThat(d.canBeQuiescent(1)).isTrue();
    }

    @Test
    @DisplayName("a CPU in an IRQ handler cannot be quiescent until it returns")
    void handlerHoldsGracePeriod() {
        MachineDriver d = rcu("", "{ send_ipi({1}, h1); rcu_free(g) }", "loop { read(p) }");
        d.step(0);
        d.takeIpi(1, "h1", 0);
        d.step(0);
        assertThat(d.inHandler(1)).isTrue();
        assertThat(d.canBeQuiescent(1)).isFalse();

        d.step(1);
        d.step(1); // ack, iret
        assertThat(d.inHandler(1)).isFalse();
        assertThat(d.canBeQuiescent(1)).isTrue();
    }

    @Test
    @DisplayName("a CPU inside rcu_read_lock cannot be quiescent; read-side sections nest")
    void readSideSectionHoldsGracePeriod() {
        MachineDriver d = rcu("", "{ rcu_free(g) }", "{ rcu_read_lock(); rcu_read_lock(); rcu_read_unlock(); rcu_read_unlock(); x = 1 }");
        d.step(1);
        d.step(0);
        assertThat(d.canBeQuiescent(1)).isFalse();
        d.steps(1, 2);
        assertThat(d.canBeQuiescent(1)).as("still one level deep").isFalse();
        d.step(1);
        assertThat(d.canBeQuiescent(1)).isTrue();
    }

    @Test
    @DisplayName("rcu_free blocks while every rcu_slot is taken, and proceeds once a grace period frees one")
    void rcuFreeBlocksOnFullSlots() {
        MachineDriver d = rcu("; rcu_slots 1", "{ rcu_free(g); rcu_free(h) }", "{ }");
        d.step(0);
        assertThat(d.canStep(0)).isFalse();

        d.quiescent(0);
        assertThat(d.canStep(0)).as("cpu1 has not passed one").isFalse();
        d.quiescent(1);
        assertThat(d.isFree("g")).isTrue();
        assertThat(d.canStep(0)).isTrue();
        d.step(0);
        assertThat(d.isFree("h")).isFalse();
    }

    @Test
    @DisplayName("with the default two slots, a second rcu_free does not wait")
    void twoSlotsByDefault() {
        MachineDriver d = rcu("", "{ rcu_free(g); rcu_free(h); rcu_free(f) }", "{ }");
        d.step(0);
        assertThat(d.canStep(0)).isTrue();
        d.step(0);
        assertThat(d.canStep(0)).as("the third waits").isFalse();
    }

    @Test
    @DisplayName("a quiescent state ends every grace period that waits for the CPU")
    void oneQuiescentStateServesAllSlots() {
        MachineDriver d = rcu("", "{ rcu_free(g); rcu_free(h) }", "{ }");
        d.steps(0, 2);
        d.quiescent(1);
        d.quiescent(0);
        assertThat(d.isFree("g")).isTrue();
        assertThat(d.isFree("h")).isTrue();
    }

    @Test
    @DisplayName("a grace period that frees a frame that is already free is a double free")
    void graceEndIsAFree() {
        MachineDriver d = rcu("", "{ rcu_free(g); free_frame(g) }", "{ }");
        d.steps(0, 2);
        d.quiescent(0);
        assertThat(d.quiescent(1)).isEqualTo(Verdict.ASSERTION);
        assertThat(d.violationNote()).isEqualTo("double free of frame g");
    }
}
