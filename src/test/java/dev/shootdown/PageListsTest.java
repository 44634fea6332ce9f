package dev.shootdown;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.lang.CompileError;
import dev.shootdown.model.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loops over lists of pages ({@code for v in {p, q}}, {@code for v in pages(A)}) and choices from them. */
class PageListsTest {
    private static final String HEAD = "hardware x86 { cpus 2 }\nmm A { page p -> frame f writable; page q -> frame g writable; page r -> frame h writable }\n"
            + "mm B { page z -> frame k writable }\n";

    private static CheckResult check(String source) {
        return new BfsExplorer(OracleModels.compile(source), CheckOptions.defaults()).run();
    }

    @Test
    @DisplayName("a loop over pages(A) runs its body once per page of A, in the order declared, and is the unrolled text's equal")
    void loopOverTheMm() {
        // Unmap every page of A, flushing only some: the page left out is the one CPU 1 can still reach.
        String loop = HEAD + "shared n = 0\ncpu 0 runs A: { for v in pages(A) { old = ptep_get_and_clear(v); if v != r { flush_tlb_page(v) }"
                + " free_frame(old.pfn); n = n + 1 } assert n == 3 }\ncpu 1 runs A: loop { read(r) }\ncheck no_use_after_free\n";
        String unrolled = HEAD + "shared n = 0\ncpu 0 runs A: {"
                + " v = p; old = ptep_get_and_clear(v); flush_tlb_page(v); free_frame(old.pfn); n = n + 1;"
                + " v = q; old = ptep_get_and_clear(v); flush_tlb_page(v); free_frame(old.pfn); n = n + 1;"
                + " v = r; old = ptep_get_and_clear(v); free_frame(old.pfn); n = n + 1; assert n == 3 }\n"
                + "cpu 1 runs A: loop { read(r) }\ncheck no_use_after_free\n";
        CheckResult a = check(loop);
        CheckResult b = check(unrolled);
        assertThat(a.verdict()).isEqualTo(Verdict.USE_AFTER_FREE).isEqualTo(b.verdict());
        assertThat(a.stats().states()).isEqualTo(b.stats().states());
        assertThat(a.violations().get(0).depth()).isEqualTo(b.violations().get(0).depth());
        // Without the page CPU 1 reads, the loop is safe and runs to its end (the assertion counts three pages).
        assertThat(check(loop.replace("read(r)", "read(z)").replace("cpu 1 runs A", "cpu 1 runs B")).verdict()).isEqualTo(Verdict.SAFE);
    }

    @Test
    @DisplayName("a loop over a written list, and a choice from pages(A)")
    void listsAndChoices() {
        String model = HEAD + "cpu 0 runs A: { for v in {q, r} { flush_tlb_page(v) } choose w in pages(A); assert w != q }\n";
        CheckResult r = check(model);
        assertThat(r.verdict()).isEqualTo(Verdict.ASSERTION);
        assertThat(check(model.replace("pages(A)", "pages(B)").replace("w != q", "w == z")).verdict()).isEqualTo(Verdict.SAFE);
    }

    @Test
    @DisplayName("pages() of a name that is no address space is an error at the call")
    void errors() {
        assertThatThrownBy(() -> OracleModels.compile(HEAD + "cpu 0 runs A: { for v in pages(C) { flush_tlb_page(v) } }\n"))
                .isInstanceOf(CompileError.class).hasMessageContaining("'pages' takes the name of an address space");
        assertThatThrownBy(() -> OracleModels.compile(HEAD + "cpu 0 runs A: { for v in {p, true} { flush_tlb_page(v) } }\n"))
                .isInstanceOf(CompileError.class).hasMessageContaining("expected a page like the first of the list, found a bool");
    }
}
