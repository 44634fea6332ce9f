package dev.shootdown.report;

import dev.shootdown.check.Counterexample;
import dev.shootdown.check.Slice;
import dev.shootdown.model.Footprint;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The text timeline on request: the state each step read and changed, folds, only the steps that matter. */
class TimelineOptionsTest {
    private static final CheckedModel LAZY = CheckedModel.catalog("003-lazy-2016-cpumask-clear");
    private static final CheckedModel MACH = CheckedModel.catalog("001-mach-paper-order");

    private static String render(CheckedModel m, boolean state, boolean fold, boolean relevant) {
        return new TimelineRenderer(new TimelineRenderer.Options(40, state, state, fold, relevant, 0)).render(m.cx());
    }

    @Test
    @DisplayName("without options the timeline is the plain one")
    void plainByDefault() {
        assertThat(render(LAZY, false, false, false)).isEqualTo(new TimelineRenderer(40).render(LAZY.cx()));
    }

    @Test
    @DisplayName("--show-state: the speculative walk that looks like a no-op says it cached the PMD; a statement says what it read")
    void state() {
        String text = render(LAZY, true, false, false).replaceAll("\\s+\\|\\s+", " ").replaceAll("\\s+", " ");
        assertThat(text).contains("now cpu1.pwc.t0 = pt0 RW", "read mm_cpumask.A = {cpu0}", "now cpu0.locals.targets = {}", "now mm_cpumask.A = {cpu0}");
    }

    @Test
    @DisplayName("--fold: a handler's run is one row naming its steps; the steps inside start no row")
    void fold() {
        Counterexample cx = MACH.cx();
        String text = render(MACH, false, true, false);
        List<Integer> rows = MailGoldenTest.shownSteps(text);
        Counterexample.Step take = cx.steps().stream().filter(s -> s.footprint().role() == Footprint.Role.ENTERS_HANDLER).findFirst().orElseThrow();
        assertThat(rows).contains(take.number());
        List<Counterexample.Step> body = cx.steps().stream()
                .filter(s -> s.cpu() == take.cpu() && s.number() > take.number() && s.footprint().role() == Footprint.Role.HANDLER).toList();
        assertThat(body).isNotEmpty();
        assertThat(rows).doesNotContain(body.get(0).number());
        assertThat(text.replaceAll("\\s+\\|\\s+", " ")).contains("[steps " + take.number() + ", " + body.get(0).number());
        assertThat(MailGoldenTest.shownSteps(render(MACH, false, false, false))).hasSize(cx.steps().size());
    }

    @Test
    @DisplayName("--relevant: the rows are the steps the slice keeps, and the summary says how many of all")
    void relevant() {
        Counterexample cx = LAZY.cx();
        String text = render(LAZY, false, false, true);
        assertThat(MailGoldenTest.shownSteps(text)).containsExactlyElementsOf(Slice.of(cx).steps());
        assertThat(text).contains("Shown: the " + Slice.of(cx).steps().size() + " of " + cx.steps().size() + " steps the violation depends on");
    }
}
