package dev.shootdown.model;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** TLB capacity and eviction: a fill into a full TLB chooses its victim nondeterministically; the evictions knob drops entries at any time. */
class TlbCapacityTest {

    @Test
    @DisplayName("a miss in a full TLB offers one action per victim; the chosen one is evicted and the page filled")
    void missInFullTlbOffersOneActionPerVictim() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1; tlb_capacity 2 }
                mm A { page p -> frame f writable; page q -> frame g writable; page r -> frame h writable }
                cpu 0 runs A: { read(p); read(q); read(r) }
                """);
        assertThat(d.enabled(Action.STEP, 0)).as("empty TLB: one plain step").containsExactly(Action.of(Action.STEP, 0, 0));
        d.step(0);
        assertThat(d.enabled(Action.STEP, 0)).as("one entry of two: no eviction yet").containsExactly(Action.of(Action.STEP, 0, 0));
        d.step(0);

        assertThat(d.enabled(Action.STEP, 0)).containsExactlyInAnyOrder(
                Action.of(Action.STEP, 0, d.page("p") + 1),
                Action.of(Action.STEP, 0, d.page("q") + 1));

        d.stepEvicting(0, "q");
        assertThat(d.tlb(0, "q")).isZero();
        assertThat(d.tlb(0, "p")).isNotZero();
        assertThat(d.tlb(0, "r")).isNotZero();
    }

    @Test
    @DisplayName("a hit, or a miss that faults, in a full TLB evicts nothing")
    void hitOrFaultInFullTlbOffersOneAction() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1; tlb_capacity 1 }
                mm A { page p -> frame f writable; page q -> frame g writable unmapped }
                cpu 0 runs A: { read(p); read(p); read(q) }
                """);
        d.step(0);
        assertThat(d.enabled(Action.STEP, 0)).as("hit").containsExactly(Action.of(Action.STEP, 0, 0));
        d.step(0);
        assertThat(d.enabled(Action.STEP, 0)).as("miss on a non-present PTE: it faults and fills nothing").containsExactly(Action.of(Action.STEP, 0, 0));
        d.step(0);
        assertThat(d.tlb(0, "p")).isNotZero();
    }

    @Test
    @DisplayName("the default capacity holds every page, so no access ever evicts")
    void defaultCapacityHoldsAllPages() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1 }
                mm A { page p -> frame f writable; page q -> frame g writable; page r -> frame h writable }
                cpu 0 runs A: { read(p); read(q); read(r) }
                """);
        for (int i = 0; i < 3; i++) {
            assertThat(d.enabled(Action.STEP, 0)).containsExactly(Action.of(Action.STEP, 0, 0));
            d.step(0);
        }
        assertThat(d.tlb(0, "p")).isNotZero();
        assertThat(d.tlb(0, "q")).isNotZero();
        assertThat(d.tlb(0, "r")).isNotZero();
    }

    @Test
    @DisplayName("with the evictions knob every valid entry may be evicted at any time; without it, never")
    void evictionsKnobAddsEvictionActions() {
        String body = """
                mm A { page p -> frame f writable; page q -> frame g writable }
                cpu 0 runs A: { read(p); read(q) }
                cpu 1 runs A: { read(q) }
                """;
        MachineDriver without = MachineDriver.of("hardware x86 { cpus 2 }\n" + body);
        without.step(0);
        without.step(1);
        assertThat(without.enabled().stream().filter(a -> Action.kind(a) == Action.EVICT)).isEmpty();

        MachineDriver d = MachineDriver.of("hardware x86 { cpus 2; evictions }\n" + body);
        assertThat(d.enabled().stream().filter(a -> Action.kind(a) == Action.EVICT)).as("nothing cached yet").isEmpty();
        d.step(0);
        d.step(1);
        assertThat(d.enabled(Action.EVICT, 0)).containsExactly(Action.of(Action.EVICT, 0, d.page("p")));
        assertThat(d.enabled(Action.EVICT, 1)).containsExactly(Action.of(Action.EVICT, 1, d.page("q")));

        d.apply(Action.of(Action.EVICT, 0, d.page("p")));
        assertThat(d.tlb(0, "p")).isZero();
        assertThat(d.tlb(1, "q")).as("only that CPU's entry").isNotZero();
        assertThat(d.enabled(Action.EVICT, 0)).isEmpty();
    }
}
