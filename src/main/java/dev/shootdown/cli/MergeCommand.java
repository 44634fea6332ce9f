package dev.shootdown.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shootdown.lang.UserError;
import dev.shootdown.report.SweepReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Merge the JSON of sweep shards (simulate --sweep ... --shard K/N --json) into one sweep, in point order.",
                "The shards must come from the same sweep (same file, workload and axes); a point given twice is an error."})
final class MergeCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Shard outputs (JSON).")
    List<Path> files;

    @Option(names = "--json", description = "Print the merged sweep as JSON (default: a table).")
    boolean json;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        ObjectMapper mapper = new ObjectMapper();
        Map<String, Object> header = null;
        TreeMap<Integer, Map<String, Object>> runs = new TreeMap<>();
        for (Path f : files) {
            Map<String, Object> doc;
            try {
                doc = mapper.readValue(f.toFile(), Map.class);
            } catch (IOException e) {
                throw new UserError(f + ": not a sweep's JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
            }
            if (!(doc.get("sweep") instanceof Map<?, ?> h) || !(doc.get("runs") instanceof List<?> rs)) {
                throw new UserError(f + ": not a sweep's JSON (expected keys sweep and runs)");
            }
            Map<String, Object> mine = new LinkedHashMap<>((Map<String, Object>) h);
            mine.put("shard", null);
            if (header == null) {
                header = mine;
            } else if (!Objects.equals(header.get("file"), mine.get("file")) || !Objects.equals(header.get("workload"), mine.get("workload"))
                    || !Objects.equals(header.get("axes"), mine.get("axes"))) {
                throw new UserError(f + ": a shard of another sweep (file, workload or axes differ from " + files.get(0) + ")");
            }
            for (Object o : rs) {
                Map<String, Object> run = (Map<String, Object>) o;
                int index = ((Number) run.get("index")).intValue();
                if (runs.put(index, run) != null) {
                    throw new UserError(f + ": point " + index + " is in more than one shard");
                }
            }
        }
        int total = ((Number) header.get("points_total")).intValue();
        if (runs.size() < total) {
            System.err.println("shootdown: merged " + runs.size() + " of " + total + " points (missing shards?)");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sweep", header);
        out.put("runs", new ArrayList<>(runs.values()));
        System.out.print(json ? Json.write(out) + "\n" : SweepReport.text(out));
        return Main.OK;
    }
}
