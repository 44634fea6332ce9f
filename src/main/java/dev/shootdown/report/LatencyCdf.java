package dev.shootdown.report;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * A latency distribution as the points of its cumulative distribution function: (latency in us,
 * fraction of the recorded values at or below it), from the HdrHistogram a run keeps. Points come
 * from HdrHistogram's percentile iteration, ten per halving of the distance to 100% (every 5% of the
 * body, ever finer in the tail), so a CDF is a hundred-odd points whatever the run's length.
 */
public final class LatencyCdf {
    /** Percentile ticks per halving of the distance to 100%. */
    private static final int TICKS_PER_HALF = 10;

    private LatencyCdf() {}

    /** The CDF of {@code cycles}, converted to microseconds by {@code micros}; empty for an empty histogram. */
    public static List<double[]> of(Histogram cycles, DoubleUnaryOperator micros) {
        List<double[]> points = new ArrayList<>();
        if (cycles.getTotalCount() == 0) {
            return points;
        }
        for (HistogramIterationValue v : cycles.percentiles(TICKS_PER_HALF)) {
            double us = micros.applyAsDouble(cycles.highestEquivalentValue(v.getValueIteratedTo()));
            double fraction = v.getTotalCountToThisValue() / (double) cycles.getTotalCount();
            if (!points.isEmpty() && points.get(points.size() - 1)[0] == us) {
                points.get(points.size() - 1)[1] = fraction;
            } else {
                points.add(new double[] {us, fraction});
            }
        }
        return points;
    }

    /** Reads the JSON form, a list of {@code [us, fraction]} pairs; what is not such a pair is left out. */
    static List<double[]> fromJson(Object o) {
        List<double[]> points = new ArrayList<>();
        if (o instanceof List<?> list) {
            for (Object p : list) {
                if (p instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof Number us && pair.get(1) instanceof Number f) {
                    points.add(new double[] {us.doubleValue(), f.doubleValue()});
                }
            }
        }
        return points;
    }
}
