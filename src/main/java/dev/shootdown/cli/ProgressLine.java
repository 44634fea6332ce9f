package dev.shootdown.cli;

import dev.shootdown.check.Stats;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The progress of one search on stderr, from the statistics the search reports about once a second:
 * {@code foo.sd: 1,234,567 states  412,000 states/s  queue 3,456  depth 42  12 s}.
 *
 * <p>On a terminal the line is redrawn with \r once the search has run two seconds, and erased when
 * it ends. Elsewhere (a CI log, a redirected file) each redraw would be one more fragment of one
 * endless line, so the same text is printed as a plain line every {@link #PLAIN_EVERY_SECONDS} of
 * search: a long search shows it is alive (CI services that end jobs silent for ten minutes leave it
 * be) in a few lines, and a short one prints nothing.
 */
final class ProgressLine implements Consumer<Stats> {
    static final double PLAIN_EVERY_SECONDS = 30;

    private final PrintStream err;
    private final boolean terminal;
    private final String label;
    /** The length of the text last drawn on the terminal (0: nothing to erase). */
    private int shown;
    private double nextPlain = PLAIN_EVERY_SECONDS;

    /** A line named {@code label} on {@code err}, redrawn on a {@code terminal}, plain lines otherwise. */
    ProgressLine(PrintStream err, boolean terminal, String label) {
        this.err = err;
        this.terminal = terminal;
        this.label = label;
    }

    @Override
    public void accept(Stats s) {
        if (!terminal) {
            if (s.seconds() >= nextPlain) {
                nextPlain = (Math.floor(s.seconds() / PLAIN_EVERY_SECONDS) + 1) * PLAIN_EVERY_SECONDS;
                err.println(text(s));
                err.flush();
            }
            return;
        }
        if (s.seconds() < 2) {
            return;
        }
        String text = text(s);
        err.print("\r" + text + " ".repeat(Math.max(0, shown - text.length())));
        err.flush();
        shown = text.length();
    }

    /** Erases the line drawn on the terminal, if any, so what follows starts on a clean line. */
    void clear() {
        if (shown > 0) {
            err.print("\r" + " ".repeat(shown) + "\r");
            err.flush();
            shown = 0;
        }
    }

    private String text(Stats s) {
        return String.format(Locale.ROOT, "%s: %,d states  %,.0f states/s  queue %,d  depth %d  %.0f s%s", label, s.states(), s.statesPerSecond(), s.queued(),
                s.depth(), s.seconds(), Double.isNaN(s.secondsLeft()) ? "" : String.format(Locale.ROOT, "  levels shrinking: about %s left", left(s.secondsLeft())));
    }

    /** A rough duration: seconds below two minutes, then minutes, then hours. */
    static String left(double seconds) {
        if (seconds < 120) {
            return String.format(Locale.ROOT, "%.0f s", Math.max(1, seconds));
        }
        return seconds < 7200 ? String.format(Locale.ROOT, "%.0f min", seconds / 60) : String.format(Locale.ROOT, "%.1f h", seconds / 3600);
    }
}
