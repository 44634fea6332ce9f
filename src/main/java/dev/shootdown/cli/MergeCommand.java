package dev.shootdown.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shootdown.lang.Sources;
import dev.shootdown.lang.UserError;
import dev.shootdown.report.SweepReport;
import dev.shootdown.sim.Sweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Merge the JSON of sweep shards (simulate --sweep ... --shard K/N --json) into one sweep, in point order.",
                "The shards must come from the same sweep: same protocol (name and text), workload, axes, options and shard count;",
                "a shard or a point given twice is an error. Missing shards (or shards cut short) are named in a warning and the",
                "merged sweep is marked partial, as simulate marks a sweep that stopped early.",
                "Exit codes: 0 merged every point, 2 bad input or shards of different sweeps, 3 merged, but points are missing."})
final class MergeCommand implements Callable<Integer> {
    /** How a header field is named in a message: the option that sets it. */
    private static final Map<String, String> LABELS = Map.ofEntries(
            Map.entry("file", "the protocol (FILE)"), Map.entry("workload", "--workload"), Map.entry("axes", "--sweep"),
            Map.entry("shard", "the shard count (N of --shard K/N)"), Map.entry("points_total", "the number of points"),
            Map.entry("cpus", "--cpus"), Map.entry("profile", "--profile"), Map.entry("seconds", "--seconds"), Map.entry("seed", "--seed"), Map.entry("seeds", "--seeds"),
            Map.entry("tick_hz", "--tick-hz"), Map.entry("tick_skew", "--tick-skew"), Map.entry("stall_after", "--stall-after"), Map.entry("params", "--param"),
            Map.entry("protocol_sha256", "the protocol's text (protocol_sha256)"), Map.entry("workload_sha256", "the workload's text (workload_sha256)"),
            Map.entry("profile_sha256", "the profile file's text (profile_sha256)"));

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Shard outputs (JSON).")
    List<Path> files;

    @Option(names = "--json", description = "Print the merged sweep as JSON (default: a table).")
    boolean json;

    /** One file's shard: its header, which shard it is, and its runs. */
    private record ShardFile(Path file, Map<String, Object> header, Sweep.Shard shard, List<Map<String, Object>> runs, Map<String, Object> doc) {}

    @Override
    public Integer call() {
        List<ShardFile> shards = new ArrayList<>();
        for (Path f : files) {
            shards.add(read(f));
        }
        ShardFile first = shards.get(0);
        Map<Integer, ShardFile> byIndex = new TreeMap<>();
        TreeMap<Integer, Map<String, Object>> runs = new TreeMap<>();
        for (ShardFile s : shards) {
            String diff = difference(comparable(first), comparable(s), first.file(), s.file());
            if (diff != null) {
                throw new UserError(first.file() + " and " + s.file() + " are not shards of one sweep: " + diff);
            }
            ShardFile twice = byIndex.put(s.shard().k(), s);
            if (twice != null) {
                throw new UserError("shard " + s.shard() + " is given twice: " + twice.file() + " and " + s.file());
            }
            for (Map<String, Object> run : s.runs()) {
                int index = ((Number) run.get("index")).intValue();
                if (runs.put(index, run) != null) {
                    throw new UserError(s.file() + ": point " + index + " is in more than one shard");
                }
            }
        }
        Map<String, Object> header = new LinkedHashMap<>(first.header());
        header.put("shard", null);
        List<String> why = new ArrayList<>();
        int n = first.shard().n();
        List<String> absent = new ArrayList<>();
        for (int k = 1; k <= n; k++) {
            if (!byIndex.containsKey(k)) {
                absent.add(k + "/" + n);
            }
        }
        if (!absent.isEmpty()) {
            why.add((absent.size() == 1 ? "shard " : "shards ") + String.join(", ", absent) + " missing");
        }
        for (ShardFile s : shards) {
            if (Boolean.TRUE.equals(s.doc().get("partial"))) {
                why.add(s.file() + " is partial" + (s.doc().get("stop_reason") == null ? "" : " (" + s.doc().get("stop_reason") + ")"));
            }
        }
        List<Sweep.Point> missing = missingPoints(header, runs.keySet());
        if (!missing.isEmpty()) {
            System.err.println("shootdown: warning: merged " + runs.size() + " of " + header.get("points_total") + " points: " + String.join("; ", why));
        }
        Map<String, Object> out = SweepReport.json(header, new ArrayList<>(runs.values()), missing, why.isEmpty() ? null : String.join("; ", why));
        System.out.print(json ? Json.write(out) + "\n" : SweepReport.text(out));
        System.out.flush();
        return missing.isEmpty() ? Main.OK : Main.INCOMPLETE;
    }

