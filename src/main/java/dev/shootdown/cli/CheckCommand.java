package dev.shootdown.cli;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.check.Counterexample;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.Sources;
import dev.shootdown.model.Compiler;
import dev.shootdown.model.Program;
import dev.shootdown.report.CheckReport;
import dev.shootdown.report.HtmlCounterexample;
import dev.shootdown.report.MailReport;
import dev.shootdown.report.MermaidCounterexample;
import dev.shootdown.report.TimelineRenderer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Explore every interleaving of a model and report each property's verdict, with the shortest counterexample as a per-CPU timeline.",
                "Ctrl-C stops the search and prints what it established: the violations found so far, or none found in the states explored (verdict unknown).",
                "Exit codes: 0 all properties hold, 1 a violation was found, 2 bad input or usage, 3 no violation found but the search was incomplete",
                "(--max-states, memory, --bitstate), 130 interrupted (Ctrl-C)."})
final class CheckCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "FILE", description = "The model file (.sd).")
    Path file;

    @Option(names = "--json", description = "Print the result as one JSON object (the same as --format json).")
    boolean json;

    /** What the result is printed as. */
    enum Format { text, json, mail }

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "text (default): the verdicts, statistics and timeline; json: one JSON object; mail: the timeline of only the steps the violation depends on, "
                    + "handler runs and drains folded, in 80 columns, ready to paste into a mail.")
    Format format = Format.text;

    @Option(names = "--show-state", description = "Under each step of the timeline, what it read (with the values read) and what it changed.")
    boolean showState;

    @Option(names = "--fold", description = "Fold each IPI handler's run, and a CPU's store-buffer drains one after another, into one row of the timeline (one note of the --mermaid diagram).")
    boolean fold;

    @Option(names = "--relevant", description = "Show only the steps the violation depends on (a backwards slice over what each step read and changed), and only their CPUs.")
    boolean relevant;

    @Option(names = "--html", paramLabel = "OUT",
            description = "Also write the result as one self-contained HTML page: the counterexample's per-CPU timeline with PTE and TLB state at each step, or which properties hold.")
    Path html;

    @Option(names = "--mermaid", paramLabel = "OUT",
            description = "Also write the counterexample as a Mermaid sequence diagram (or a note saying which properties hold).")
    Path mermaid;

    @Option(names = "--width", paramLabel = "N", description = "Width of a CPU's column in the timeline, 20 to 1000 (default: ${DEFAULT-VALUE}).")
    int width = 40;

    @Mixin
    SearchLimits limits = new SearchLimits();

    @Mixin
    Defines defines = new Defines();

    @Mixin
    LongRunOptions longRun = new LongRunOptions();

    /** " (N=6, K=1)": the params the file was checked with, after its name; nothing for a file without any. */
    static String paramsSaid(dev.shootdown.lang.ModelFile model) {
        java.util.List<String> said = new java.util.ArrayList<>();
        model.params().forEach((k, v) -> said.add(k + "=" + v));
        return said.isEmpty() ? "" : " (" + String.join(", ", said) + ")";
    }

    @Override
    public Integer call() {
        dev.shootdown.lang.ModelFile model = Parser.parse(Sources.read(file), defines.values());
        Program program = Compiler.compile(model);
        ProgressLine progress = new ProgressLine(System.err, main.stderrTerminal(), file.getFileName().toString());
        CheckOptions options = longRun.apply(limits.options(), event -> {
            progress.clear();
            System.err.println(event);
        });
        CheckOptions search = options.withProgress(progress);
        // Ctrl-C waits for the checkpoint to be on disk: a large one takes a while.
        int waitSeconds = options.checkpoints() != null ? Interrupts.CHECKPOINT_WAIT_SECONDS : Interrupts.PRINT_WAIT_SECONDS;
        return Interrupts.printBeforeExit(options.stop(), waitSeconds, () -> {
            BfsExplorer explorer = new BfsExplorer(program, search);
            CheckResult result = explorer.run();
            progress.clear();
            Counterexample cx = result.violations().isEmpty() ? null : explorer.rebuilder().rebuild(result.violations().get(0));
            if (json || format == Format.json) {
                java.util.Map<String, Object> out = CheckReport.json(file.toString(), result, cx);
                out.put("params", model.params());
                System.out.println(Json.write(out));
            } else if (format == Format.mail) {
                System.out.print(MailReport.text(file.toString() + paramsSaid(model), result, cx, showState));
            } else {
                System.out.print(CheckReport.text(file.toString() + paramsSaid(model), result, cx,
                        new TimelineRenderer.Options(width, showState, showState, fold, relevant, 0)));
            }
            System.out.flush();
            // The terminal output comes first, so a file that cannot be written loses nothing else.
            if (html != null && !OutputFile.write(html, HtmlCounterexample.page(result, cx))
                    || mermaid != null && !OutputFile.write(mermaid, MermaidCounterexample.diagram(result, cx, fold))) {
                return Main.BAD_INPUT;
            }
            // A real Ctrl-C ends the process with 130 whatever this returns (the JVM is already exiting; System.exit would
            // wait for ever), so a search it cut short says 130 in every case.
            if (options.stop().get() && !result.complete()) {
                return Main.INTERRUPTED;
            }
            if (!result.violations().isEmpty()) {
                return Main.VIOLATION;
            }
            return result.complete() ? Main.OK : Main.INCOMPLETE;
        });
    }
}
