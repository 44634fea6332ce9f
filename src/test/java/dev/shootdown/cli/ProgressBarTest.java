package dev.shootdown.cli;

import dev.shootdown.sim.Sweep;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The progress bar on a hand-moved clock: what each redraw says, when it redraws, and how it ends; without a terminal, its plain lines. */
class ProgressBarTest {
    static final long S = 1_000_000_000L;

    final AtomicLong clock = new AtomicLong();
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    String out() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The texts drawn so far, in order, without their padding. */
    List<String> draws() {
        return List.of(out().split("\r", -1)).stream().skip(1).map(String::stripTrailing).toList();
    }

    ProgressBar bar(int total, int threads) {
        return new ProgressBar(err, true, "sweep", "points", total, threads, clock::get);
    }

    /** A bar for a stderr that is not a terminal. */
    ProgressBar plainBar(int total, int threads) {
        return new ProgressBar(err, false, "sweep", "points", total, threads, clock::get);
    }

    @Test
    void countsBarElapsedAndEtaFromTheMeanPointAndTheThreads() {
        ProgressBar bar = bar(4, 2);
        long a = bar.started();
        long b = bar.started();
        clock.set(10 * S);
        bar.stopped(a, true);
        long c = bar.started();
        clock.set(20 * S);
        bar.stopped(b, true);
        long d = bar.started();
        clock.set(45 * S);
        bar.stopped(c, true);
        bar.stopped(d, true);
        bar.end();

        // Changes less than 100 ms after a redraw (b's start, c's, d's) wait for the next one.
        assertThat(draws()).containsExactly(
                "sweep [--------------------] 0/4 points  1 running  0:00 elapsed",
                // a took 10 s: 3 points left, 30 s of work less the 10 s b has done, over 2 threads.
                "sweep [#####---------------] 1/4 points  1 running  0:10 elapsed  ETA 0:10",
                // Mean 15 s: 2 left, 30 s less the 10 s c has done, over 2 threads.
                "sweep [##########----------] 2/4 points  1 running  0:20 elapsed  ETA 0:10",
                // Mean 20 s: 1 left, 20 s less the 25 s d has run: overdue, 0.
                "sweep [###############-----] 3/4 points  1 running  0:45 elapsed  ETA 0:00",
                "sweep [####################] 4/4 points  0:45 elapsed");
        assertThat(out()).endsWith("\n").containsOnlyOnce("\n");
    }

    @Test
    void redrawsOnlyWhenTheTextChangesAndAtMostTenTimesASecond() {
        ProgressBar bar = bar(100, 8);
        long[] since = new long[10];
        for (int i = 0; i < since.length; i++) {
            since[i] = bar.started();
            clock.addAndGet(S / 100);
        }
        // Ten starts in 100 ms: the first is drawn, the rest wait for the next redraw.
        assertThat(draws()).containsExactly("sweep [--------------------] 0/100 points  1 running  0:00 elapsed");
        bar.tick();
        assertThat(draws()).hasSize(2).last().isEqualTo("sweep [--------------------] 0/100 points  10 running  0:00 elapsed");
        clock.addAndGet(S / 2);
        bar.tick();
        assertThat(draws()).as("nothing changed").hasSize(2);
        clock.addAndGet(S / 2);
        bar.tick();
        assertThat(draws()).as("the elapsed time moved").hasSize(3).last().asString().contains("0:01 elapsed");
    }

    @Test
    void aShorterTextIsPaddedOverTheLongerOneBeforeIt() {
        ProgressBar bar = bar(1, 1);
        bar.started();
        clock.set(S);
        bar.end();
        String[] draws = out().split("\r");
        String last = "sweep [--------------------] 0/1 points  0:01 elapsed";
        assertThat(draws[1]).isEqualTo("sweep [--------------------] 0/1 points  1 running  0:00 elapsed");
        assertThat(draws[2]).isEqualTo(last + " ".repeat(draws[1].length() - last.length()) + "\n");
    }

    @Test
    void aStoppedBarEndsItsLineSayingWhyAndThenDrawsNothing() {
        ProgressBar bar = bar(40, 4);
        for (int i = 0; i < 12; i++) {
            bar.stopped(bar.started(), true);
        }
        long running = bar.started();
        clock.set(41 * S);
        bar.stop("interrupted");
        String stopped = out();
        bar.stopped(running, false);
        bar.tick();
        bar.end();
        bar.stop("failed");

        assertThat(stopped).endsWith("\rsweep [######--------------] 12/40 points  0:41 elapsed  interrupted\n");
        assertThat(out()).isEqualTo(stopped);
    }

