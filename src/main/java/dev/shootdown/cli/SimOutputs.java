package dev.shootdown.cli;

import dev.shootdown.lang.UserError;
import dev.shootdown.report.HtmlSimReport;
import dev.shootdown.report.PerfettoTraceWriter;
import dev.shootdown.report.RunSummary;
import dev.shootdown.sim.Profile;
import dev.shootdown.sim.SimResult;
import dev.shootdown.sim.SimTrace;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The files {@code simulate} can write besides its table or JSON: a Perfetto trace and an HTML report. A mixin, so the command stays small. */
final class SimOutputs {
    /** --trace, then the options that shape the trace. */
    private static final List<String> TRACE_OPTIONS = List.of("--trace", "--trace-limit", "--trace-from", "--trace-until");

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--trace", paramLabel = "OUT.json",
            description = "Also write a Chrome/Perfetto trace-event file (a track per CPU, a slice per statement, an arrow per IPI; "
                    + "OUT.json.gz is gzip-compressed). Open it with `shootdown view OUT.json`. One run only: refused with --sweep or --shard.")
    Path trace;

    @Option(names = "--trace-limit", paramLabel = "N",
            description = "Stop the trace after N events (default: ${DEFAULT-VALUE}; a second of 16 CPUs is tens of millions; 0 for no cap).")
    long traceLimit = 1_000_000;

    @Option(names = "--trace-from", paramLabel = "US", description = "Trace only from this simulated time, in microseconds (default: 0).")
    double traceFrom = 0;

    @Option(names = "--trace-until", paramLabel = "US", description = "Trace only until this simulated time, in microseconds (default: the end).")
    Double traceUntil;

    @Option(names = "--html", paramLabel = "OUT.html", description = {"Also write the result as a self-contained HTML page (plots and every metric).",
            "With --sweep, one page of every point that finished: the page `report --html` makes of the sweep's JSON."})
    Path html;

    /**
     * Runs {@code simulation} with the trace hook the options ask for (or none). The trace streams into a
     * temporary file that is renamed into place once it is finished, when the run has ended (or Ctrl-C
     * stopped it): a run that fails, or a process killed mid-run, leaves whatever file was there as it was.
     */
    SimResult run(String process, int cpus, Profile profile, Function<SimTrace, SimResult> simulation) {
        checkTraceOptions();
        return traced(process, cpus, profile, traceFrom, traceUntil == null ? Double.POSITIVE_INFINITY : traceUntil, simulation);
    }

    /**
     * As {@link #run}, for a run that is traced around one moment: the trace's window is
     * [{@code fromMicros}, {@code untilMicros}] unless --trace-from or --trace-until say otherwise.
     */
    <T> T runAround(double fromMicros, double untilMicros, String process, int cpus, Profile profile, Function<SimTrace, T> simulation) {
        checkTraceOptions();
        ParseResult given = command.commandLine().getParseResult();
        return traced(process, cpus, profile, given.hasMatchedOption("--trace-from") ? traceFrom : fromMicros,
                traceUntil != null ? traceUntil : untilMicros, simulation);
    }

    private <T> T traced(String process, int cpus, Profile profile, double from, double until, Function<SimTrace, T> simulation) {
        if (trace == null) {
            return simulation.apply(null);
        }
        try (OutputFile file = OutputFile.create(trace)) {
            PerfettoTraceWriter writer = PerfettoTraceWriter.open(file.stream(), trace.getFileName().toString(), process, cpus, profile.ghz(),
                    new PerfettoTraceWriter.Limits(traceLimit == 0 ? Long.MAX_VALUE : traceLimit, from, until));
            T r = simulation.apply(writer);
            writer.finish();
            file.commit();
            System.err.printf(Locale.ROOT, "trace: %,d events written to %s%s%n", writer.written(), trace,
                    writer.truncated() ? " (stopped at --trace-limit; narrow it with --trace-from/--trace-until)" : "");
            return r;
        } catch (IOException e) {
            throw new UserError(OutputFile.cannotWrite(trace, e));
        } catch (UncheckedIOException e) {
            // Only the trace writes while the simulation runs: a full disk, say.
            throw new UserError(OutputFile.cannotWrite(trace, e.getCause()));
        }
    }

    /**
     * A trace records one run: given with a sweep, the trace options are refused (they would be ignored)
     * with a hint, {@code onePoint}, the options that run one point on its own.
     */
    void refuseTraceInSweep(String onePoint) {
        refuseTrace("a sweep", "trace a point on its own, e.g. with " + onePoint + " and no --sweep or --shard");
    }

    /** The trace options refused where a command runs more than one run ({@code what}), with what to do {@code instead}. */
    void refuseTrace(String what, String instead) {
        ParseResult given = command.commandLine().getParseResult();
        TRACE_OPTIONS.stream().filter(given::hasMatchedOption).findFirst().ifPresent(option -> {
            throw new UserError(option + " traces one run, not " + what + ": " + instead);
        });
    }

    /**
     * Writes the HTML report of {@code runs} if asked, titled "PROTOCOL under WORKLOAD" and {@code what},
     * after the terminal output (a file that cannot be written loses nothing else); the exit code.
     */
    int writeHtml(List<RunSummary> runs, String what) {
        if (html == null) {
            return Main.OK;
        }
        if (runs.isEmpty()) {
            System.err.println("html: no run finished, so no report written to " + html);
            return Main.OK;
        }
        if (!OutputFile.write(html, HtmlSimReport.page(runs, runs.get(0).protocol() + " under " + runs.get(0).workload() + what))) {
            return Main.BAD_INPUT;
        }
        System.err.println("html: report " + (runs.size() == 1 ? "" : "of " + runs.size() + " runs ") + "written to " + html);
        return Main.OK;
    }

    /** Refuses trace options that would be ignored (no --trace) or that select no time at all. */
    void checkTraceOptions() {
        if (trace == null) {
            ParseResult given = command.commandLine().getParseResult();
            TRACE_OPTIONS.stream().skip(1).filter(given::hasMatchedOption).findFirst().ifPresent(option -> {
                throw new UserError(option + " shapes a trace, and none is written: add --trace OUT.json");
            });
        } else if (traceUntil != null && !(traceUntil > traceFrom)) {
            throw new UserError("--trace-from must be below --trace-until");
        }
    }
}
