package dev.shootdown.sim;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.shootdown.lang.Sources;
import dev.shootdown.lang.UserError;
import dev.shootdown.model.Event;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A profile as a JSON file ({@code --profile FILE}, {@code shootdown profile}): a built-in to start
 * from ({@code base}) and the values a user measured on their own machine in place of its values.
 * Every key but {@code base} is optional; {@link #json} writes every key, so what it prints reads
 * back as the same profile. Costs are inputs: measured costs of primitives, never outcomes.
 */
public final class ProfileFile {
    /** The five distances of {@link Topology}, as keys of line_cycles, ipi_latency and broadcast_latency. */
    private static final List<String> LEVELS = List.of(Topology.LEVEL_NAMES);
    private static final List<String> TOPOLOGY = List.of("sockets", "dies_per_socket", "cores_per_die", "threads_per_core");
    private static final List<String> KEYS = List.of("base", "name", "description", "ghz", "topology", "step_cycles", "costs",
            "line_cycles", "ipi_latency", "broadcast_latency", "broadcast_invalidation", "ranged_flush_cycles");
    /** No primitive costs more (about 6 minutes at 3 GHz): a bound that keeps the engine's clock far from overflow. */
    private static final long MAX_CYCLES = 1_000_000_000_000L;
    private static final JsonFactory JSON = new JsonFactory();

    private ProfileFile() {}

    /** The file form of {@code p}, which started from the built-in {@code base}: every value, in the order a reader expects them. */
    public static Map<String, Object> json(Profile p, String base) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("base", base);
        m.put("name", p.name());
        m.put("description", p.description());
        m.put("ghz", p.ghz());
        Topology t = p.topology();
        m.put("topology", byKey(TOPOLOGY, t.sockets(), t.diesPerSocket(), t.coresPerDie(), t.threadsPerCore()));
        m.put("step_cycles", p.stepCycles());
        m.put("costs", byKey(List.of(Event.NAMES), p.eventCycles()));
        m.put("line_cycles", byKey(LEVELS, p.lineCycles()));
        m.put("ipi_latency", byKey(LEVELS, p.ipiLatency()));
        m.put("broadcast_latency", byKey(LEVELS, p.bcastLatency()));
        m.put("broadcast_invalidation", p.broadcastInvalidation());
        m.put("ranged_flush_cycles", p.rangedFlushCycles());
        return m;
    }

    private static Map<String, Long> byKey(List<String> keys, long... values) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            m.put(keys.get(i), values[i]);
        }
        return m;
    }

    /** Reads a profile file: its base with the file's values in place of the base's. Any mistake is a one-line user error at its position. */
    static Profiles.Source read(Path file) {
        String text = Sources.text(file);
        Node root;
        try (JsonParser p = JSON.createParser(text)) {
            Reader r = new Reader(file, p);
            p.nextToken();
            root = r.value();
            if (p.nextToken() != null) {
                throw r.error(p.currentTokenLocation(), "more after the profile's object");
            }
        } catch (JsonProcessingException e) {
            throw new UserError(at(file, e.getLocation()) + "not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
        }
        return new Reader(file, null).profile(root, text);
    }

    private static String at(Path file, JsonLocation l) {
        return l == null ? file + ": " : file + ":" + l.getLineNr() + ":" + l.getColumnNr() + ": ";
    }

    /** A JSON value and where it starts (and where its key does, inside an object). */
    private record Node(Object value, JsonLocation at, JsonLocation keyAt) {}

    private record Reader(Path file, JsonParser p) {
        UserError error(JsonLocation l, String message) {
            return new UserError(at(file, l) + message);
        }

        /** The value at the current token: objects keep their keys' order and refuse a key given twice. */
        Node value() throws IOException {
            JsonLocation at = p.currentTokenLocation();
            JsonToken t = p.currentToken();
            if (t == null) {
                throw new UserError(file + ": empty file: expected a profile object, e.g. {\"base\": \"skylake\"}");
            }
            return switch (t) {
                case START_OBJECT -> {
                    Map<String, Node> fields = new LinkedHashMap<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        JsonLocation keyAt = p.currentTokenLocation();
                        p.nextToken();
                        Node v = value();
                        if (fields.put(key, new Node(v.value(), v.at(), keyAt)) != null) {
                            throw error(keyAt, "\"" + key + "\" is given twice");
                        }
                    }
                    yield new Node(fields, at, null);
                }
                case START_ARRAY -> {
                    List<Node> items = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        items.add(value());
                    }
                    yield new Node(items, at, null);
                }
                case VALUE_STRING -> new Node(p.getText(), at, null);
                case VALUE_NUMBER_INT -> new Node(p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : p.getLongValue(), at, null);
                case VALUE_NUMBER_FLOAT -> new Node(p.getDoubleValue(), at, null);
                case VALUE_TRUE, VALUE_FALSE -> new Node(p.getBooleanValue(), at, null);
                case VALUE_NULL -> new Node(null, at, null);
                default -> throw error(at, "unexpected " + t);
            };
        }

        Profiles.Source profile(Node root, String text) {
            Map<String, Node> f = object(root, "the profile");
            for (Map.Entry<String, Node> e : f.entrySet()) {
                if (!KEYS.contains(e.getKey())) {
                    throw unknown(e.getValue(), e.getKey(), "key", KEYS);
                }
            }
            Node baseNode = f.get("base");
            if (baseNode == null) {
                throw error(root.at(), "\"base\" is required: the built-in profile to start from (" + String.join(", ", Profiles.all().keySet()) + ")");
            }
            String base = string(baseNode, "base");
            if (!Profiles.all().containsKey(base)) {
                throw error(baseNode.at(), "unknown base '" + base + "': expected a built-in profile, one of " + String.join(", ", Profiles.all().keySet()));
            }
            Profile b = Profiles.all().get(base).get();
            String fileName = file.getFileName().toString();
            String name = f.containsKey("name") ? string(f.get("name"), "name") : fileName.endsWith(".json") ? fileName.substring(0, fileName.length() - 5) : fileName;
            String description = f.containsKey("description") ? string(f.get("description"), "description") : b.description() + ", with the values of " + fileName;
            double ghz = b.ghz();
            if (f.containsKey("ghz")) {
                ghz = number(f.get("ghz"), "ghz");
                if (!(ghz > 0) || ghz > 1000) {
                    throw error(f.get("ghz").at(), "ghz is " + ghz + ": a clock rate is above 0 and at most 1000 GHz");
                }
            }
            Topology topology = f.containsKey("topology") ? topology(f.get("topology"), b.topology()) : b.topology();
            long step = b.stepCycles();
            if (f.containsKey("step_cycles")) {
                step = cycles(f.get("step_cycles"), "step_cycles");
                if (step < 1) {
                    throw error(f.get("step_cycles").at(), "step_cycles is 0: every step costs at least one cycle, so that time moves");
                }
            }
            long[] costs = b.eventCycles().clone();
            if (f.containsKey("costs")) {
                costs(f.get("costs"), costs);
            }
            boolean broadcast = f.containsKey("broadcast_invalidation") ? bool(f.get("broadcast_invalidation"), "broadcast_invalidation") : b.broadcastInvalidation();
            long ranged = f.containsKey("ranged_flush_cycles") ? cycles(f.get("ranged_flush_cycles"), "ranged_flush_cycles") : b.rangedFlushCycles();
            Profile p = new Profile(name, description, ghz, topology, step, costs, levels(f.get("line_cycles"), "line_cycles", b.lineCycles()),
                    levels(f.get("ipi_latency"), "ipi_latency", b.ipiLatency()), levels(f.get("broadcast_latency"), "broadcast_latency", b.bcastLatency()),
                    broadcast, ranged);
            return new Profiles.Source(p, base, text);
        }

        private Topology topology(Node n, Topology b) {
            Map<String, Node> f = object(n, "topology");
            long[] v = {b.sockets(), b.diesPerSocket(), b.coresPerDie(), b.threadsPerCore()};
            for (Map.Entry<String, Node> e : f.entrySet()) {
                int i = TOPOLOGY.indexOf(e.getKey());
                if (i < 0) {
                    throw unknown(e.getValue(), e.getKey(), "topology key", TOPOLOGY);
                }
                v[i] = whole(e.getValue(), "topology." + e.getKey());
                if (v[i] < 1 || v[i] > Engine.MAX_CPUS) {
                    throw error(e.getValue().at(), "topology." + e.getKey() + " is " + v[i] + ": expected 1 to " + Engine.MAX_CPUS);
                }
            }
            if (v[0] * v[1] * v[2] * v[3] > Engine.MAX_CPUS) {
                throw error(n.at(), "the topology has " + v[0] * v[1] * v[2] * v[3] + " CPUs; the simulator runs at most " + Engine.MAX_CPUS);
            }
            return new Topology((int) v[0], (int) v[1], (int) v[2], (int) v[3]);
        }

        /** Puts the file's costs, by event name in any case, into {@code costs}. */
        private void costs(Node n, long[] costs) {
            Map<String, Node> f = object(n, "costs");
            List<String> names = List.of(Event.NAMES);
            List<String> seen = new ArrayList<>();
            for (Map.Entry<String, Node> e : f.entrySet()) {
                String kind = e.getKey().toLowerCase(Locale.ROOT);
                int i = names.indexOf(kind);
                if (i < 0) {
                    throw unknown(e.getValue(), e.getKey(), "event", names);
                }
                if (seen.contains(kind)) {
                    throw error(e.getValue().keyAt(), "the cost of " + kind + " is given twice (event names are read in any case)");
                }
                seen.add(kind);
                costs[i] = cycles(e.getValue(), "costs." + e.getKey());
            }
        }

        /** A cost by distance: the base's, with the file's values in place. */
        private long[] levels(Node n, String key, long[] base) {
            long[] v = base.clone();
            if (n == null) {
                return v;
            }
            for (Map.Entry<String, Node> e : object(n, key).entrySet()) {
                int i = LEVELS.indexOf(e.getKey());
                if (i < 0) {
                    throw unknown(e.getValue(), e.getKey(), key + " distance", LEVELS);
                }
                v[i] = cycles(e.getValue(), key + "." + e.getKey());
            }
            return v;
        }

        private UserError unknown(Node n, String key, String what, List<String> valid) {
            return error(n.keyAt(), "unknown " + what + " '" + key + "': expected one of " + String.join(", ", valid));
        }

        @SuppressWarnings("unchecked")
        private Map<String, Node> object(Node n, String what) {
            if (n.value() instanceof Map<?, ?> m) {
                return (Map<String, Node>) m;
            }
            throw error(n.at(), what + ": expected an object {...}, got " + kind(n));
        }

        private String string(Node n, String key) {
            if (n.value() instanceof String s) {
                return s;
            }
            throw error(n.at(), key + ": expected a string, got " + kind(n));
        }

        private boolean bool(Node n, String key) {
            if (n.value() instanceof Boolean b) {
                return b;
            }
            throw error(n.at(), key + ": expected true or false, got " + kind(n));
        }

        private double number(Node n, String key) {
            if (n.value() instanceof Number x && !(n.value() instanceof BigInteger)) {
                return x.doubleValue();
            }
            throw error(n.at(), key + ": expected a number, got " + kind(n));
        }

        private long whole(Node n, String key) {
            if (n.value() instanceof Long x) {
                return x;
            }
            if (n.value() instanceof BigInteger x) {
                throw error(n.at(), key + " is " + x + ": too large");
            }
            throw error(n.at(), key + ": expected a whole number, got " + kind(n));
        }

        /** A cost in cycles: a whole number, 0 or more. */
        private long cycles(Node n, String key) {
            long v = whole(n, key);
            if (v < 0 || v > MAX_CYCLES) {
                throw error(n.at(), key + " is " + v + ": a cost is a whole number of cycles from 0 to " + MAX_CYCLES);
            }
            return v;
        }

        private static String kind(Node n) {
            Object v = n.value();
            return v == null ? "null" : v instanceof String s ? "the string \"" + s + "\"" : v instanceof Map ? "an object" : v instanceof List ? "an array"
                    : v instanceof Boolean ? String.valueOf(v) : "the number " + v;
        }
    }
}
