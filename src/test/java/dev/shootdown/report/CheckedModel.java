package dev.shootdown.report;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.check.Counterexample;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import dev.shootdown.lang.Sources;
import dev.shootdown.model.Compiler;

import java.nio.file.Path;

/** A model checked to the end, with the counterexample of its shallowest violation (null when it is safe). */
record CheckedModel(CheckResult result, Counterexample cx) {

    static CheckedModel catalog(String name) {
        return of(Sources.read(Path.of("catalog", name + ".sd")));
    }

    static CheckedModel text(String name, String text) {
        return of(new SourceFile(name, text));
    }

    private static CheckedModel of(SourceFile source) {
        BfsExplorer explorer = new BfsExplorer(Compiler.compile(Parser.parse(source)), CheckOptions.defaults());
        CheckResult result = explorer.run();
        Counterexample cx = result.violations().isEmpty() ? null : explorer.rebuilder().rebuild(result.violations().get(0));
        return new CheckedModel(result, cx);
    }

    String html() {
        return HtmlCounterexample.page(result, cx);
    }

    String mermaid() {
        return MermaidCounterexample.diagram(result, cx);
    }

    /**
     * Seed 003's question under TSO without barriers: the initiator's tlb_gen store and the lazy CPU's
     * is_lazy store both sit in store buffers, so each reads the other's old value and the stale
     * entry survives the free.
     */
    static final String LAZY_TSO = """
            title "Lazy flag vs generation under TSO, no barrier"
            hardware x86 { cpus 2; memory tso }

            mm A { page p -> frame f writable }

            shared tlb_gen = 0
            percpu is_lazy = true, loaded_gen = 0, need_flush = false

            irq flush_one(from) { flush_tlb_page(p); ack(from) }

            proc munmap(va) {
              old = ptep_get_and_clear(va)
              tlb_gen = tlb_gen + 1
              targets = {c in cpumask(A) - self : !is_lazy[c]}
              send_ipi(targets, flush_one)
              wait until acked(targets)
              flush_tlb_page(va)
              free_frame(old.pfn)
            }

            cpu 0 runs A: munmap(p)
            cpu 1 runs A: {
              read(p)
              is_lazy = false
              need_flush = loaded_gen < tlb_gen
              if (need_flush) { flush_tlb_page(p) }
              read(p)
            }
            check no_use_after_free, no_deadlock
            """;
}
