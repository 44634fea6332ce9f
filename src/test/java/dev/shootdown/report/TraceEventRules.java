package dev.shootdown.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rules of the Chrome trace-event format (the "Trace Event Format" document) that our traces
 * must keep, checked on a parsed file: an object with a traceEvents array; every event has a phase
 * and a pid; every timed event a ts >= 0 and a tid; every complete event a dur >= 0; every flow
 * start a finish with the same id, category and name, no earlier than the start, binding to its
 * enclosing slice; every track named by thread_name metadata; and on one track, complete events
 * follow each other: they never overlap, and, stricter than the format, which lets them nest, never
 * nest either (a track is a CPU, which does one thing at a time; the engine ends a compute() where
 * an interrupt's handler begins). Times are compared in whole nanoseconds, as Perfetto keeps them.
 */
public final class TraceEventRules {
    /** A complete event on a track, in nanoseconds. */
    public record Slice(long start, long end, String name) {}

    /** What {@link #check} gathered: the problems (none when the trace keeps the rules) and the parts, for further assertions. */
    public record Result(List<String> problems, Map<String, List<Slice>> slices, Map<Long, JsonNode> flowStarts, Map<Long, JsonNode> flowEnds,
                         int events) {
        /** The slice on {@code track} ("pid:tid") that contains {@code ns} (start inclusive, end exclusive), or null. */
        public Slice enclosing(String track, long ns) {
            Slice best = null;
            for (Slice s : slices.getOrDefault(track, List.of())) {
                if (s.start() <= ns && ns < s.end() && (best == null || s.start() >= best.start())) {
                    best = s;
                }
            }
            return best;
        }
    }

    private TraceEventRules() {}

    public static long ns(JsonNode microseconds) {
        return Math.round(microseconds.asDouble() * 1000);
    }

    public static String track(JsonNode e) {
        return e.path("pid").asLong() + ":" + e.path("tid").asLong();
    }

    public static Result check(JsonNode root) {
        List<String> problems = new ArrayList<>();
        Map<String, List<Slice>> slices = new TreeMap<>();
        Map<Long, JsonNode> starts = new HashMap<>();
        Map<Long, JsonNode> ends = new HashMap<>();
        Set<String> named = new HashSet<>();
        Set<String> used = new HashSet<>();
        if (root == null || !root.isObject() || !root.path("traceEvents").isArray()) {
            problems.add("not an object with a traceEvents array");
            return new Result(problems, slices, starts, ends, 0);
        }
        if (root.has("displayTimeUnit") && !root.get("displayTimeUnit").asText().matches("ms|ns")) {
            problems.add("displayTimeUnit is neither ms nor ns");
        }
        int n = 0;
        for (JsonNode e : root.get("traceEvents")) {
            n++;
            String where = "event " + n + " " + e;
            String ph = e.path("ph").asText("");
            if (!e.path("pid").isIntegralNumber()) {
                problems.add(where + ": no integer pid");
            }
            if (ph.equals("M")) {
                if (e.path("name").asText().equals("thread_name")) {
                    if (!e.path("args").path("name").isTextual()) {
                        problems.add(where + ": thread_name without args.name");
                    }
                    named.add(track(e));
                }
                continue;
            }
            if (!e.path("ts").isNumber() || e.get("ts").asDouble() < 0) {
                problems.add(where + ": ts missing or negative");
                continue;
            }
            if (!e.path("tid").isIntegralNumber()) {
                problems.add(where + ": no integer tid");
            }
            used.add(track(e));
            switch (ph) {
                case "X" -> {
                    if (!e.path("dur").isNumber() || e.get("dur").asDouble() < 0) {
                        problems.add(where + ": X without dur >= 0");
                    } else if (!e.path("name").isTextual()) {
                        problems.add(where + ": X without a name");
                    } else {
                        long s = ns(e.get("ts"));
                        slices.computeIfAbsent(track(e), k -> new ArrayList<>()).add(new Slice(s, s + ns(e.get("dur")), e.get("name").asText()));
                    }
                }
                case "i", "I" -> {
                    if (e.has("s") && !e.get("s").asText().matches("[tpg]")) {
                        problems.add(where + ": instant scope is not t, p or g");
                    }
                }
                case "s" -> {
                    if (!e.has("id")) {
                        problems.add(where + ": flow start without id");
                    } else if (starts.put(e.get("id").asLong(), e) != null) {
                        problems.add(where + ": second flow start with id " + e.get("id"));
                    }
                }
                case "f" -> {
                    if (!e.has("id")) {
                        problems.add(where + ": flow finish without id");
                    } else if (ends.put(e.get("id").asLong(), e) != null) {
                        problems.add(where + ": second flow finish with id " + e.get("id"));
                    }
                }
                default -> problems.add(where + ": unexpected phase '" + ph + "'");
            }
        }
        for (String t : used) {
            if (!named.contains(t)) {
                problems.add("track " + t + " has no thread_name metadata");
            }
        }
        for (Map.Entry<Long, JsonNode> s : starts.entrySet()) {
            JsonNode f = ends.get(s.getKey());
            if (f == null) {
                problems.add("flow " + s.getKey() + " starts and never finishes");
                continue;
            }
            JsonNode a = s.getValue();
            if (!a.path("cat").asText().equals(f.path("cat").asText()) || !a.path("name").asText().equals(f.path("name").asText())) {
                problems.add("flow " + s.getKey() + ": start and finish differ in cat or name");
            }
            if (ns(f.get("ts")) < ns(a.get("ts"))) {
                problems.add("flow " + s.getKey() + " finishes before it starts");
            }
        }
        for (Long id : ends.keySet()) {
            if (!starts.containsKey(id)) {
                problems.add("flow " + id + " finishes without a start");
            }
        }
        for (Map.Entry<String, List<Slice>> t : slices.entrySet()) {
            List<Slice> l = t.getValue();
            l.sort(Comparator.comparingLong(Slice::start).thenComparing(Comparator.comparingLong(Slice::end).reversed()));
            Slice last = null;
            for (Slice s : l) {
                if (last != null && s.start() < last.end()) {
                    problems.add("track " + t.getKey() + ": " + s + (s.end() <= last.end() ? " nests in " : " overlaps ") + last);
                }
                if (last == null || s.end() > last.end()) {
                    last = s;
                }
            }
        }
        return new Result(problems, slices, starts, ends, n);
    }
}
