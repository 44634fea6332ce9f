package dev.shootdown.sim;

import dev.shootdown.lang.UserError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * A parameter sweep: the cartesian product of {@code name=v1,v2,...} axes, in a fixed order, so
 * point i is the same on every machine and {@code --shard k/N} (points with i % N == k - 1) splits
 * a sweep deterministically; {@code merge} puts the shards back together by index.
 */
public final class Sweep {
    /** One point of the grid: its index in the full sweep and the value of each axis. */
    public record Point(int index, Map<String, String> values) {}

    private Sweep() {}

    /** Parses axes written {@code name=v1,v2}; the order of axes is the order given (the last varies fastest). */
    public static Map<String, List<String>> axes(List<String> specs) {
        Map<String, List<String>> axes = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new UserError("--sweep " + spec + ": expected NAME=V1,V2,... (e.g. cpus=2,4,8)");
            }
            String name = spec.substring(0, eq);
            if (axes.containsKey(name)) {
                throw new UserError("--sweep " + name + " is given twice");
            }
            List<String> values = List.of(spec.substring(eq + 1).split(","));
            if (values.stream().anyMatch(String::isBlank)) {
                throw new UserError("--sweep " + spec + ": an empty value");
            }
            axes.put(name, values);
        }
        return axes;
    }

    public static List<Point> points(Map<String, List<String>> axes) {
        List<Point> out = new ArrayList<>();
        List<String> names = new ArrayList<>(axes.keySet());
        int total = 1;
        for (List<String> v : axes.values()) {
            total = Math.multiplyExact(total, v.size());
        }
        for (int i = 0; i < total; i++) {
            Map<String, String> values = new LinkedHashMap<>();
            int rest = i;
            for (int a = names.size() - 1; a >= 0; a--) {
                List<String> v = axes.get(names.get(a));
                values.put(names.get(a), v.get(rest % v.size()));
                rest /= v.size();
            }
            Map<String, String> ordered = new LinkedHashMap<>();
            for (String n : names) {
                ordered.put(n, values.get(n));
            }
            out.add(new Point(i, ordered));
        }
        return out;
    }

    /** The points of shard {@code k} of {@code n} (1-based), written "k/n". */
    public static List<Point> shard(List<Point> points, String spec) {
        if (spec == null) {
            return points;
        }
        String[] kn = spec.split("/");
        int k;
        int n;
        try {
            k = Integer.parseInt(kn[0]);
            n = Integer.parseInt(kn[1]);
        } catch (RuntimeException e) {
            throw new UserError("--shard " + spec + ": expected K/N, e.g. 1/4");
        }
        if (kn.length != 2 || n < 1 || k < 1 || k > n) {
            throw new UserError("--shard " + spec + ": expected K/N with 1 <= K <= N");
        }
        return points.stream().filter(p -> p.index() % n == k - 1).toList();
    }

    /** Runs {@code run} on each point on a pool of {@code threads}, and returns the results in point order. */
    public static <R> List<R> run(List<Point> points, int threads, Function<Point, R> run) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (Point p : points) {
                futures.add(pool.submit(() -> run.apply(p)));
            }
            List<R> out = new ArrayList<>();
            for (Future<R> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UserError("interrupted");
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
