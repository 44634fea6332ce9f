package dev.shootdown.report;

import dev.shootdown.check.Counterexample;
import dev.shootdown.check.Slice;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code check --format mail} on catalog entries: the text equals the checked-in
 * {@code src/test/resources/mail/NAME.mail} (run with {@code -Dshootdown.updateGolden=true} to rewrite
 * them after a deliberate change), and whatever the text, it fits 80 columns in plain ASCII and
 * shows exactly the steps the slice keeps, each once, in order.
 */
class MailGoldenTest {
    private static final Path DIR = Path.of("src/test/resources/mail");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"003-lazy-2016-cpumask-clear", "004-gup-fast-tlbie-free", "001-mach-paper-order", "003-lazier-tso-no-barrier",
            "000-rendezvous-two-initiators", "000-pte-first-no-wait"})
    @DisplayName("the mail text equals its golden file, fits 80 columns and shows only the steps the violation depends on")
    void mail(String name) throws IOException {
        CheckedModel m = CheckedModel.catalog(name);
        String mail = MailReport.text("catalog/" + name + ".sd", m.result(), m.cx(), false);
        Path golden = DIR.resolve(name + ".mail");
        if (Boolean.getBoolean("shootdown.updateGolden")) {
            Files.writeString(golden, mail, StandardCharsets.UTF_8);
        }
        assertThat(mail).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8).replace("\r\n", "\n"));

        for (String line : mail.split("\n")) {
            assertThat(line.length()).as("line '%s'", line).isLessThanOrEqualTo(MailReport.WIDTH);
            assertThat(line.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)).as("plain ASCII: '%s'", line).isTrue();
            assertThat(line).as("no trailing blanks").isEqualTo(line.stripTrailing());
        }
        Counterexample cx = m.cx();
        Slice slice = Slice.of(cx);
        List<Integer> shown = shownSteps(mail);
        assertThat(shown).as("steps shown in order, each once").isSorted().doesNotHaveDuplicates();
        // Each kept step is shown, alone or in the fold it belongs to; each row shown has a kept step.
        List<Integer> covered = new ArrayList<>();
        Matcher folds = Pattern.compile("\\[steps ([0-9, -]+)\\]").matcher(mail.replace("\n", " ").replaceAll(" +", " "));
        while (folds.find()) {
            for (String part : folds.group(1).split(", ")) {
                String[] range = part.split("-");
                for (int k = Integer.parseInt(range[0].strip()); k <= Integer.parseInt(range[range.length - 1].strip()); k++) {
                    covered.add(k);
                }
            }
        }
        covered.addAll(shown);
        assertThat(covered).containsAll(slice.steps());
        for (int k : shown) {
            boolean keptInRow = slice.relevant(k) || folds.reset().results().anyMatch(r -> r.group(1).startsWith(k + "-") || r.group(1).startsWith(k + ","));
            assertThat(keptInRow).as("step %d shown", k).isTrue();
        }
        assertThat(mail).doesNotContain("states/s", " s (");
    }

    /** The step numbers at the start of the timeline's rows. */
    static List<Integer> shownSteps(String text) {
        List<Integer> steps = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^ *(?:>>|~)?([0-9]+) (?:\\||cpu)").matcher(text);
        while (m.find()) {
            steps.add(Integer.parseInt(m.group(1)));
        }
        return steps;
    }
}
