package dev.shootdown.sim;

import dev.shootdown.lang.UserError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A parameter sweep: the cartesian product of {@code name=v1,v2,...} axes, in a fixed order, so
 * point i is the same on every machine and {@code --shard k/N} (points with i % N == k - 1) splits
 * a sweep deterministically; {@code merge} puts the shards back together by index.
 */
public final class Sweep {
    /** One point of the grid: its index in the full sweep and the value of each axis. */
    public record Point(int index, Map<String, String> values) {}

    /** The most points a sweep may have: each is a run, and the list of them is held in memory. */
    public static final int MAX_POINTS = 100_000;

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
            // -1 keeps trailing empty strings: "cpus=2," and "cpus=," have an empty value, which split alone would drop.
            List<String> values = List.of(spec.substring(eq + 1).split(",", -1));
            if (values.stream().anyMatch(String::isBlank)) {
                throw new UserError("--sweep " + spec + ": an empty value (expected NAME=V1,V2,..., e.g. cpus=2,4,8)");
            }
            axes.put(name, values);
        }
        return axes;
    }

    public static List<Point> points(Map<String, List<String>> axes) {
        List<Point> out = new ArrayList<>();
        List<String> names = new ArrayList<>(axes.keySet());
        long total = 1;
        List<String> sizes = new ArrayList<>();
        for (Map.Entry<String, List<String>> a : axes.entrySet()) {
            total = Math.min(total * a.getValue().size(), MAX_POINTS + 1L); // capped, so no product overflows
            sizes.add(a.getKey() + " " + a.getValue().size());
        }
        if (total > MAX_POINTS) {
            throw new UserError("--sweep: more than " + MAX_POINTS + " points (" + String.join(" x ", sizes) + " values)");
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

    /** Shard {@code k} of {@code n} (1-based), written "k/n": the points with index % n == k - 1. A whole sweep is 1/1. */
    public record Shard(int k, int n) {
        public static final Shard WHOLE = new Shard(1, 1);

        /** Parses "k/n"; null is the whole sweep. */
        public static Shard parse(String spec) {
            if (spec == null) {
                return WHOLE;
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
            return new Shard(k, n);
        }

        @Override
        public String toString() {
            return k + "/" + n;
        }
    }

    /** The points of shard {@code k} of {@code n} (1-based), written "k/n". */
    public static List<Point> shard(List<Point> points, String spec) {
        return shard(points, Shard.parse(spec));
    }

    /** The points of shard {@code s}. */
    public static List<Point> shard(List<Point> points, Shard s) {
        return points.stream().filter(p -> p.index() % s.n() == s.k() - 1).toList();
    }

    /**
     * What a sweep ran, in point order: the points that finished with their results, and the points
     * that did not (the one that failed, those a failure or a stop kept from starting, those still
     * running when stopped).
     *
     * @param failure     the first failure in point order, or null
     * @param interrupted whether {@code stop} ended the sweep before every point had finished
     */
    public record Outcome<R>(List<Point> finished, List<R> results, List<Point> missing, Failure failure, boolean interrupted) {
        public boolean complete() {
            return missing.isEmpty();
        }
    }

    /** A point that threw. */
    public record Failure(Point point, RuntimeException error) {}

    /**
     * Runs {@code run} on each point on a pool of {@code threads} until every point is done or
     * {@code stop} is set (Ctrl-C). After a point fails no other starts, but those already running
     * finish, so no work done is thrown away; after a stop, what has finished is returned at once.
     */
    public static <R> Outcome<R> run(List<Point> points, int threads, AtomicBoolean stop, Function<Point, R> run) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        AtomicBoolean failed = new AtomicBoolean();
        CountDownLatch left = new CountDownLatch(points.size());
        try {
            List<Future<Optional<R>>> futures = new ArrayList<>();
            for (Point p : points) {
                futures.add(pool.submit(() -> {
                    try {
                        if (failed.get() || stop.get()) {
                            return Optional.<R>empty();
                        }
                        return Optional.of(run.apply(p));
                    } catch (RuntimeException | Error e) {
                        failed.set(true);
                        throw e;
                    } finally {
                        left.countDown();
                    }
                }));
            }
            boolean waited = awaitAll(left, stop);
            List<Point> finished = new ArrayList<>();
            List<R> results = new ArrayList<>();
            List<Point> missing = new ArrayList<>();
            Failure failure = null;
            for (int i = 0; i < points.size(); i++) {
                Optional<R> r = Optional.empty();
                // A point counts down just before its future completes: after the wait, get() waits for that.
                if (waited || futures.get(i).isDone()) {
                    try {
                        r = futures.get(i).get();
                    } catch (ExecutionException e) {
                        if (failure == null) {
                            failure = new Failure(points.get(i), e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause()));
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        waited = false;
                    }
                }
                if (r.isPresent()) {
                    finished.add(points.get(i));
                    results.add(r.get());
                } else {
                    missing.add(points.get(i));
                }
            }
            return new Outcome<>(finished, results, missing, failure, (!waited || stop.get()) && !missing.isEmpty());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits for every point, looking at {@code stop} every 100 ms; false if stopped first (or this thread was interrupted). */
    private static boolean awaitAll(CountDownLatch left, AtomicBoolean stop) {
        try {
            while (!left.await(100, TimeUnit.MILLISECONDS)) {
                if (stop.get()) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
