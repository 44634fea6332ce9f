package dev.shootdown.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shootdown.lang.Sources;
import dev.shootdown.lang.UserError;
import dev.shootdown.report.HtmlSimReport;
import dev.shootdown.report.RunSummary;
import dev.shootdown.report.SweepTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Gather simulation results (the output of simulate --json, one run per file, or files holding several) into one report:",
                "a table on the terminal and, with --html, a page plotting latency, IPIs/s, throughput and shootdown CPU share against CPUs",
                "(or, when they do not vary, the first numeric axis a sweep varied), one line per protocol and value of any other axis that varies.",
                "Runs made on other machines or by other commands combine the same way.",
                "Example: for n in 2 4 8 16; do shootdown simulate linux-ipi --workload munmap --cpus $n --json > ipi-$n.json; done;",
                "         shootdown report ipi-*.json --html sweep.html",
                "Exit codes: 0 done, 2 bad input."})
final class ReportCommand implements Callable<Integer> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Parameters(arity = "1..*", paramLabel = "RESULT.json", description = "Files with simulate --json results.")
    List<Path> files;

    @Option(names = "--html", paramLabel = "OUT.html", description = "Also write the HTML report with plots.")
    Path html;

    @Option(names = "--title", paramLabel = "TEXT", description = "Title of the HTML report (default: ${DEFAULT-VALUE}).")
    String title = "Shootdown simulation report";

    @Override
    public Integer call() {
        List<RunSummary> runs = new ArrayList<>();
        for (Path f : files) {
            runs.addAll(read(f));
        }
        System.out.print(SweepTable.text(runs));
        System.out.flush();
        if (html != null) {
            if (!OutputFile.write(html, HtmlSimReport.page(runs, title))) {
                return Main.BAD_INPUT;
            }
            System.err.println("html: report of " + runs.size() + (runs.size() == 1 ? " run" : " runs") + " written to " + html);
        }
        return Main.OK;
    }

    /**
     * Every result in a file: the file itself, or the objects inside it (arrays, or a sweep's wrapper)
     * that are results, each with the sweep point beside it ({@code {"point", "result"}}) if any.
     */
    static List<RunSummary> read(Path file) {
        JsonNode root;
        try {
            root = MAPPER.readTree(Sources.text(file));
        } catch (JsonProcessingException e) {
            throw new UserError(file + ": not JSON (" + e.getOriginalMessage() + ")");
        }
        List<RunSummary> runs = new ArrayList<>();
        collect(root, Map.of(), runs, file);
        if (runs.isEmpty()) {
            throw new UserError(file + ": no simulate --json result in it (objects with file, workload, cpus and metrics)");
        }
        return runs;
    }

    private static void collect(JsonNode node, Map<?, ?> point, List<RunSummary> runs, Path file) {
        if (node == null) {
            return;
        }
        if (node.isObject() && node.has("metrics") && node.has("cpus")) {
            try {
                runs.add(RunSummary.fromJson(MAPPER.convertValue(node, Map.class), point));
            } catch (IllegalArgumentException e) {
                throw new UserError(file + ": " + e.getMessage());
            }
            return;
        }
        if (node.isObject() && node.get("point") instanceof ObjectNode p && node.has("result")) {
            collect(node.get("result"), MAPPER.convertValue(p, Map.class), runs, file);
            return;
        }
        if (node.isContainerNode()) {
            node.forEach(child -> collect(child, Map.of(), runs, file));
        }
    }
}
