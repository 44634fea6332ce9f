package dev.shootdown.report;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The diagram uses a small subset of Mermaid's sequenceDiagram grammar; every line must be one of
 * those statements, label text must avoid what the Mermaid lexer stops at (';', '#' outside entity
 * codes, newlines) or its HTML labels would eat ('&lt;', '&gt;' other than {@code <br/>}), and every
 * participant is declared before use. (The same diagrams were rendered once by mermaid 11 in Chromium
 * while this was written; that check needs npm and is not part of the build.)
 */
class MermaidCounterexampleTest {
    private static final String ID = "(cpu\\d+|Memory)";
    /** Label text: plain characters, entity codes such as #59; and line breaks. */
    private static final String TEXT = "(?:[^#;%<>&\"\\n]|#\\w+;|<br/>)+";
    private static final Pattern PARTICIPANT = Pattern.compile("    participant " + ID);
    private static final Pattern NOTE = Pattern.compile("    Note over " + ID + "(?:," + ID + ")?: " + TEXT);
    private static final Pattern MESSAGE = Pattern.compile("    " + ID + "(->>|-\\)|--\\))" + ID + ": " + TEXT);
    private static final Pattern TITLE = Pattern.compile("    title " + "(?:[^#;%<>&\"\\n]|#\\w+;)+");
    private static final Pattern RECT = Pattern.compile("    rect rgb\\(\\d{1,3}, \\d{1,3}, \\d{1,3}\\)");

