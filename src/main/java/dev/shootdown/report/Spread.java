package dev.shootdown.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One figure over several seeds: each seed's value, their mean, and the half-width of the 95%
 * confidence interval of that mean, t(0.975, N-1) times the sample standard deviation over the
 * square root of N ({@link StudentT}); NaN for one seed, where there is no interval.
 */
public record Spread(double mean, double ci95, List<Double> values) {
    public Spread {
        values = List.copyOf(values);
    }

    public static Spread of(List<Double> values) {
        int n = values.size();
        if (n == 0) {
            throw new IllegalArgumentException("no values");
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / n;
        if (n == 1) {
            return new Spread(mean, Double.NaN, values);
        }
        if (values.stream().distinct().count() == 1) {
            // Seeds that agree: no interval, exactly (the sum of squares would leave rounding behind).
            return new Spread(values.get(0), 0, values);
        }
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(squares / (n - 1));
        return new Spread(mean, StudentT.quantile975(n - 1) * sd / Math.sqrt(n), values);
    }

    /** The JSON form: {@code {"mean", "ci95", "seeds": [one value per seed]}}, ci95 null for one seed. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", mean);
        m.put("ci95", Double.isNaN(ci95) ? null : ci95);
        m.put("seeds", values);
        return m;
    }

    /**
     * Reads {@link #json} back; null when {@code o} is not of that form (a plain number, or a map of
     * parts: a latency's own {@code mean} is a part, told apart by the absence of {@code seeds}).
     */
    static Spread fromJson(Object o) {
        if (!(o instanceof Map<?, ?> m) || !(m.get("seeds") instanceof List<?> seeds) || !(m.get("mean") instanceof Number mean)) {
            return null;
        }
        List<Double> values = new ArrayList<>();
        for (Object v : seeds) {
            if (v instanceof Number n) {
                values.add(n.doubleValue());
            }
        }
        return new Spread(mean.doubleValue(), m.get("ci95") instanceof Number h ? h.doubleValue() : Double.NaN, values);
    }
}
