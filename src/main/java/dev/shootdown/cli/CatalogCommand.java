package dev.shootdown.cli;

import dev.shootdown.check.Catalog;
import dev.shootdown.check.CatalogGrader;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.model.Program;
import dev.shootdown.report.CatalogReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "catalog", mixinStandardHelpOptions = true,
        description = {"Check every catalog entry (the seed scenarios) and compare each verdict with the one the entry expects.",
                "Ctrl-C, or an entry whose search fails, stops the run and prints the entries checked before it, marked partial",
                "(with --json: keys partial, stop_reason, missing).",
                "Exit codes: 0 every entry agrees, 1 an entry disagrees, 2 bad input or usage, 70 internal error, 130 interrupted (Ctrl-C)."})
final class CatalogCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "A directory of .sd entries instead of the built-in catalog.")
    Path dir;

    @Option(names = "--json", description = "Print {\"entries\": [...]} as one JSON object.")
    boolean json;

    @Option(names = "--explain", description = "Print each entry's explanation under the table.")
    boolean explain;

    @Mixin
    SearchLimits limits = new SearchLimits();

    /** Values for the entries' params: each entry takes those it declares; one no entry declares is an error. */
    @Mixin
    Defines defines = new Defines();

    @Override
    public Integer call() {
        List<Catalog.Entry> entries = dir == null ? Catalog.builtIn() : Catalog.directory(dir);
        CheckOptions options = limits.options();
        boolean terminal = main.stderrTerminal();
        long start = System.nanoTime();
        // Every entry is compiled before the first search: a mistake in one costs no search of the others.
        java.util.Map<String, Integer> values = defines.values();
        for (String name : values.keySet()) {
            if (entries.stream().noneMatch(e -> dev.shootdown.lang.Parser.parse(e.source()).params().containsKey(name))) {
                throw new dev.shootdown.lang.UserError("-D " + name + "=" + values.get(name) + ": no entry declares param " + name);
            }
        }
        List<Program> programs = entries.stream().map(e -> CatalogGrader.compile(e, values)).toList();
        return Interrupts.printBeforeExit(options.stop(), () -> {
            List<CatalogGrader.Grade> grades = new ArrayList<>();
            RuntimeException failure = null;
            for (int i = 0; i < entries.size(); i++) {
                ProgressLine progress = new ProgressLine(System.err, terminal, (i + 1) + "/" + entries.size() + " " + entries.get(i).name());
                CatalogGrader.Grade g;
                try {
                    g = CatalogGrader.grade(entries.get(i), programs.get(i), options.withProgress(progress));
                } catch (RuntimeException ex) {
                    failure = ex;
                    break;
                } finally {
                    progress.clear();
                }
                if (options.stop().get() && !g.result().complete()) {
                    break; // Ctrl-C cut this entry's search: it is not graded, but named with those after it
                }
                grades.add(g);
                if (!terminal) {
                    // A CI log gets a line per entry (the sweep's words), so a slow or stuck entry is easy to place.
                    System.err.println("catalog: " + grades.size() + "/" + entries.size() + " entries done, "
                            + ProgressBar.duration(System.nanoTime() - start) + " elapsed");
                }
                if (options.stop().get()) {
                    break;
                }
            }
            // The entries graded are printed whatever stopped the others: nothing computed is lost.
            List<Catalog.Entry> missing = entries.subList(grades.size(), entries.size());
            String stopReason = failure != null ? missing.get(0).name() + " failed: " + Main.message(failure) : missing.isEmpty() ? null : "interrupted";
            System.out.print(json ? Json.write(CatalogReport.json(grades, missing, stopReason)) + "\n" : CatalogReport.table(grades, missing, stopReason, explain));
            System.out.flush();
            if (failure != null) {
                throw failure;
            }
            if (!missing.isEmpty()) {
                return Main.INTERRUPTED;
            }
            return grades.stream().allMatch(CatalogGrader.Grade::agrees) ? Main.OK : Main.VIOLATION;
        });
    }
}
