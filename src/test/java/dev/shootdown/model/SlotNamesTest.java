package dev.shootdown.model;

import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** A body's frame slots keep the names the source gave them, for counterexamples to show locals by name. */
class SlotNamesTest {
    private static final String MODEL = """
            hardware x86 { cpus 2; speculative_walks; paging_cache x86 }
            mm A { table t0 -> frame pt0 { page p -> frame f writable } }
            irq flush(from) { flush_tlb_all(); ack(from) }
            proc shoot(va) {
              old = ptep_get_and_clear(va)
              targets = cpumask(A) - self
              send_ipi(targets, flush)
              wait until acked(targets)
              return old
            }
            cpu 0 runs A: { pte = shoot(p); for c in cpumask(A) { n = c }; free_frame(pte.pfn) }
            cpu 1 runs A: { local_irq_disable(); gup_fast(p); local_irq_enable() }
            check no_use_after_free
            """;

    @Test
    @DisplayName("locals, parameters, a procedure's result, a handler's sender, a for loop's CPUs left and gup_fast's PMD are named; the compiler's other temporaries are not")
    void slotsAreNamed() {
        Program program = Compiler.compile(Parser.parse(new SourceFile("m.sd", MODEL)));
        Code cpu0 = program.cpuPrograms().get(0);
        assertThat(names(cpu0)).contains("va", "old", "targets", "shoot()", "pte", "c", "c.left", "n").doesNotHaveDuplicates();
        // ptep_get_and_clear's result goes through a temporary before 'old'.
        assertThat(Arrays.asList(cpu0.slotNames())).containsNull();
        assertThat(cpu0.slotNames()).hasSameSizeAs(cpu0.slotTypes());
        assertThat(names(program.cpuPrograms().get(1))).contains("gup_fast.pmd");
        assertThat(program.handlers().get(0).slotName(0)).isEqualTo("from");
        assertThat(cpu0.slotName(cpu0.frameSize() + 5)).as("past the frame").isNull();
    }

    private static java.util.List<String> names(Code code) {
        return Arrays.stream(code.slotNames()).filter(java.util.Objects::nonNull).toList();
    }
}
