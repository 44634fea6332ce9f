package dev.shootdown.check;

import dev.shootdown.lang.SourceFile;
import dev.shootdown.model.Machine;
import dev.shootdown.model.Program;
import dev.shootdown.model.Verdict;
import dev.shootdown.report.CheckReport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class BfsExplorerTest {

    @ParameterizedTest(name = "count to {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    @DisplayName("the counterexample is a shortest one: k + 1 steps, and no sequence of k steps violates")
    void counterexampleIsShortest(int k) {
        Program program = Models.compile(Models.countTo(k));
        BfsExplorer explorer = new BfsExplorer(program, CheckOptions.defaults());

        CheckResult result = explorer.run();

        assertThat(result.verdict()).isEqualTo(Verdict.ASSERTION);
        Violation v = result.violations().get(0);
        assertThat(v.depth()).isEqualTo(k + 1);
        Counterexample cx = explorer.rebuilder().rebuild(v);
        assertThat(cx.steps()).hasSize(k + 1);
        assertThat(cx.steps().subList(0, k)).allSatisfy(s -> assertThat(s.cpu()).isZero());
        assertThat(cx.steps().get(k).cpu()).isEqualTo(1);
        assertThat(Models.violationWithin(program, k)).as("no violation in %d steps", k).isFalse();
        assertThat(Models.violationWithin(program, k + 1)).as("the bounded search agrees on k + 1").isTrue();
    }

    @Test
    @DisplayName("seed 000 without waiting: the use-after-free needs 6 steps (fill, clear, IPI, flush, free, load) and BFS finds 6")
    void seed000ShortestUseAfterFree() {
        Program program = Models.compile(Models.SEED_000_NO_WAIT);
        CheckResult result = new BfsExplorer(program, CheckOptions.defaults()).run();

        assertThat(result.verdict()).isEqualTo(Verdict.USE_AFTER_FREE);
        assertThat(result.violation(Verdict.USE_AFTER_FREE).depth()).isEqualTo(6);
        assertThat(Models.violationWithin(program, 5)).isFalse();
        assertThat(result.complete()).isTrue();
    }

    @Test
    @DisplayName("two initiators waiting with interrupts off deadlock after 4 steps (each disables and sends)")
    void deadlockIsFoundAtItsDepth() {
        Program program = Models.compile(Models.TWO_INITIATORS);
        CheckResult result = new BfsExplorer(program, CheckOptions.defaults()).run();

        assertThat(result.verdict()).isEqualTo(Verdict.DEADLOCK);
        assertThat(result.violations().get(0).depth()).isEqualTo(4);
        assertThat(Models.violationWithin(program, 3)).isFalse();
    }

    @Test
    @DisplayName("acking with interrupts on and waiting for acks before free is safe, and the search is complete")
    void safeModelIsComplete() {
        Program program = Models.compile(Models.SEED_000_WAIT);
        CheckResult result = new BfsExplorer(program, CheckOptions.defaults()).run();

        assertThat(result.violations()).isEmpty();
        assertThat(result.complete()).isTrue();
        assertThat(result.stopReason()).isNull();
        assertThat(result.stats().queued()).isZero();
    }

    @ParameterizedTest(name = "limit {0}")
    @ValueSource(ints = {2, 3, 5, 20})
    @DisplayName("--max-states stops the search at the limit with complete=false and a partial verdict")
    void maxStatesStopsSearch(int limit) {
        Program program = Models.compile(Models.countTo(6));
        long all = new BfsExplorer(program, CheckOptions.defaults()).run().stats().states();
        assertThat(all).as("the full search needs more states than the limit").isGreaterThan(limit);

        CheckResult result = new BfsExplorer(program, CheckOptions.defaults().withMaxStates(limit)).run();

        assertThat(result.complete()).isFalse();
        assertThat(result.stopReason()).isEqualTo("state limit (" + limit + ")");
        assertThat(result.stats().states()).isEqualTo(limit);
        assertThat(result.violations()).as("the violation is 7 steps deep, beyond a %d-state search", limit).isEmpty();
        assertThat(CheckReport.headline(result)).contains("search incomplete").doesNotContain("safe");
    }

    /** The number of distinct states at each BFS depth, by a plain search over whole states (no fingerprints, no queue of blocks). */
    private static List<Integer> levelSizes(Program program) {
        Machine m = new Machine(program);
        Set<List<Integer>> seen = new HashSet<>();
        List<int[]> level = List.of(m.initialState());
        seen.add(boxed(level.get(0)));
        List<Integer> sizes = new ArrayList<>();
        int[] actions = new int[m.maxActions()];
        while (!level.isEmpty()) {
            sizes.add(level.size());
            List<int[]> next = new ArrayList<>();
            for (int[] s : level) {
                int n = m.enabled(s, actions);
                for (int i = 0; i < n; i++) {
                    int[] t = s.clone();
                    assertThat(m.apply(t, actions[i], null)).as("the model has no violation").isNegative();
                    if (seen.add(boxed(t))) {
                        next.add(t);
                    }
                }
            }
            level = next;
        }
        return sizes;
    }

    private static List<Integer> boxed(int[] state) {
        return Arrays.stream(state).boxed().toList();
    }

    @Test
    @DisplayName("the deepest level finished: every level when the search is complete, the levels above the state it stopped in otherwise")
    void deepestLevelFinished() {
        Program program = Models.compile(Models.SEED_000_WAIT);
        List<Integer> sizes = levelSizes(program);
        CheckResult all = new BfsExplorer(program, CheckOptions.defaults()).run();
        assertThat(all.complete()).isTrue();
        assertThat(all.stats().states()).isEqualTo(sizes.stream().mapToLong(Integer::longValue).sum());
        assertThat(all.stats().finishedLevel()).isEqualTo(all.stats().depth()).isEqualTo(sizes.size() - 1);

        long upTo = 0;
        for (int k = 0; k + 1 < sizes.size(); k++) {
            upTo += sizes.get(k);
            // The first state of level k + 1 is found while a state of level k is expanded: level k - 1 is the last finished.
            CheckResult cut = new BfsExplorer(program, CheckOptions.defaults().withMaxStates(upTo + 1)).run();
            assertThat(cut.complete()).isFalse();
            assertThat(cut.stats().finishedLevel()).as("stopped at the first state of level %d", k + 1).isEqualTo(k - 1);
            assertThat(CheckReport.stats(cut.stats())).contains("(deepest level finished: " + (k - 1) + ")");
        }
        assertThat(CheckReport.stats(all.stats())).doesNotContain("finished");
    }

    @Test
    @DisplayName("collision probability: TLC's optimistic estimate, distinct x (generated - distinct) / 2^64")
    void collisionProbability() {
        assertThat(Fingerprint.collisionProbability(1L << 32, (1L << 32) + (1L << 20))).isEqualTo(0x1p-12);
        assertThat(Fingerprint.collisionProbability(1000, 999)).as("a tree: nothing found twice").isZero();
        CheckResult r = new BfsExplorer(Models.compile(Models.SEED_000_WAIT), CheckOptions.defaults()).run();
        double p = r.stats().collisionProbability();
        assertThat(p).isEqualTo(r.stats().states() * (double) (r.stats().transitions() + 1 - r.stats().states()) / 0x1p64).isPositive();
        assertThat(CheckReport.text("m.sd", r, null, 40)).contains(String.format(java.util.Locale.ROOT, "fingerprint collision probability %.1e", p));
        assertThat(CheckReport.json("m.sd", r, null).get("collision_probability")).isEqualTo(p);
    }

    @Test
    @DisplayName("a catalog entry expecting safe does not agree when the search was cut short")
    void incompleteSafeDoesNotAgree() {
        String src = Models.countTo(6).replace("invariant y != 6", "invariant y != 7") + "seed \"000\"\nexpect safe\nexplain \"counts to six\"\n";
        Catalog.Entry entry = new Catalog.Entry("count", "count.sd", new SourceFile("count.sd", src));

        CatalogGrader.Grade full = CatalogGrader.grade(entry, CheckOptions.defaults());
        CatalogGrader.Grade cut = CatalogGrader.grade(entry, CheckOptions.defaults().withMaxStates(10));

        assertThat(full.actual()).isEqualTo(Verdict.SAFE);
        assertThat(full.agrees()).isTrue();
        assertThat(cut.actual()).isEqualTo(Verdict.SAFE);
        assertThat(cut.result().complete()).isFalse();
        assertThat(cut.agrees()).isFalse();
    }

    @Test
    @DisplayName("a violation found before the state limit is still reported by an incomplete search")
    void violationBeforeLimitIsReported() {
        Program program = Models.compile("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                shared x = 0, y = 0
                invariant x != 1
                cpu 0 runs A: { x = 1 }
                cpu 1 runs A: { y = 1; y = 2; y = 3; y = 4; y = 5 }
                """);
        CheckResult result = new BfsExplorer(program, CheckOptions.defaults().withMaxStates(3)).run();

        assertThat(result.complete()).isFalse();
        assertThat(result.verdict()).isEqualTo(Verdict.ASSERTION);
        assertThat(result.violations().get(0).depth()).isEqualTo(1);
    }

    /* BUG: BfsExplorer tests the limit only after adding a successor, and the initial state is already one: --max-states 1 gives 2 states. */
    @Test
    @DisplayName("--max-states 1 keeps only the initial state")
    void maxStatesOne() {
        CheckResult result = new BfsExplorer(Models.compile(Models.countTo(3)), CheckOptions.defaults().withMaxStates(1)).run();
        assertThat(result.stats().states()).isEqualTo(1);
    }

    /*
     * BUG: BfsExplorer checks invariants only on successors (after apply), never on the initial
     * state, so an invariant false at the start is reported safe unless a successor breaks it too.
     */
    @Test
    @DisplayName("an invariant false in the initial state is a violation at depth 0")
    void invariantBrokenInInitialState() {
        Program program = Models.compile("""
                hardware x86 { cpus 1 }
                mm A { page p -> frame f writable }
                shared x = 1
                invariant x == 0
                cpu 0 runs A: { x = 0 }
                """);
        CheckResult result = new BfsExplorer(program, CheckOptions.defaults()).run();

        assertThat(result.verdict()).isEqualTo(Verdict.ASSERTION);
        assertThat(result.violations().get(0).depth()).isZero();
    }

    @Test
    @DisplayName("two runs give identical statistics, violations and counterexamples")
    void searchIsDeterministic() {
        for (String src : new String[] {Models.countTo(4), Models.TWO_INITIATORS}) {
            Program program = Models.compile(src);
            BfsExplorer a = new BfsExplorer(program, CheckOptions.defaults());
            BfsExplorer b = new BfsExplorer(Models.compile(src), CheckOptions.defaults());
            CheckResult ra = a.run();
            CheckResult rb = b.run();

            assertThat(withoutTime(rb.stats())).isEqualTo(withoutTime(ra.stats()));
            assertThat(rb.violations()).isEqualTo(ra.violations());
            assertThat(rb.complete()).isEqualTo(ra.complete());
            assertThat(b.rebuilder().rebuild(rb.violations().get(0))).isEqualTo(a.rebuilder().rebuild(ra.violations().get(0)));
        }
    }

    private static Stats withoutTime(Stats s) {
        return new Stats(s.states(), s.transitions(), s.depth(), s.queued(), 0, s.finishedLevel(), s.spilled());
    }
}
