package dev.shootdown.model;

import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Range flushes: {@code flush_tlb_range(start, end)} invalidates the pages from start to end one by one
 * up to {@code tlb_single_page_flush_ceiling} of them, and the whole address space above it (Linux's
 * flush_tlb_mm_range(): "(end - start) >> stride_shift > tlb_single_page_flush_ceiling" becomes
 * TLB_FLUSH_ALL, arch/x86/mm/tlb.c); {@code tlbi_range_is} broadcasts it as arm64's __flush_tlb_range().
 */
class FlushRangeTest {

    private static final String FOUR_PAGES = """
            param CEILING = 2
            hardware x86 { cpus 2; tlb_single_page_flush_ceiling CEILING }
            mm A {
              page p -> frame f writable
              page q -> frame g writable
              page r -> frame h writable
              page s -> frame k writable
            }
            mm B { page o -> frame m writable }
            cpu 0 runs A: { read(p); read(q); read(r); read(s); %s }
            cpu 1 runs A: { read(p); read(q); read(r); read(s); %s }
            """;

    private static MachineDriver fourPages(String cpu0, String cpu1, Map<String, Integer> defines) {
        return MachineDriver.of(Compiler.compile(Parser.parse(new SourceFile("test.sd", FOUR_PAGES.formatted(cpu0, cpu1)), defines)));
    }

    private static MachineDriver filled(String cpu0, int ceiling) {
        MachineDriver d = fourPages(cpu0, "{}", Map.of("CEILING", ceiling));
        d.steps(0, 4);
        return d;
    }

    @Test
    @DisplayName("the ceiling is 33 pages unless the hardware sets it, Linux's default")
    void defaultCeiling() {
        assertThat(MachineDriver.compile("hardware x86 { cpus 1 }\nmm A { page p -> frame f }\ncpu 0 runs A: read(p)\n").hardware().flushCeiling())
                .isEqualTo(Hardware.DEFAULT_FLUSH_CEILING).isEqualTo(33);
    }

    @ParameterizedTest(name = "ceiling {0}: flush_tlb_range(q, {1}) of {2} pages drops {3}")
    @CsvSource({"2, r, 2, q r", "1, r, 2, p q r s", "3, s, 3, q r s", "2, s, 3, p q r s", "0, q, 1, p q r s", "1, q, 1, q"})
    void ceilingBoundary(int ceiling, String end, int pages, String dropped) {
        MachineDriver d = filled("flush_tlb_range(q, " + end + ")", ceiling);
        d.step(0);
        List<String> gone = List.of(dropped.split(" "));
        for (String page : List.of("p", "q", "r", "s")) {
            assertThat(d.tlb(0, page) == 0).as(page).isEqualTo(gone.contains(page));
        }
        assertThat(d.notesText()).contains(pages > ceiling ? pages + " pages, over the ceiling of " + ceiling + ": the whole address space flushed"
                : pages + (pages == 1 ? " page" : " pages") + " flushed one by one");
    }

    @Test
    @DisplayName("a range flush is local: the other CPU keeps its entries")
    void local() {
        MachineDriver d = fourPages("flush_tlb_range(p, s)", "{}", Map.of());
        d.steps(1, 4);
        d.steps(0, 5);
        assertThat(d.tlb(0, "p")).isZero();
        assertThat(d.tlb(1, "p")).isNotZero();
    }

    @ParameterizedTest(name = "flush_tlb_range({0}, {1}) is an assertion violation: {2}")
    @CsvSource({"r, q, q is below r", "p, o, p and o are pages of two address spaces"})
    void invalidRange(String start, String end, String why) {
        MachineDriver d = filled("flush_tlb_range(" + start + ", " + end + ")", 2);
        assertThat(d.step(0)).isEqualTo(Verdict.ASSERTION);
        assertThat(d.violationNote()).isEqualTo("flush_tlb_range(" + start + ", " + end + "): " + why);
    }

    @Test
    @DisplayName("tlbi_range_is: the range goes here at once, is queued page by page on the other CPU, and dsb_ish waits for it")
    void broadcastRange() {
        MachineDriver d = fourPages("{ tlbi_range_is(q, r, false); dsb_ish() }", "{}", Map.of());
        d.steps(1, 4);
        d.steps(0, 5);
        assertThat(d.tlb(0, "q")).isZero();
        assertThat(d.tlb(0, "r")).isZero();
        assertThat(d.tlb(0, "p")).isNotZero();
        assertThat(d.tlb(1, "q")).as("until performed there").isNotZero();
        assertThat(d.enabled(Action.BCAST, 1)).hasSize(2);
        assertThat(d.canStep(0)).as("dsb_ish waits").isFalse();
        d.apply(d.enabled(Action.BCAST, 1).get(0));
        d.apply(d.enabled(Action.BCAST, 1).get(0));
        assertThat(d.tlb(1, "q")).isZero();
        assertThat(d.tlb(1, "r")).isZero();
        assertThat(d.tlb(1, "p")).isNotZero();
        assertThat(d.canStep(0)).isTrue();
    }

    @Test
    @DisplayName("tlbi_range_is over the ceiling invalidates every page of the address space, everywhere, and nothing of another")
    void broadcastOverCeiling() {
        MachineDriver d = fourPages("{ tlbi_range_is(p, r, false); dsb_ish() }", "{}", Map.of("CEILING", 2));
        d.steps(1, 4);
        d.steps(0, 5);
        assertThat(d.enabled(Action.BCAST, 1)).as("a page each of p, q, r and s").hasSize(4);
        assertThat(d.tlb(0, "s")).isZero();
        assertThat(d.notesText()).contains("3 pages, over the ceiling of 2");
    }

    @ParameterizedTest(name = "tlbi_range_is with last_level {0} on {1}: paging-structure caches dropped: {2}")
    @CsvSource({"true, x86, false", "false, x86, true", "true, lpae, false", "false, lpae, true"})
    void lastLevel(boolean lastLevel, String cache, boolean dropped) {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 2; paging_cache %s }
                mm A { table t -> frame pt { page p -> frame f writable; page q -> frame g writable } }
                cpu 0 runs A: { read(p); tlbi_range_is(p, q, %s); dsb_ish() }
                cpu 1 runs A: read(q)
                """.formatted(cache, lastLevel));
        d.step(1);
        d.steps(0, 2);
        assertThat(d.tlb(0, "p")).isZero();
        assertThat(d.pwc(0, "t") == 0).as("the issuer's cache").isEqualTo(dropped);
        assertThat(d.enabled(Action.BCAST, 1)).hasSize(2);
        d.apply(d.enabled(Action.BCAST, 1).get(0));
        d.apply(d.enabled(Action.BCAST, 1).get(0));
        assertThat(d.tlb(1, "q")).isZero();
        assertThat(d.pwc(1, "t") == 0).as("the other CPU's cache").isEqualTo(dropped);
        assertThat(d.canStep(0)).isTrue();
    }

    @Test
    @DisplayName("-D sets the ceiling through the param the knob names, as a sweep does")
    void ceilingFromDefine() {
        assertThat(fourPages("{}", "{}", Map.of("CEILING", 7)).program.hardware().flushCeiling()).isEqualTo(7);
    }
}
