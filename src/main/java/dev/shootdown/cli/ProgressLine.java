package dev.shootdown.cli;

import dev.shootdown.check.Stats;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;

/** The progress line on stderr for searches longer than about two seconds. */
final class ProgressLine implements Consumer<Stats> {
    private final PrintStream err;
    private final String label;
    private boolean shown;

    ProgressLine(PrintStream err, String label) {
        this.err = err;
        this.label = label;
    }

    @Override
    public void accept(Stats s) {
        if (s.seconds() < 2) {
            return;
        }
        shown = true;
        err.printf(Locale.ROOT, "\r%s: %,d states  %,.0f states/s  queue %,d  depth %d  %.0f s   ", label, s.states(), s.statesPerSecond(), s.queued(), s.depth(), s.seconds());
        err.flush();
    }

    void clear() {
        if (shown) {
            err.print("\r" + " ".repeat(100) + "\r");
            err.flush();
            shown = false;
        }
    }
}
