package dev.shootdown.model;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code pcid} (entries tagged with their address space), an invalidation acts on the address
 * space its operand names: INVLPG names none and acts on the current PCID (SDM vol. 3A 4.10.4.1),
 * and so do the hypercalls that run it on each CPU; a broadcast names the page's (INVLPGB's PCID,
 * TLBI VAE1IS's ASID, tlbie's PID) and acts on it wherever it is performed.
 */
class PcidTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "send_ipi({1}, flush_p) | false",
        "xen_invlpg_all(p) | false",
        "flush_remote({1}, p) | false",
        "tlbie(p) | true",
        "tlbi_is(p) | true",
        "invlpgb(p) | true",
    })
    @DisplayName("on a CPU that runs another address space, INVLPG leaves the page's entry and a broadcast drops it")
    void invalidationOnACpuRunningAnotherMm(String op, boolean drops) {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 2; pcid }
                mm A { page p -> frame f writable }
                mm B { page q -> frame g writable }
                irq flush_p(from) { flush_tlb_page(p); ack(from) }
                cpu 0 runs A: { %s }
                cpu 1 runs A: { read(p); switch_mm(B) }
                """.formatted(op));
        d.steps(1, 2);
        assertThat(d.cr3(1)).isEqualTo("B");
        assertThat(d.tlb(1, "p")).as("pcid: switch_mm keeps A's entry").isNotZero();
        d.step(0);
        if (op.startsWith("send_ipi")) {
            d.takeIpi(1, "flush_p", 0);
            d.step(1);
        }
        d.enabled(Action.BCAST, 1).forEach(d::apply);
        assertThat(d.tlb(1, "p") == 0).isEqualTo(drops);
    }
}
