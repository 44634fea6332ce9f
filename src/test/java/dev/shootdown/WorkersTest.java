package dev.shootdown;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.check.Counterexample;
import dev.shootdown.model.Program;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The search with several threads expanding states ahead against the search on one: the same
 * verdicts, statistics, violations (down to the state and action they were found at) and
 * counterexamples, with and without reductions, on every catalog entry, docs model and seeded
 * random model. Four threads on a machine of two make the workers' timing vary from run to run.
 */
class WorkersTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.shootdown.OracleModels#catalogAndDocs")
    @DisplayName("catalog and docs: one thread and four give the same search")
    void catalogAndDocs(String name, String source) {
        Program program = OracleModels.compileOrNull(source);
        if (program != null) {
            same(name, program, true);
            same(name, program, false);
        }
    }

    @Test
    @DisplayName("100 seeded random models: one thread and four give the same search")
    void randomModels() {
        SplittableRandom random = new SplittableRandom(0x3057);
        int compared = 0;
        for (int i = 0; i < 100; i++) {
            String source = SymmetryTest.randomModel(random);
            Program program = OracleModels.compileOrNull(source);
            if (program != null) {
                same("random model " + i + ":\n" + source, program, i % 2 == 0);
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(80);
    }

    @Test
    @DisplayName("a search stopped by a state limit stops at the same state with any number of threads")
    void stateLimit() {
        Program program = OracleModels.compile(SymmetryTest.randomModel(new SplittableRandom(7)));
        CheckOptions limited = CheckOptions.defaults().withMaxStates(50);
        CheckResult one = new BfsExplorer(program, limited.withWorkers(1)).run();
        CheckResult four = new BfsExplorer(program, limited.withWorkers(4)).run();
        assertThat(four.stats().states()).isEqualTo(one.stats().states());
        assertThat(four.stats().transitions()).isEqualTo(one.stats().transitions());
        assertThat(four.stats().queued()).isEqualTo(one.stats().queued());
        assertThat(four.stopReason()).isEqualTo(one.stopReason());
    }

    private static void same(String name, Program program, boolean reductions) {
        CheckOptions options = CheckOptions.defaults().withMaxStates(40_000).withReductions(reductions);
        BfsExplorer a = new BfsExplorer(program, options.withWorkers(1));
        CheckResult one = a.run();
        BfsExplorer b = new BfsExplorer(program, options.withWorkers(4));
        CheckResult four = b.run();
        assertThat(four.stats().states()).as(name).isEqualTo(one.stats().states());
        assertThat(four.stats().transitions()).as(name).isEqualTo(one.stats().transitions());
        assertThat(four.stats().depth()).as(name).isEqualTo(one.stats().depth());
        assertThat(four.stats().finishedLevel()).as(name).isEqualTo(one.stats().finishedLevel());
        assertThat(four.stats().queued()).as(name).isEqualTo(one.stats().queued());
        assertThat(four.complete()).as(name).isEqualTo(one.complete());
        assertThat(four.violations()).as(name).isEqualTo(one.violations());
        if (!one.violations().isEmpty()) {
            Counterexample x = a.rebuilder().rebuild(one.violations().get(0));
            Counterexample y = b.rebuilder().rebuild(four.violations().get(0));
            assertThat(y.steps()).as(name).extracting(Counterexample.Step::cpu, Counterexample.Step::action, Counterexample.Step::note)
                    .isEqualTo(x.steps().stream().map(s -> org.assertj.core.groups.Tuple.tuple(s.cpu(), s.action(), s.note())).toList());
            assertThat(y.note()).as(name).isEqualTo(x.note());
        }
    }

}
