package dev.shootdown;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.check.ResumedSearch;
import dev.shootdown.model.Program;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A search stopped, checkpointed and carried on against the search without a break, on every catalog entry, docs model
 * and seeded random model: the same verdicts, statistics, violations and counterexamples. Stopped between two states
 * (as Ctrl-C and the memory guard stop it) at the first state, a third of the way and at the last state, carried on each
 * time; and stopped by a state limit among a state's successors, then carried on without it.
 */
class ResumeTest {
    private static final long CAP = 40_000;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.shootdown.OracleModels#catalogAndDocs")
    @DisplayName("catalog and docs: a search carried on from its checkpoints ends as one without a break")
    void catalogAndDocs(String name, String source) throws IOException {
        Program program = OracleModels.compileOrNull(source);
        if (program != null) {
            same(name, program, CheckOptions.defaults().withMaxStates(CAP), true);
            same(name, program, CheckOptions.defaults().withMaxStates(CAP).withReductions(false), false);
        }
    }

    @Test
    @DisplayName("40 seeded random models: a search carried on from its checkpoints ends as one without a break")
    void randomModels() throws IOException {
        SplittableRandom random = new SplittableRandom(0x7e5);
        int compared = 0;
        for (int i = 0; i < 40; i++) {
            String source = SymmetryTest.randomModel(random);
            Program program = OracleModels.compileOrNull(source);
            if (program != null) {
                same("random model " + i + ":\n" + source, program, CheckOptions.defaults().withMaxStates(CAP).withReductions(i % 2 == 0), i % 4 == 0);
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(30);
    }

    /** {@code limit}: also stop the search by a state limit among a state's successors. */
    private void same(String name, Program program, CheckOptions options, boolean limit) throws IOException {
        BfsExplorer whole = new BfsExplorer(program, options);
        CheckResult x = whole.run();
        long n = x.stats().states();
        ResumedSearch.Run stopped = ResumedSearch.stoppedAt(program, options, Files.createTempDirectory(dir, "s"), 1, Math.max(2, n / 3), Math.max(3, n - 1));
        ResumedSearch.assertSame(name, whole, x, stopped.explorer(), stopped.result());
        if (limit) {
            ResumedSearch.Run limited = ResumedSearch.limitedTo(program, options, Files.createTempDirectory(dir, "l"), Math.max(2, n / 2));
            if (limited.explorer() != null) {
                ResumedSearch.assertSame(name, whole, x, limited.explorer(), limited.result());
            }
        }
    }
}
