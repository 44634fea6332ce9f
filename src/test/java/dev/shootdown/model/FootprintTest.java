package dev.shootdown.model;

import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a step read and changed, measured by running it again on altered states. */
class FootprintTest {
    private static Machine machine(String source) {
        return new Machine(Compiler.compile(Parser.parse(new SourceFile("m.sd", source))));
    }

    private static final int STEP0 = Action.of(Action.STEP, 0, 0);
    private static final int STEP1 = Action.of(Action.STEP, 1, 0);

    @Test
    @DisplayName("an assignment reads what its value reads, with the value read, and changes its target; nothing else")
    void assignment() {
        Machine m = machine("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                shared x = 0, y = 7, z = 3
                cpu 0 runs A: { x = y + 1 }
                cpu 1 runs A: { z = 4 }
                """);
        int[] s = m.initialState();
        Footprint fp = m.footprint(s, STEP0);
        assertThat(fp.reads()).containsExactly(java.util.Map.entry("vars.y", "7"));
        assertThat(fp.changed()).containsExactly("vars.x", "cpus[0].at");
        assertThat(fp.role()).isEqualTo(Footprint.Role.PROGRAM);
        assertThat(fp.decides()).isFalse();
        assertThat(s).as("the state is left as it was").isEqualTo(m.initialState());
    }

    @Test
    @DisplayName("a condition read short-circuits: what it did not evaluate was not read")
    void shortCircuit() {
        Machine m = machine("""
                hardware x86 { cpus 1 }
                mm A { page p -> frame f writable }
                shared a = false, b = true, r = false
                cpu 0 runs A: { r = a && b }
                """);
        assertThat(m.footprint(m.initialState(), STEP0).reads()).containsOnlyKeys("vars.a");
    }

    @Test
    @DisplayName("an if whose way depends on what it read decides; a wait decides; a plain statement does not")
    void decisions() {
        Machine m = machine("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                shared go = 0, seen = 0
                cpu 0 runs A: { if go != 0 { seen = 1 }; wait until go == 0; seen = 2 }
                cpu 1 runs A: { go = 1 }
                """);
        int[] s = m.initialState();
        Footprint branch = m.footprint(s, STEP0);
        assertThat(branch.decides()).isTrue();
        assertThat(branch.reads()).containsOnlyKeys("vars.go");
        m.apply(s, STEP0, null);
        Footprint wait = m.footprint(s, STEP0);
        assertThat(wait.decides()).isTrue();
        assertThat(wait.reads()).as("the wait could not run with go != 0").containsOnlyKeys("vars.go");
        m.apply(s, STEP0, null);
        assertThat(m.footprint(s, STEP0).decides()).isFalse();
    }

    @Test
    @DisplayName("a TLB miss reads the empty entry, CR3, the PTE and the frame; a hit on a stale entry reads the entry (and the PTE it is stale against), not another CPU's TLB")
    void userAccess() {
        Machine m = machine("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                cpu 0 runs A: { read(p); read(p) }
                cpu 1 runs A: { read(p); old = ptep_get_and_clear(p) }
                """);
        int[] s = m.initialState();
        Footprint miss = m.footprint(s, STEP0);
        assertThat(miss.reads()).containsEntry("cpus[0].tlb.p", "none").containsEntry("ptes.p", "f RW").containsKeys("cpus[0].cr3", "frames.f");
        assertThat(miss.changed()).contains("cpus[0].tlb.p");
        m.apply(s, STEP1, null);
        m.apply(s, STEP0, null);
        m.apply(s, STEP1, null);
        Footprint hit = m.footprint(s, STEP0);
        // Without the entry the walk would find the PTE cleared and fault: the entry decided what the load did.
        // The hit says the entry is stale against the PTE, so its account reads the PTE too.
        assertThat(hit.reads()).containsEntry("cpus[0].tlb.p", "f RW").containsEntry("ptes.p", "none");
        assertThat(hit.reads().keySet()).noneMatch(k -> k.startsWith("cpus[1]."));
    }

    @Test
    @DisplayName("taking an IPI reads the pending IPI and the interrupt flag and enters the handler; its statements run in the handler")
    void interrupts() {
        Machine m = machine("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                irq h(from) { flush_tlb_all(); ack(from) }
                cpu 0 runs A: { send_ipi({1}, h); wait until acked({1}) }
                cpu 1 runs A: { read(p) }
                """);
        int[] s = m.initialState();
        m.apply(s, STEP0, null);
        int take = Action.of(Action.IPI, 1, 0);
        Footprint enter = m.footprint(s, take);
        assertThat(enter.role()).isEqualTo(Footprint.Role.ENTERS_HANDLER);
        assertThat(enter.reads()).containsKeys("cpus[1].pending_ipis", "cpus[1].irq");
        assertThat(enter.changed()).contains("cpus[1].handler", "cpus[1].pending_ipis", "cpus[1].irq");
        m.apply(s, take, null);
        assertThat(m.footprint(s, STEP1).role()).isEqualTo(Footprint.Role.HANDLER);
    }

    @Test
    @DisplayName("what keeps a deadlock stuck: the interrupt flag and the pending IPI of a CPU that waits with interrupts off")
    void stuck() {
        Machine m = machine("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                irq h(from) { ack(from) }
                cpu 0, 1 runs A: { local_irq_disable(); send_ipi(all_cpus - self, h); wait until acked(all_cpus - self) }
                """);
        int[] s = m.initialState();
        for (int k = 0; k < 2; k++) {
            m.apply(s, STEP0, null);
            m.apply(s, STEP1, null);
        }
        java.util.Map<String, String> reads = m.stuckReads(s);
        assertThat(reads).containsEntry("cpus[0].irq", "off").containsEntry("cpus[1].irq", "off").containsKeys("cpus[0].acks_awaited");
    }
}
