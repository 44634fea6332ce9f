package dev.shootdown.cli;

import dev.shootdown.check.Catalog;
import dev.shootdown.check.CatalogGrader;
import dev.shootdown.check.CheckOptions;
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
                "Exit codes: 0 every entry agrees, 1 an entry disagrees, 2 bad input or usage."})
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

    @Override
    public Integer call() {
        List<Catalog.Entry> entries = dir == null ? Catalog.builtIn() : Catalog.directory(dir);
        CheckOptions options = limits.options();
        boolean terminal = main.stderrTerminal();
        long start = System.nanoTime();
        return Interrupts.printBeforeExit(options.stop(), () -> {
            List<CatalogGrader.Grade> grades = new ArrayList<>();
            for (Catalog.Entry e : entries) {
                if (options.stop().get()) {
                    break;
                }
                ProgressLine progress = new ProgressLine(System.err, terminal, (grades.size() + 1) + "/" + entries.size() + " " + e.name());
                grades.add(CatalogGrader.grade(e, options.withProgress(progress)));
                progress.clear();
                if (!terminal) {
                    // A CI log gets a line per entry (the sweep's words), so a slow or stuck entry is easy to place.
                    System.err.println("catalog: " + grades.size() + "/" + entries.size() + " entries done, "
                            + ProgressBar.duration(System.nanoTime() - start) + " elapsed");
                }
            }
            if (json) {
                System.out.println(Json.write(CatalogReport.json(grades)));
            } else {
                System.out.print(CatalogReport.table(grades, explain));
                if (grades.size() < entries.size()) {
                    System.out.println("interrupted: " + grades.size() + " of " + entries.size() + " entries checked");
                }
            }
            System.out.flush();
            return grades.stream().allMatch(CatalogGrader.Grade::agrees) && grades.size() == entries.size() ? Main.OK : Main.VIOLATION;
        });
    }
}
