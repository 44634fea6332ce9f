package dev.shootdown.check;

import dev.shootdown.lang.Parser;
import dev.shootdown.model.Compiler;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Each catalog entry is a test: the checker's verdict must be the one the entry declares (jcstress-style grading). */
class CatalogTest {
    private static final Path DIR = Path.of("catalog");

    static List<Catalog.Entry> entries() {
        return Catalog.builtIn();
    }

    static Stream<Arguments> named() {
        return entries().stream().map(e -> Arguments.of(e.name(), e));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("named")
    void entryAgreesWithItsExpectedVerdict(String name, Catalog.Entry entry) {
        CatalogGrader.Grade grade = CatalogGrader.grade(entry, CheckOptions.defaults());

        assertThat(grade.agrees()).as(() -> disagreement(grade)).isTrue();
    }

    private static String disagreement(CatalogGrader.Grade g) {
        StringBuilder why = new StringBuilder(g.entry().file())
                .append(": expected ").append(g.expected().word())
                .append(", actual ").append(g.actual().word())
                .append(g.result().complete() ? "" : " (search incomplete: " + g.result().stopReason() + ")")
                .append(", ").append(g.result().stats().states()).append(" states");
        if (!g.result().violations().isEmpty()) {
            // Re-run to rebuild the first counterexample: the grade keeps no trace.
            BfsExplorer explorer = new BfsExplorer(g.program(), CheckOptions.defaults());
            CheckResult again = explorer.run();
            Counterexample cx = explorer.rebuilder().rebuild(again.violations().get(0));
            why.append("; first violation (").append(cx.steps().size()).append(" steps): ").append(cx.note());
        }
        return why.toString();
    }

    @Test
    @DisplayName("catalog/index.txt lists exactly the .sd files of catalog/, each once")
    void indexListsEveryModelFile() throws IOException {
        List<String> listed = Files.readAllLines(DIR.resolve("index.txt"), StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        List<String> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sd")).toList();
        }

        assertThat(listed).as("no entry listed twice").doesNotHaveDuplicates();
        assertThat(listed).as("index.txt vs the .sd files in catalog/").containsExactlyInAnyOrderElementsOf(files);
        assertThat(entries()).extracting(Catalog.Entry::file).containsExactlyElementsOf(listed.stream().map(n -> "catalog/" + n).toList());
    }

    @Test
    @DisplayName("every catalog entry declares its seed, its expected verdict and the paragraph that explains it")
    void entriesDeclareTheirMetadata() {
        for (Catalog.Entry e : entries()) {
            var meta = Compiler.compile(Parser.parse(e.source())).meta();
            assertThat(meta.seed()).as("%s: seed", e.file()).isNotBlank();
            assertThat(meta.expected()).as("%s: expect", e.file()).isNotNull();
            assertThat(meta.explanation()).as("%s: explain", e.file()).isNotBlank();
        }
    }
}