    static Stream<String> catalog() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("catalog"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sd")).map(n -> n.substring(0, n.length() - 3)).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("catalog")
    void everyCatalogDiagramIsInTheGrammarSubset(String entry) {
        assertWellFormed(CheckedModel.catalog(entry).mermaid());
    }

    @ParameterizedTest
    @MethodSource("catalog")
    void everyFoldedCatalogDiagramIsInTheGrammarSubsetAndKeepsEveryArrow(String entry) {
        CheckedModel m = CheckedModel.catalog(entry);
        String folded = MermaidCounterexample.diagram(m.result(), m.cx(), true);
        assertWellFormed(folded);
        // Folding joins notes, never drops an IPI, an ack or a change to memory.
        List<String> plain = m.mermaid().lines().filter(l -> l.matches("    \\w+(-\\)|--\\))\\w+: .*")).toList();
        assertThat(folded.lines().filter(l -> l.matches("    \\w+(-\\)|--\\))\\w+: .*")).toList()).containsExactlyInAnyOrderElementsOf(plain);
        assertThat(folded.lines().count()).isLessThanOrEqualTo(m.mermaid().lines().count());
    }

    @Test
    void aFoldedHandlerRunIsOneNoteNamingItsSteps() throws IOException {
        // Seed 001's DragonFly counterexample, whose cpusync handler runs several statements.
        CheckedModel m = CheckedModel.catalog("001-dragonfly-block-between-add-flush");
        Folds.Fold first = Folds.of(m.cx()).values().stream().filter(f -> m.cx().steps().get(f.first() - 1).action().startsWith("<IPI"))
                .filter(f -> f.steps().stream().noneMatch(k -> m.cx().steps().get(k - 1).violating())).findFirst().orElseThrow();
        String folded = MermaidCounterexample.diagram(m.result(), m.cx(), true);

        assertThat(folded).contains(": " + MermaidCounterexample.escape(first.numbers() + ". " + first.action()).substring(0, 20));
        // The statements inside the fold no longer have notes of their own.
        for (int k : first.steps().subList(1, first.steps().size())) {
            assertThat(folded).doesNotContain(": " + k + ". ");
        }
        assertThat(m.mermaid()).contains(": " + first.steps().get(1) + ". ");
    }

    @Test
    void tsoDiagramIsInTheGrammarSubset() {
        assertWellFormed(CheckedModel.text("lazy-tso.sd", CheckedModel.LAZY_TSO).mermaid());
    }

    @Test
    void ipisAreArrowsFromSenderToTargetAndTheViolationIsARedRect() {
        List<String> lines = CheckedModel.catalog("000-pte-first-no-wait").mermaid().lines().toList();
        assertThat(lines).containsSubsequence(
                "    participant cpu0", "    participant cpu1", "    participant Memory",
                "    cpu1->>Memory: 1. read(p) [line\u00a027]<br/>load p: TLB miss, walk fills f RW A -#gt; frame f<br/>PTE p: f RW -#gt; f RW A",
                "    cpu0->>Memory: 2. old = ptep_get_and_clear(va) [line\u00a020]<br/>PTE p cleared atomically, was f RW A<br/>PTE p: f RW A -#gt; none",
                "    cpu0-)cpu1: IPI flush_one",
                "    cpu0->>Memory: 5. free_frame(old.pfn) [line\u00a023]<br/>frame f freed<br/>frame f: A -#gt; free",
                "    rect " + MermaidCounterexample.VIOLATION_RGB);
        assertThat(lines.get(lines.size() - 2)).startsWith("    Note over cpu1: 6. read(p)").contains("VIOLATION use_after_free: load reaches frame");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("    end");
    }

    @Test
    void acksGoBackToTheSenderAtOnceUnderScAndWhenTheStoreDrainsUnderTso() {
        List<String> sc = CheckedModel.catalog("000-rendezvous-two-initiators").mermaid().lines().toList();
        assertThat(sc).contains("    cpu2--)cpu0: ack").doesNotContain("    participant Memory");
        assertThat(sc.get(sc.size() - 2)).startsWith("    Note over cpu0,cpu2: deadlock<br/>cpu0 at 'wait until acked(targets)'");

        String tso = """
                hardware x86 { cpus 2; memory tso }
                mm A {
                  page p -> frame f writable
                  page q -> frame g writable
                }
                irq flush_one(from) { flush_tlb_page(p); ack(from) }
                // The shootdown of p is right; freeing g under a live mapping of q is the bug, reached only after the ack.
                cpu 0 runs A: { old = ptep_get_and_clear(p); send_ipi({1}, flush_one); wait until acked({1}); free_frame(old.pfn); free_frame(g) }
                cpu 1 runs A: loop { read(q) }
                check no_use_after_free, no_deadlock
                """;
        String diagram = CheckedModel.text("ack-tso.sd", tso).mermaid();
        assertWellFormed(diagram);
        assertThat(diagram).contains("    cpu0-)cpu1: IPI flush_one", "store ack to cpu0 buffered", "    cpu1--)cpu0: ack (store buffer drains)");
    }

    @Test
    void aSafeModelIsANoteSayingWhichPropertiesHold() {
        String d = CheckedModel.catalog("000-pte-first-wait").mermaid();
        assertWellFormed(d);
        assertThat(d).containsPattern("    Note over cpu0,cpu2: safe \\(all \\d+ reachable states explored\\)<br/>no_use_after_free: holds<br/>no_deadlock: holds<br/>assertions: holds");
    }

    @Test
    void textEscapesWhatMermaidStopsAt() {
        assertThat(MermaidCounterexample.escape("a;b#c<d>&e%f\"g")).isEqualTo("a#59;b#35;c#lt;d#gt;#amp;e#37;f#quot;g");
        assertThat(MermaidCounterexample.text("one\ntwo")).isEqualTo("one<br/>two");
        assertThat(MermaidCounterexample.text("")).isEqualTo("-");
        assertThat(MermaidCounterexample.text("x".repeat(60) + " y")).matches(TEXT).contains("<br/>");
    }

    /** Every line is a statement of the subset, participants come first and are declared once, rect/end balance. */
    static void assertWellFormed(String diagram) {
        List<String> lines = diagram.lines().toList();
        assertThat(lines.get(0)).isEqualTo("sequenceDiagram");
        assertThat(diagram).endsWith("\n");
        Set<String> declared = new HashSet<>();
        List<String> used = new ArrayList<>();
        int depth = 0;
        boolean body = false;
        for (String line : lines.subList(1, lines.size())) {
            Matcher m;
            if ((m = PARTICIPANT.matcher(line)).matches()) {
                assertThat(body).as("participant after the first message: %s", line).isFalse();
                assertThat(declared.add(m.group(1))).as("declared twice: %s", line).isTrue();
                continue;
            }
            if (TITLE.matcher(line).matches()) {
                assertThat(declared).as("title comes first").isEmpty();
                continue;
            }
            body = true;
            if ((m = NOTE.matcher(line)).matches()) {
                used.add(m.group(1));
                if (m.group(2) != null) {
                    used.add(m.group(2));
                }
            } else if ((m = MESSAGE.matcher(line)).matches()) {
                used.add(m.group(1));
                used.add(m.group(3));
            } else if (RECT.matcher(line).matches()) {
                depth++;
            } else if (line.equals("    end")) {
                depth--;
                assertThat(depth).as("end without rect").isGreaterThanOrEqualTo(0);
            } else {
                throw new AssertionError("not in the Mermaid subset: " + line);
            }
        }
        assertThat(depth).as("unclosed rect").isZero();
        assertThat(declared).containsAll(used);
    }
}
