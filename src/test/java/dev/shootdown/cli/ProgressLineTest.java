package dev.shootdown.cli;

import dev.shootdown.check.Stats;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A search's progress line, fed statistics by hand: redrawn on a terminal, a plain line now and then elsewhere. */
class ProgressLineTest {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    String out() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static Stats at(double seconds, long states) {
        return new Stats(states, 3 * states, 7, states / 4, seconds, 6, 0);
    }

    @Test
    void onATerminalTheLineIsRedrawnAfterTwoSecondsAndErasedAtTheEnd() {
        ProgressLine line = new ProgressLine(err, true, "m.sd");
        line.accept(at(1, 1000));
        assertThat(out()).as("a search shorter than two seconds draws nothing").isEmpty();
        line.accept(at(2, 20_000));
        line.accept(at(3, 3_000_000));
        line.accept(at(4, 4_000));
        assertThat(out()).isEqualTo("\rm.sd: 20,000 states  10,000 states/s  queue 5,000  depth 7  2 s"
                + "\rm.sd: 3,000,000 states  1,000,000 states/s  queue 750,000  depth 7  3 s"
                // A shorter text is padded over what the longer one left.
                + "\rm.sd: 4,000 states  1,000 states/s  queue 1,000  depth 7  4 s" + " ".repeat(10));
        bytes.reset();
        line.clear();
        assertThat(out()).isEqualTo("\r" + " ".repeat(61) + "\r");
        bytes.reset();
        line.clear();
        assertThat(out()).as("nothing left to erase").isEmpty();
    }

    @Test
    void withoutATerminalAPlainLineEveryThirtySecondsOfSearchAndNoCarriageReturn() {
        ProgressLine line = new ProgressLine(err, false, "m.sd");
        for (double s = 1; s < 30; s++) {
            line.accept(at(s, 1000));
        }
        assertThat(out()).as("a search shorter than 30 s prints nothing").isEmpty();
        line.accept(at(30.5, 61_000));
        line.accept(at(31.5, 63_000));
        line.accept(at(59.9, 119_800));
        // A late report (a slow state) still prints once, and the next comes at the next multiple of 30 s.
        line.accept(at(95, 190_000));
        line.accept(at(119, 238_000));
        line.accept(at(120, 240_000));
        line.clear();
        assertThat(out()).isEqualTo("""
                m.sd: 61,000 states  2,000 states/s  queue 15,250  depth 7  31 s
                m.sd: 190,000 states  2,000 states/s  queue 47,500  depth 7  95 s
                m.sd: 240,000 states  2,000 states/s  queue 60,000  depth 7  120 s
                """);
    }
}
