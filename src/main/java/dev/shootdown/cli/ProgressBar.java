package dev.shootdown.cli;

import dev.shootdown.sim.Sweep;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A progress bar on stderr for work done in pieces on a pool (a sweep's points, the runs of
 * {@code reproduce}): on a terminal, one line redrawn with \r,
 * {@code sweep [######--------------] 12/40 points  2 running  0:41 elapsed  ETA 1:22}.
 *
 * <p>The ETA is the work left (the mean time of a finished piece times the pieces left, less what the
 * running ones have done so far) spread over the threads that will run it. The line is redrawn only
 * when its text changes, at most every 100 ms; {@link #end} draws it complete and ends it with a
 * newline, {@link #stop} ends it saying why (an error, Ctrl-C). After either, it draws nothing more.
 *
 * <p>When stderr is not a terminal (a CI log, a file) redrawing would pile every frame onto one line,
 * so the bar instead prints a plain line per finished piece, {@code sweep: 12/40 points done, 0:41 elapsed},
 * and the final status line. Thread-safe: pieces start and finish on the pool's threads.
 */
final class ProgressBar {
    static final int WIDTH = 20;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream err;
    private final boolean terminal;
    private final String label;
    private final String unit;
    private final int total;
    private final int threads;
    private final LongSupplier nanos;
    private final long start;
    private int done;
    private int running;
    private long doneNanos;
    private long runningStarts;
    /** The text last drawn on the terminal, or the last plain line printed. */
    private String shown = "";
    private long shownAt;
    private boolean ended;
    private Thread ticker;

    /**
     * A bar named {@code label} for {@code total} pieces called {@code unit} ("points"), run on {@code threads}; {@code nanos} is the clock;
     * drawn with \r on a {@code terminal}, as plain lines otherwise.
     */
    ProgressBar(PrintStream err, boolean terminal, String label, String unit, int total, int threads, LongSupplier nanos) {
        this.err = err;
        this.terminal = terminal;
        this.label = label;
        this.unit = unit;
        this.total = total;
        this.threads = Math.max(1, threads);
        this.nanos = nanos;
        this.start = nanos.getAsLong();
    }

    /**
     * Runs {@code work} under a bar on System.err ({@code terminal}: whether it is one) that ticks
     * while it runs, ends when it returns and says "failed" if it throws or "interrupted" on Ctrl-C.
     */
    static <R> R run(boolean terminal, String label, String unit, int total, int threads, Function<ProgressBar, R> work) {
        ProgressBar bar = new ProgressBar(System.err, terminal, label, unit, total, threads, System::nanoTime);
        Thread hook = Interrupts.onExit(() -> bar.stop("interrupted"));
        if (terminal) {
            bar.startTicking();
        }
        try {
            R r = work.apply(bar);
            bar.end();
            return r;
        } finally {
            bar.stop("failed"); // nothing once ended
            Interrupts.uninstall(hook);
        }
    }

    /**
     * Runs {@code work} on each of {@code points} on a pool of {@code threads} ({@link Sweep#run}, until
     * {@code stop}) under a bar that counts them and, when the outcome lacks points, ends saying
     * "failed" or "interrupted".
     */
    static <R> Sweep.Outcome<R> sweep(boolean terminal, String label, String unit, List<Sweep.Point> points, int threads, AtomicBoolean stop,
                                      Function<Sweep.Point, R> work) {
        return run(terminal, label, unit, points.size(), threads, bar -> {
            Sweep.Outcome<R> o = Sweep.run(points, threads, stop, bar.counting(work));
            if (!o.complete()) {
                bar.stop(o.failure() != null ? "failed" : "interrupted");
            }
            return o;
        });
    }

    /** {@code work} counted by the bar: running while it runs, done when it returns. */
    <T, R> Function<T, R> counting(Function<T, R> work) {
        return x -> {
            long since = started();
            boolean ok = false;
            try {
                R r = work.apply(x);
                ok = true;
                return r;
            } finally {
                stopped(since, ok);
            }
        };
    }

    /** A piece started; returns its start time, for {@link #stopped}. */
    synchronized long started() {
        long now = nanos.getAsLong();
        running++;
        runningStarts += now;
        redraw(now);
        return now;
    }

    /** The piece started at {@code since} returned ({@code ok}) or threw. */
    synchronized void stopped(long since, boolean ok) {
        long now = nanos.getAsLong();
        running--;
        runningStarts -= since;
        if (ok) {
            done++;
            doneNanos += now - since;
        }
        if (terminal) {
            redraw(now);
        } else if (ok && !ended) {
            println(plain(now, ""));
        }
    }

    /**
     * For one long piece of work counted in units (a run's simulated milliseconds): {@code units} of
     * the total are done, and the ETA is the time so far per unit times the units left.
     */
    synchronized void reached(int units) {
        long now = nanos.getAsLong();
        done = Math.max(0, Math.min(total, units));
        doneNanos = now - start;
        redraw(now);
    }

    /** Redraws if the text changed (the elapsed time moves on its own): what the ticker calls. */
    synchronized void tick() {
        redraw(nanos.getAsLong());
    }

    /** Ticks every 100 ms from a daemon thread until the bar ends, so the elapsed time moves while every piece is still running. */
    synchronized void startTicking() {
        ticker = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(REDRAW_NANOS / 1_000_000);
                    tick();
                }
            } catch (InterruptedException e) {
                // ended
            }
        }, "shootdown-progress");
        ticker.setDaemon(true);
        ticker.start();
    }

    /** Draws the final line (the bar as it stands, the elapsed time) and a newline. */
    synchronized void end() {
        finish(null);
    }

    /** Ends the line as it stands, followed by {@code why} ("interrupted", "failed"), so what comes next starts on a line of its own. */
    synchronized void stop(String why) {
        finish(why);
    }

    private void finish(String why) {
        if (ended) {
            return;
        }
        ended = true;
        if (ticker != null) {
            ticker.interrupt();
        }
        if (!terminal) {
            String line = plain(nanos.getAsLong(), why == null ? "" : ", " + why);
            if (!line.equals(shown)) {
                println(line);
            }
            return;
        }
        String text = text(nanos.getAsLong(), true) + (why == null ? "" : "  " + why);
        if (!text.equals(shown)) {
            draw(text);
        }
        err.print('\n');
        err.flush();
    }

    private void redraw(long now) {
        if (ended || !terminal) {
            return;
        }
        String text = text(now, false);
        if (text.equals(shown) || !shown.isEmpty() && now - shownAt < REDRAW_NANOS) {
            return;
        }
        shownAt = now;
        draw(text);
        err.flush();
    }

    /** Writes {@code text} over the line, padding it over what a longer previous text left. */
    private void draw(String text) {
        err.print("\r" + text + " ".repeat(Math.max(0, shown.length() - text.length())));
        shown = text;
    }

    /** Prints a plain line (stderr is not a terminal). */
    private void println(String line) {
        err.println(line);
        err.flush();
        shown = line;
    }

    /** The plain line at {@code now}: {@code sweep: 12/40 points done, 0:41 elapsed}, then {@code suffix}. */
    String plain(long now, String suffix) {
        return label + ": " + done + "/" + total + " " + unit + " done, " + duration(now - start) + " elapsed" + suffix;
    }

    /** The line at {@code now}; a final one shows no running pieces and no ETA. */
    String text(long now, boolean last) {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        StringBuilder b = new StringBuilder(label).append(" [").append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ")
                .append(done).append('/').append(total).append(' ').append(unit);
        if (!last && running > 0) {
            b.append("  ").append(running).append(" running");
        }
        b.append("  ").append(duration(now - start)).append(" elapsed");
        int left = total - done;
        if (!last && done > 0 && left > 0) {
            long work = Math.max(0, left * (doneNanos / done) - (running * now - runningStarts));
            b.append("  ETA ").append(duration(work / Math.min(threads, left)));
        }
        return b.toString();
    }

    /** Whole seconds as m:ss, or h:mm:ss from an hour. */
    static String duration(long nanos) {
        long s = Math.max(0, nanos) / 1_000_000_000L;
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
