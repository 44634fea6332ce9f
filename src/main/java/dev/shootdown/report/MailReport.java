package dev.shootdown.report;

import dev.shootdown.check.CheckResult;
import dev.shootdown.check.Counterexample;
import dev.shootdown.model.Program;

/**
 * {@code check --format mail}: a counterexample to paste into a mail to a kernel list. At most 80
 * columns, plain ASCII as the model writes it, nothing that changes from run to run (no times): the model's title, the verdict, then the timeline of only the steps the violation
 * depends on, in the columns of the CPUs that took them, with handler runs and drains folded.
 */
public final class MailReport {
    /** The widest line a mail gets. */
    public static final int WIDTH = 80;

    private MailReport() {}

    /** {@code showReads}: each row also says what its step read (what it changed is always said: a cached PMD shows only there). */
    public static String text(String file, CheckResult result, Counterexample cx, boolean showReads) {
        Program program = result.program();
        StringBuilder out = new StringBuilder();
        String title = program.meta() != null && program.meta().title() != null ? program.meta().title() : null;
        if (title != null) {
            for (String line : TimelineRenderer.wrap(title, WIDTH)) {
                out.append(line).append('\n');
            }
        }
        out.append(file).append(": ").append(result.verdictWord()).append('\n');
        if (cx == null) {
            out.append('\n').append(CheckReport.headline(result)).append('\n');
            return out.toString();
        }
        out.append('\n');
        out.append(new TimelineRenderer(new TimelineRenderer.Options(WIDTH, showReads, true, true, true, WIDTH)).render(cx));
        return out.toString();
    }
}
