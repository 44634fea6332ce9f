package dev.shootdown.check;

import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import dev.shootdown.lang.Sources;
import dev.shootdown.model.Compiler;
import dev.shootdown.model.Program;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A frontier that goes to disk changes nothing a search reports: every catalog entry and shipped
 * protocol, searched with a frontier of blocks with room for one packed state at its longest (a few
 * states as they are) and two blocks in memory (so nearly every state is written to disk and read
 * back), gives the verdicts, statistics, violations and counterexamples of the search that keeps its
 * frontier in memory.
 */
class SpilledSearchTest {
    /** Records spilled over all the models: the comparison means nothing if nothing went to disk. */
    private static final AtomicLong SPILLED = new AtomicLong();

    @TempDir
    static Path spillDir;

    static Stream<Arguments> models() {
        Stream<Arguments> catalog = Catalog.builtIn().stream().map(e -> Arguments.of(e.name(), compile(e.source())));
        Stream<Arguments> protocols = Stream.of("dfly-cpusync", "invlpgb", "linux-ipi")
                .map(n -> Arguments.of(n, compile(Sources.read(Path.of("protocols", n + ".sd")))));
        return Stream.concat(catalog, protocols);
    }

    static Program compile(SourceFile source) {
        return Compiler.compile(Parser.parse(source));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void aSpilledFrontierGivesTheSameSearch(String name, Program program) throws IOException {
        CheckOptions options = CheckOptions.defaults().withSpillDir(spillDir);
        BfsExplorer inMemory = new BfsExplorer(program, options);
        BfsExplorer onDisk = new BfsExplorer(program, options, 1, 2);
        CheckResult a = inMemory.run();
        CheckResult b = onDisk.run();

        assertThat(b.verdict()).isEqualTo(a.verdict());
        assertThat(b.complete()).isEqualTo(a.complete());
        assertThat(b.stopReason()).isEqualTo(a.stopReason());
        assertThat(withoutTimeOrSpill(b.stats())).isEqualTo(withoutTimeOrSpill(a.stats()));
        assertThat(b.violations()).isEqualTo(a.violations());
        for (Violation v : a.violations()) {
            assertThat(onDisk.rebuilder().rebuild(v)).isEqualTo(inMemory.rebuilder().rebuild(v));
        }
        assertThat(a.stats().spilled()).isZero();
        // A block holds a few packed states (000-pte-first-no-wait: 22 states, 3 a block, a frontier that never passes two blocks).
        if (a.stats().states() > 50) {
            assertThat(b.stats().spilled()).as("states written to disk").isPositive();
        }
        SPILLED.addAndGet(b.stats().spilled());
        try (Stream<Path> left = Files.list(spillDir)) {
            assertThat(left).as("spill files left behind").isEmpty();
        }
    }

    @Test
    @DisplayName("a search stopped by its state limit stops at the same state, spilled or not")
    void aStoppedSearchStopsAtTheSameState() throws IOException {
        Program program = compile(Sources.read(Path.of("bench/five-cpus.sd")));
        CheckOptions options = CheckOptions.defaults().withSpillDir(spillDir).withMaxStates(30_000);
        CheckResult a = new BfsExplorer(program, options).run();
        CheckResult b = new BfsExplorer(program, options, 3, 2).run();

        assertThat(a.complete()).isFalse();
        assertThat(withoutTimeOrSpill(b.stats())).isEqualTo(withoutTimeOrSpill(a.stats()));
        assertThat(b.stats().spilled()).isGreaterThan(10_000);
    }

    @AfterAll
    static void somethingWentToDisk() {
        assertThat(SPILLED.get()).isGreaterThan(1000);
    }

    private static Stats withoutTimeOrSpill(Stats s) {
        return new Stats(s.states(), s.transitions(), s.depth(), s.queued(), 0, s.finishedLevel(), 0);
    }
}
