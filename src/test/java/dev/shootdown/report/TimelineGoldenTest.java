package dev.shootdown.report;

import dev.shootdown.check.Counterexample;
import dev.shootdown.model.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden files for counterexample timelines: each {@code src/test/resources/timelines/*.sd} is checked
 * to the end, its shallowest counterexample rebuilt and rendered by {@link TimelineRenderer} at width
 * 40, and the text must equal the {@code .timeline} next to it (only line endings are normalised).
 * Run with {@code -Dshootdown.updateGolden=true} to rewrite the files after a deliberate change;
 * the structural tests below hold the semantics independently of the text, so an update cannot
 * hide a changed verdict, length or cause.
 */
class TimelineGoldenTest {
    private static final Path DIR = Path.of("src/test/resources/timelines");
    private static final int WIDTH = 40;
    private static final String TSO = "tso-lazy-store-buffering";
    private static final String TABLE = "table-free-cached-pmd";

    static Stream<String> models() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sd"))
                    .map(n -> n.substring(0, n.length() - 3)).sorted().toList().stream();
        }
    }

    private static String source(String model) throws IOException {
        return Files.readString(DIR.resolve(model + ".sd"), StandardCharsets.UTF_8);
    }

    private static Counterexample counterexample(String name, String text) {
        CheckedModel checked = CheckedModel.text(name, text);
        assertThat(checked.result().complete()).as("%s searched to the end", name).isTrue();
        return checked.cx();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    @DisplayName("the rendered timeline equals the checked-in golden file")
    void timelineMatchesGoldenFile(String model) throws IOException {
        Counterexample cx = counterexample(model, source(model));
        assertThat(cx).as("%s has a counterexample", model).isNotNull();
        String actual = new TimelineRenderer(WIDTH).render(cx);
        Path golden = DIR.resolve(model + ".timeline");
        if (Boolean.getBoolean("shootdown.updateGolden")) {
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        String expected = Files.readString(golden, StandardCharsets.UTF_8).replace("\r\n", "\n");

        assertThat(actual).isEqualTo(expected);
    }

    @Test
    @DisplayName("every model has its .timeline and every .timeline its model; one TSO and one page-table model at least")
    void goldenFilesComeInPairs() throws IOException {
        List<String> timelines;
        try (Stream<Path> files = Files.list(DIR)) {
            timelines = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".timeline"))
                    .map(n -> n.substring(0, n.length() - ".timeline".length())).sorted().toList();
        }
        assertThat(timelines).isEqualTo(models().toList());
        assertThat(timelines).contains(TSO, TABLE);
    }

    @Test
    @DisplayName("TSO: use_after_free in 14 steps, with drains that make buffered stores visible, and safe under sc")
    void tsoCounterexampleStructure() throws IOException {
        Counterexample cx = counterexample(TSO, source(TSO));

        assertThat(cx.verdict()).isEqualTo(Verdict.USE_AFTER_FREE);
        assertThat(cx.steps()).hasSize(14);
        assertThat(cx.steps()).filteredOn(s -> s.action().equals("<store buffer drains>"))
                .as("drain steps")
                .isNotEmpty()
                .allSatisfy(s -> assertThat(s.note()).contains("becomes visible"))
                .anySatisfy(s -> assertThat(s.note()).isEqualTo("is_lazy[1] = 1 becomes visible"));
        assertThat(cx.steps()).anySatisfy(s -> assertThat(s.note()).isEqualTo("store is_lazy[1] = 0 buffered"));
        Counterexample.Step last = cx.steps().get(cx.steps().size() - 1);
        assertThat(last.violating()).isTrue();
        assertThat(last.cpu()).isEqualTo(1);
        assertThat(last.action()).isEqualTo("read(p)");
        assertThat(last.note()).contains("TLB hit", "stale");
        assertThat(cx.note()).isEqualTo("load reaches frame f, which is free");

        String sc = source(TSO).replace("memory tso", "memory sc");
        assertThat(sc).isNotEqualTo(source(TSO));
        assertThat(counterexample(TSO + " under sc", sc)).as("the race needs store buffers").isNull();
    }

    @Test
    @DisplayName("page-table free: walk_of_freed_table in 6 steps through cpu1's cached PMD of the freed table pt; safe without the cache")
    void tableFreeCounterexampleStructure() throws IOException {
        Counterexample cx = counterexample(TABLE, source(TABLE));

        assertThat(cx.verdict()).isEqualTo(Verdict.WALK_OF_FREED_TABLE);
        assertThat(cx.steps()).hasSize(6);
        assertThat(cx.note()).isEqualTo("cpu1's walk of p reads page table pt, which is free (PMD from its paging-structure cache)");
        assertThat(cx.steps()).anySatisfy(s -> assertThat(s.note()).isEqualTo("frame pt freed"));
        assertThat(cx.steps()).anySatisfy(s -> assertThat(s.note()).startsWith("PMD of table t cleared"));
        Counterexample.Step last = cx.steps().get(cx.steps().size() - 1);
        assertThat(last.violating()).isTrue();
        assertThat(last.cpu()).isEqualTo(1);
        assertThat(last.action()).isEqualTo("read(p)");

        String off = source(TABLE).replace("tlb_capacity 1 }", "tlb_capacity 1; paging_cache off }");
        assertThat(off).isNotEqualTo(source(TABLE));
        assertThat(counterexample(TABLE + " without paging-structure cache", off)).isNull();
    }
}
