package dev.shootdown.sim;

import java.util.Map;
import java.util.function.Function;

/**
 * One reported figure: its name (the JSON key), unit, meaning, and how it follows from a
 * {@link SimResult}. The value is a Double or a map of name to Double; a part of a map whose unit is
 * not the metric's says so in {@code partUnits} (a latency's {@code count} is a count, not {@code us}).
 */
public record Metric(String name, String unit, String description, Function<SimResult, Object> value, Map<String, String> partUnits) {
    public Metric(String name, String unit, String description, Function<SimResult, Object> value) {
        this(name, unit, description, value, Map.of());
    }

    /** The unit of one part of a map-valued metric ("" for the metric itself). */
    public String unit(String part) {
        return partUnits.getOrDefault(part, unit);
    }

    /** The unit of {@code part} of the metric named {@code metric}, or "" for a metric the registry does not have (JSON of a newer version). */
    public static String unitOf(String metric, String part) {
        for (Metric m : Metrics.ALL) {
            if (m.name().equals(metric)) {
                return m.unit(part);
            }
        }
        return "";
    }
}
