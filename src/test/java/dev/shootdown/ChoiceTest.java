package dev.shootdown;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.check.Counterexample;
import dev.shootdown.lang.CompileError;
import dev.shootdown.model.Event;
import dev.shootdown.model.Program;
import dev.shootdown.model.Verdict;
import dev.shootdown.sim.Engine;
import dev.shootdown.sim.Profiles;
import dev.shootdown.sim.SimOptions;
import dev.shootdown.sim.SimResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Nondeterministic choice: {@code either ... or}, and {@code choose x in S} over CPUs and over lists. */
class ChoiceTest {
    private static final String HEAD = "hardware x86 { cpus 3 }\nmm A { page p -> frame f writable; page q -> frame g writable }\n";

    private static CheckResult check(String source) {
        return new BfsExplorer(OracleModels.compile(source), CheckOptions.defaults()).run();
    }

    private static Counterexample counterexample(String source) {
        BfsExplorer explorer = new BfsExplorer(OracleModels.compile(source), CheckOptions.defaults());
        CheckResult r = explorer.run();
        assertThat(r.violations()).isNotEmpty();
        return explorer.rebuilder().rebuild(r.violations().get(0));
    }

    private static String notes(Counterexample cx) {
        return cx.steps().stream().map(s -> s.action() + ": " + s.note()).collect(Collectors.joining("\n"));
    }

    @Test
    @DisplayName("either: every branch is explored, and the counterexample says which one was taken")
    void eitherExploresEveryBranch() {
        String model = HEAD + "shared x = 0\ncpu 0 runs A: { either { x = 1 } or { x = 2 } or { x = 3 }; assert x != 2, \"two\" }\n";
        Counterexample cx = counterexample(model);
        assertThat(cx.verdict()).isEqualTo(Verdict.ASSERTION);
        assertThat(notes(cx)).contains("branch 2 of 3");
        String none = HEAD + "shared x = 0\ncpu 0 runs A: { either { x = 1 } or { x = 3 }; assert x != 2, \"two\" }\n";
        assertThat(check(none).verdict()).isEqualTo(Verdict.SAFE);
    }

    @Test
    @DisplayName("choose over a list of pages: the variable is a page, and each page is explored")
    void chooseAPage() {
        // Unmapping either page without a shootdown: the race exists only for the page CPU 1 reads.
        String model = HEAD + "cpu 0 runs A: { choose v in {p, q}; old = ptep_get_and_clear(v); flush_tlb_page(v); free_frame(old.pfn) }\n"
                + "cpu 1 runs A: loop { read(q) }\ncheck no_use_after_free\n";
        Counterexample cx = counterexample(model);
        assertThat(cx.verdict()).isEqualTo(Verdict.USE_AFTER_FREE);
        assertThat(notes(cx)).contains("branch 2 of 2");
        String onlyP = model.replace("{p, q}", "{p, p}");
        assertThat(check(onlyP).verdict()).isEqualTo(Verdict.SAFE);
    }

    @Test
    @DisplayName("choose over a set of CPUs: each member is explored; an empty set is an error of the model")
    void chooseACpu() {
        String model = HEAD + "shared victim: cpu = 0\ncpu 0 runs A: { choose t in all_cpus - self; victim = t }\n"
                + "cpu 1.. runs A: { wait until victim == self }\ncheck no_deadlock\n";
        Counterexample cx = counterexample(model);
        // Whichever CPU is chosen, the other waits for ever.
        assertThat(cx.verdict()).isEqualTo(Verdict.DEADLOCK);
        assertThat(notes(cx)).containsPattern("chose cpu[12] of \\{cpu1,cpu2\\}");
        CheckResult everyOne = check(HEAD + "shared victim: cpu = 0\ncpu 0 runs A: { choose t in all_cpus - self; victim = t }\n"
                + "invariant victim != 2\n");
        assertThat(everyOne.verdict()).isEqualTo(Verdict.ASSERTION);

        Counterexample empty = counterexample(HEAD + "cpu 0 runs A: { choose t in {c in all_cpus : false}; ack(t) }\n");
        assertThat(empty.verdict()).isEqualTo(Verdict.ASSERTION);
        assertThat(empty.note()).contains("choose from an empty set");
    }

    @Test
    @DisplayName("choices under symmetry: the same verdicts and depths as the plain search")
    void symmetric() {
        String model = HEAD.replace("cpus 3", "cpus 4") + "shared owner: cpu = 0, n = 0\n"
                + "cpu 0 runs A: { choose t in all_cpus - self; owner = t }\n"
                + "cpu 1.. runs A: { either { wait until owner == self; n = n + 1 } or { read(p) } }\ninvariant n < 2\n";
        Program program = OracleModels.compile(model);
        CheckResult reduced = new BfsExplorer(program, CheckOptions.defaults()).run();
        CheckResult plain = new BfsExplorer(program, CheckOptions.defaults().withReductions(false)).run();
        assertThat(reduced.symmetry()).isNotEmpty();
        assertThat(reduced.verdict()).isEqualTo(plain.verdict());
        assertThat(reduced.stats().states()).isLessThan(plain.stats().states());
    }

    @Test
    @DisplayName("the simulator takes each branch of a choice, drawn from its seed")
    void simulatorTakesEveryBranch() {
        Program program = OracleModels.compile("hardware x86 { cpus 2 }\nmm A { page p -> frame f writable }\n"
                + "cpu 0 runs A: loop { either { flush_tlb_all() } or { flush_tlb_page(p) }; compute(100) }\ncpu 1 runs A: compute(10)\n");
        Engine engine = new Engine(program, Profiles.byName("skylake"), SimOptions.of(1e-4, 7));
        SimResult r = engine.result(engine.run(), "t", "none", "", 1);
        assertThat(r.count(Event.FLUSH_ALL)).isPositive();
        assertThat(r.count(Event.INVLPG)).isPositive();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "cpu 0 runs A: { either { read(p) } }|m.sd:3:36: expected 'or { ... }'",
            "cpu 0 runs A: atomic { either { read(p) } or { read(q) } }|m.sd:3:24: 'either' is not allowed inside 'atomic'",
            "cpu 0 runs A: { choose v in {p, 1} }|m.sd:3:33: expected a page like the first of the list, found an int",
            "cpu 0 runs A: { choose v in 3 }|m.sd:3:29: expected a cpuset for a choice's domain",
            "cpu 0 runs A: { x = true; choose x in all_cpus }|m.sd:3:27: 'x' is a bool, not a CPU"})
    @DisplayName("choices written wrong are errors at their position")
    void errors(String program, String message) {
        assertThatThrownBy(() -> OracleModels.compile(HEAD + program + "\n")).isInstanceOf(CompileError.class)
                .satisfies(e -> assertThat(((CompileError) e).position() + ": " + e.getMessage()).contains(message));
    }

    @Test
    @DisplayName("a variable named either or choose still works")
    void wordsStayNames() {
        assertThat(check(HEAD + "cpu 0 runs A: { either = 1; choose = either + 1; assert choose == 2 }\n").verdict()).isEqualTo(Verdict.SAFE);
    }
}