    @Test
    void failedPiecesAreNotCountedDone() {
        ProgressBar bar = bar(2, 2);
        Function<Integer, Integer> work = bar.counting(x -> {
            if (x == 1) {
                throw new IllegalStateException("boom");
            }
            return x;
        });
        assertThat(work.apply(0)).isZero();
        assertThatThrownBy(() -> work.apply(1)).hasMessage("boom");
        clock.set(S);
        bar.tick();
        assertThat(draws()).last().isEqualTo("sweep [##########----------] 1/2 points  0:01 elapsed  ETA 0:00");
    }

    @Test
    void withoutATerminalEachFinishedPieceIsAPlainLineAndTheEndOneMore() {
        ProgressBar bar = plainBar(3, 2);
        long a = bar.started();
        long b = bar.started();
        bar.tick();
        assertThat(out()).as("starts and ticks print nothing").isEmpty();
        clock.set(10 * S);
        bar.stopped(a, true);
        long c = bar.started();
        clock.set(12 * S);
        bar.stopped(b, false);
        clock.set(41 * S);
        bar.stopped(c, true);
        clock.set(42 * S);
        bar.end();
        bar.stop("interrupted");
        assertThat(out()).isEqualTo("""
                sweep: 1/3 points done, 0:10 elapsed
                sweep: 2/3 points done, 0:41 elapsed
                sweep: 2/3 points done, 0:42 elapsed
                """);
    }

    @Test
    void withoutATerminalAStopSaysWhyAndTheLastLineIsNotRepeated() {
        ProgressBar bar = plainBar(40, 4);
        for (int i = 0; i < 12; i++) {
            clock.set(i * S);
            bar.stopped(bar.started(), true);
        }
        clock.set(41 * S);
        bar.stop("interrupted");
        assertThat(out().lines()).hasSize(13).last().isEqualTo("sweep: 12/40 points done, 0:41 elapsed, interrupted");

        bytes.reset();
        ProgressBar done = plainBar(1, 1);
        done.stopped(done.started(), true);
        done.end();
        assertThat(out()).as("the end says what the last piece's line said").isEqualTo("sweep: 1/1 points done, 0:00 elapsed\n");
    }

    @Test
    void stderrIsATerminalWhenItsDescriptorLinksToATerminalDevice() {
        assertThat(StderrTerminal.isTerminalDevice(java.nio.file.Path.of("/dev/pts/3"))).isTrue();
        assertThat(StderrTerminal.isTerminalDevice(java.nio.file.Path.of("/dev/tty1"))).isTrue();
        assertThat(StderrTerminal.isTerminalDevice(java.nio.file.Path.of("/dev/tty"))).isTrue();
        assertThat(StderrTerminal.isTerminalDevice(java.nio.file.Path.of("pipe:[183742]"))).isFalse();
        assertThat(StderrTerminal.isTerminalDevice(java.nio.file.Path.of("/home/ci/build.log"))).isFalse();
        assertThat(StderrTerminal.isTerminalDevice(java.nio.file.Path.of("/dev/null"))).isFalse();
    }

    @Test
    void durationsAreMinutesAndSecondsThenHours() {
        assertThat(ProgressBar.duration(0)).isEqualTo("0:00");
        assertThat(ProgressBar.duration(59 * S + S / 2)).isEqualTo("0:59");
        assertThat(ProgressBar.duration(82 * S)).isEqualTo("1:22");
        assertThat(ProgressBar.duration(3599 * S)).isEqualTo("59:59");
        assertThat(ProgressBar.duration(3661 * S)).isEqualTo("1:01:01");
        assertThat(ProgressBar.duration(-S)).isEqualTo("0:00");
    }

    @Test
    void pointsOnAParallelPoolAreAllCounted() {
        ProgressBar bar = new ProgressBar(err, true, "sweep", "points", 500, 8, System::nanoTime);
        List<Sweep.Point> points = Sweep.points(Sweep.axes(List.of("n=" + String.join(",", java.util.Collections.nCopies(500, "1")))));
        Sweep.Outcome<Integer> out = Sweep.run(points, 8, new java.util.concurrent.atomic.AtomicBoolean(), bar.counting(Sweep.Point::index));
        bar.end();
        assertThat(out.results()).hasSize(500);
        assertThat(draws()).last().asString().startsWith("sweep [####################] 500/500 points  0:0");
    }
}
