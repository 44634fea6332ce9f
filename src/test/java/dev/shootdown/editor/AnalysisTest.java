package dev.shootdown.editor;

import org.eclipse.lsp4j.Diagnostic;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Diagnostics of a text: the first syntax error of each declaration the parser can resynchronise on, the compiler's first. */
class AnalysisTest {
    private static final String GOOD = """
            hardware x86 { cpus 2 }
            mm A { page p -> frame f writable }
            irq flush_one(from) { flush_tlb_page(p); ack(from) }
            cpu 0 runs A: read(p)
            cpu 1 runs A: read(p)
            """;

    static List<Diagnostic> diagnostics(String text) {
        return Analysis.of("m.sd", text).diagnostics();
    }

    @Test
    void eachBrokenDeclarationHasItsOwnDiagnosticAtItsLine() {
        String text = GOOD.replace("page p -> frame f", "page p -> f").replace("cpu 0 runs A", "cpu 0 A");
        List<Diagnostic> d = diagnostics(text);

        assertThat(d).extracting(x -> x.getRange().getStart().getLine()).containsExactly(1, 3);
        assertThat(d.get(0).getMessage()).isEqualTo(Analysis.of("m.sd", GOOD.replace("page p -> frame f", "page p -> f")).error().getMessage());
        assertThat(d.get(1).getMessage()).contains("expected 'runs'");
    }

    @Test
    void aTextThatParsesHasTheCompilersFirstErrorOnly() {
        List<Diagnostic> d = diagnostics(GOOD.replace("flush_tlb_page(p)", "flush_tlb_page(q)").replace("read(p)\ncpu 1", "read(r)\ncpu 1"));
        assertThat(d).hasSize(1);
        assertThat(d.get(0).getRange().getStart().getLine()).isEqualTo(2);
        assertThat(diagnostics(GOOD)).isEmpty();
    }

    @Test
    void anUnclosedBlockIsOneErrorNotACascade() {
        assertThat(diagnostics(GOOD.replace("ack(from) }", "ack(from)"))).hasSize(1);
    }
}
