package dev.shootdown.sim;

import java.util.function.Function;

/**
 * One reported figure: its name (the JSON key), unit, meaning, and how it follows from a
 * {@link SimResult}. The value is a Double or a map of name to Double.
 */
public record Metric(String name, String unit, String description, Function<SimResult, Object> value) {}