    @SuppressWarnings("unchecked")
    private static ShardFile read(Path f) {
        Map<String, Object> doc;
        try {
            doc = new ObjectMapper().readValue(Sources.text(f), Map.class);
        } catch (IOException e) {
            throw new UserError(f + ": not a sweep's JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (!(doc.get("sweep") instanceof Map<?, ?> h) || !(doc.get("runs") instanceof List<?> rs)) {
            throw new UserError(f + ": not a sweep's JSON (expected keys sweep and runs)");
        }
        Sweep.Shard shard;
        try {
            shard = Sweep.Shard.parse((String) h.get("shard"));
        } catch (UserError | ClassCastException e) {
            throw new UserError(f + ": not a sweep's JSON (shard " + h.get("shard") + " is not K/N)");
        }
        // What the merge reads of the file, checked here: a hand-edited or truncated file is the user's mistake, not a crash.
        if (!(h.get("axes") instanceof Map<?, ?> axes) || !axes.values().stream().allMatch(v -> v instanceof List<?> l && !l.isEmpty())) {
            throw new UserError(f + ": not a sweep's JSON (axes is not {\"NAME\": [V1, V2, ...]})");
        }
        long points = 1;
        for (Object v : axes.values()) {
            points = Math.min(points * ((List<?>) v).size(), Sweep.MAX_POINTS + 1L);
        }
        for (int i = 0; i < rs.size(); i++) {
            if (!(rs.get(i) instanceof Map<?, ?> run) || !(run.get("index") instanceof Integer index)) {
                throw new UserError(f + ": not a sweep's JSON (run " + i + " has no whole-number index)");
            }
            if (index < 0 || index >= points || index % shard.n() != shard.k() - 1) {
                throw new UserError(f + ": point " + index + " is not a point of shard " + shard + " of its " + points + "-point sweep");
            }
        }
        return new ShardFile(f, (Map<String, Object>) h, shard, (List<Map<String, Object>>) rs, doc);
    }

    /** The header as shards of one sweep share it: the shard's count stands for the shard. */
    private static Map<String, Object> comparable(ShardFile s) {
        Map<String, Object> h = new LinkedHashMap<>(s.header());
        h.put("shard", s.shard().n());
        return h;
    }

    /**
     * The first field in which two headers differ, said as "--seed is 1 in a.json but 2 in b.json"
     * (an axis or a parameter by name), or null if none does. Axes differ in order too: the order
     * decides which point an index is.
     */
    private static String difference(Map<String, Object> a, Map<String, Object> b, Path fa, Path fb) {
        return difference(a, b, fa, fb, LABELS, "not recorded");
    }

    /** {@code absent} says what a key missing on one side means: a header written before the field was, or an axis or parameter not given. */
    @SuppressWarnings("unchecked")
    private static String difference(Map<String, Object> a, Map<String, Object> b, Path fa, Path fb, Map<String, String> labels, String absent) {
        Set<String> keys = new LinkedHashSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String key : keys) {
            Object va = a.get(key);
            Object vb = b.get(key);
            String label = labels.getOrDefault(key, key);
            if (va instanceof Map<?, ?> ma && vb instanceof Map<?, ?> mb) {
                String inside = difference((Map<String, Object>) ma, (Map<String, Object>) mb, fa, fb, Map.of(), "not given");
                if (inside != null) {
                    return label + " " + inside;
                }
                if (key.equals("axes") && !List.copyOf(ma.keySet()).equals(List.copyOf(mb.keySet()))) {
                    return "the order of " + label + " is " + String.join(", ", (Set<String>) ma.keySet()) + " in " + fa + " but "
                            + String.join(", ", (Set<String>) mb.keySet()) + " in " + fb;
                }
            } else if (!Objects.equals(va, vb)) {
                return label + " is " + show(va, absent) + " in " + fa + " but " + show(vb, absent) + " in " + fb;
            }
        }
        return null;
    }

    private static String show(Object v, String absent) {
        if (v == null) {
            return absent;
        }
        if (v instanceof List<?> l) {
            return String.join(",", l.stream().map(String::valueOf).toList());
        }
        String s = String.valueOf(v);
        // A digest, at the top or by axis value inside profile_sha256: its first 12 digits tell two apart.
        return s.matches("[0-9a-f]{64}") ? s.substring(0, 12) + "..." : s;
    }

    /** The points of the whole sweep that no shard ran. */
    @SuppressWarnings("unchecked")
    private static List<Sweep.Point> missingPoints(Map<String, Object> header, Set<Integer> ran) {
        Map<String, List<String>> axes = new LinkedHashMap<>();
        ((Map<String, List<Object>>) header.get("axes")).forEach((name, values) -> axes.put(name, values.stream().map(String::valueOf).toList()));
        return Sweep.points(axes).stream().filter(p -> !ran.contains(p.index())).toList();
    }
}
