package dev.shootdown.cli;

import dev.shootdown.lang.UserError;
import dev.shootdown.report.RunSummary;
import dev.shootdown.report.SeedRuns;
import dev.shootdown.report.SimReport;
import dev.shootdown.report.SweepReport;
import dev.shootdown.sim.Hunt;
import dev.shootdown.sim.SchedulerShard;
import dev.shootdown.sim.Profile;
import dev.shootdown.sim.Profiles;
import dev.shootdown.sim.Protocols;
import dev.shootdown.sim.SimOptions;
import dev.shootdown.sim.SimResult;
import dev.shootdown.sim.Simulation;
import dev.shootdown.sim.Sweep;
import dev.shootdown.sim.Workload;
import dev.shootdown.sim.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Run a protocol under a workload on a timed hardware model and report what it costs.",
                "The protocol file is the one the checker runs: its cpu/check lines are replaced by the workload's programs for N CPUs.",
                "Protocol convention: the first mm is the workload's process; proc munmap(va) (workloads munmap, tlb_flush2, server),",
                "proc flush_batch(m) (reclaim), optional proc switch_mm_irqs_off(prev, next) and enter_lazy_tlb(m) (context switches: munmap, server, reclaim).",
                "Workloads: munmap, tlb_flush2, server, reclaim, or the path of a snippet (.sdw).",
                "Profiles: skylake, p3, milan, arm64, or the path of a profile file (.json; `shootdown profile skylake` prints one to start from).",
                "A sweep that a failing point or Ctrl-C stops prints the points that finished, marked partial (with --json: keys partial, stop_reason, missing).",
                "With --sweep, --html writes one page of every point that finished; --trace (one run's timeline) is refused: trace a point on its own.",
                "A stall (a CPU with work left blocked for --stall-after or longer) or a deadlock is reported with where each CPU waits.",
                "--hunt counts every step that breaks a property (the run goes on after each) and reports the rate per simulated hour",
                "and the first one's per-CPU timeline (--trace: a Perfetto trace around it); its jitter is exp unless --jitter says otherwise.",
                "Exit codes: 0 done, 1 a property broken or a stall or deadlock, 2 bad input, 70 internal error, 130 interrupted (Ctrl-C)."})
final class SimulateCommand implements Callable<Integer> {
    /** The options a sweep axis of the same name replaces. */
    private static final Map<String, String> AXIS_OPTIONS = Map.of("cpus", "--cpus", "seed", "--seed", "seconds", "--seconds", "profile", "--profile",
            "tick_hz", "--tick-hz", "tick_skew", "--tick-skew");

    private static final String CPUS_REQUIRED = "--cpus N is required (or --sweep cpus=...)";

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The protocol file (.sd), or the name of a shipped protocol (linux-ipi, invlpgb, dfly-cpusync).")
    String file;

    @Option(names = "--workload", required = true, paramLabel = "NAME", description = "A built-in workload or the path of a workload snippet.")
    String workload;

    @Option(names = "--cpus", paramLabel = "N", description = "How many CPUs (up to 4096); required unless --sweep gives cpus.")
    int cpus;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the run's random choices (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--seeds", paramLabel = "N", description = {"Run each point under N seeds, --seed, --seed + 1, ..., and report each metric as the mean",
            "± the half-width of its 95% confidence interval (Student's t, N-1 degrees of freedom); --json adds mean, ci95 and the seeds' values."})
    Integer seeds;

    @Option(names = "--seconds", paramLabel = "T", description = "Simulated seconds (default: ${DEFAULT-VALUE}).")
    double seconds = 1.0;

    @Option(names = "--profile", paramLabel = "NAME", description = "Hardware cost profile: a built-in or the path of a profile file (default: ${DEFAULT-VALUE}).")
    String profile = "skylake";

    /** Each profile the run or sweep names, read once: every point of a sweep uses the file's text its header's digest is of. */
    private final Map<String, Profiles.Source> profiles = new ConcurrentHashMap<>();

    @Option(names = "--tick-hz", paramLabel = "HZ", description = "Timer ticks per second on a busy CPU (Linux CONFIG_HZ; idle CPUs do not tick; 0: none) (default: ${DEFAULT-VALUE}).")
    double tickHz = SimOptions.DEFAULT_TICK_HZ;

    @Option(names = "--tick-skew", description = "Offset each CPU's tick as Linux's skew_tick=1 does (CPU c by c/CPUs of half a period) instead of one edge for all.")
    boolean tickSkew;

    @Option(names = "--stall-after", paramLabel = "T", description = {"Simulated seconds a CPU with work left may stay blocked before the run is a stall",
            "(at least; longer when 10 times the run's longest compute()/idle() or finished wait is longer) (default: ${DEFAULT-VALUE})."})
    double stallAfter = SimOptions.DEFAULT_STALL_SECONDS;

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "A workload parameter (repeatable), e.g. user_cycles=500000.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Option(names = "--sweep", paramLabel = "NAME=V1,V2,...", description = {"Run every combination of these values (repeatable): cpus, seed, seconds, profile, tick_hz, tick_skew (0/1) or a workload parameter,",
            "e.g. --sweep cpus=2,4,8,16,32,64,128,256. Points run in parallel (a progress bar on stderr); results print in point order."})
    List<String> sweep = new ArrayList<>();

    @Option(names = "--shard", paramLabel = "K/N|auto", description = {"Run only the sweep points with index %% N == K-1 (merge the shards' JSON with `merge`);",
            "auto: K and N from a Slurm job array (SLURM_ARRAY_TASK_ID, _COUNT, _MIN) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, SHOOTDOWN_SHARD_COUNT)."})
    String shard;

    @Option(names = "--output", paramLabel = "FILE", description = "With --sweep: write the table or JSON to FILE (atomically, {shard} replaced by K) instead of standard output.")
    String output;

    @Option(names = "--threads", paramLabel = "N", description = "Parallel runs of a sweep (default: the number of processors).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--hunt", description = {"Count the steps that break a property instead of noting the first of each kind, per simulated hour,",
            "with the first one's per-CPU timeline (and with --trace a Perfetto trace around it). One run: refused with --sweep or --shard."})
    boolean hunt;

    @Mixin
    SimOutputs outputs = new SimOutputs();

    @Mixin
    NoiseOptions noise = new NoiseOptions();

    @Mixin
    Defines defines = new Defines();

    /** The protocol's params (a sweep may name one as an axis), read once. */
    private java.util.Set<String> protocolParams;

    private java.util.Set<String> protocolParams() {
        if (protocolParams == null) {
            protocolParams = dev.shootdown.lang.Parser.parse(Protocols.load(file)).params().keySet();
        }
        return protocolParams;
    }

    @Override
    public Integer call() {
        Workload w = Workloads.byName(workload);
        noise.noise(hunt); // a bad --jitter is refused before anything runs
        if (!sweep.isEmpty() || shard != null) {
            if (hunt) {
                throw new UserError("--hunt hunts in one run, not a sweep: drop --sweep and --shard (and run each machine on its own)");
            }
            return sweep(w);
        }
        if (output != null) {
            throw new UserError("--output writes a sweep's table or JSON (a shard's, with --shard); a single run prints to standard output (add --sweep, or drop --output)");
        }
        if (seeds != null) {
            if (hunt) {
                throw new UserError("--hunt hunts in one run: drop --seeds (or hunt under each seed with --seed)");
            }
            return seeded(w);
        }
        if (given("--threads")) {
            throw new UserError("--threads sets how many points of a sweep run at once; a single run uses one thread (add --sweep, or drop --threads)");
        }
        checkParameters(w, Map.of());
        if (!given("--cpus")) {
            throw new UserError(CPUS_REQUIRED);
        }
        Profile p = profile(profile).profile();
        AtomicBoolean stop = new AtomicBoolean();
        String process = file + " " + workload + ", " + cpus + " CPUs, " + p.name() + ", seed " + seed;
        // Ctrl-C ends the run where it has got to; what it measured until then is printed, marked partial.
        return Interrupts.printBeforeExit(stop, () -> {
            SimResult r;
            Hunt.Result found = null;
            if (hunt) {
                // The counting run is not traced; the trace, if asked for, is of the run again around the first violation.
                outputs.checkTraceOptions();
                r = runWatched(null, stop);
                found = hunt(r, process, p);
            } else {
                r = outputs.run(process, cpus, p, trace -> runWatched(trace, stop));
            }
            Map<String, Object> out = SimReport.json(r);
            if (found != null) {
                out.put("hunt", SimReport.hunt(found));
            }
            System.out.print(json ? Json.write(out) + "\n" : SimReport.text(r) + (found != null ? SimReport.huntText(found) : ""));
            System.out.flush();
            int code = outputs.writeHtml(List.of(RunSummary.of(r)), " on " + r.cpus() + " CPUs");
            // A broken property and a stall are failures, as a violated property is for check.
            return stop.get() && r.stall() != null ? Main.INTERRUPTED
                    : code == Main.OK && (r.liveness() != null || r.violationSteps() > 0) ? Main.VIOLATION : code;
        });
    }

    /** The hunt of the counting run {@code r}: its count, and the first violation's timeline from the run again (traced if --trace). */
    private Hunt.Result hunt(SimResult r, String process, Profile p) {
        if (r.violations().isEmpty()) {
            if (outputs.trace != null) {
                System.err.println("trace: no property was broken, so no trace written to " + outputs.trace);
            }
            return Hunt.of(r, null, null);
        }
        double at = r.violations().get(0).atMicros();
        RunOptions o = options(Map.of());
        Hunt.Rerun again = (seconds, trace) -> Simulation.run(Protocols.load(file), o.defines(), Workloads.byName(workload), o.params(), cpus, p,
                simOptions(o, trace, null).withSeconds(seconds));
        // The Perfetto trace shows a millisecond before the first violation (the timeline: the last BEFORE_US of it).
        return outputs.runAround(Math.max(0, at - 1000), at + Hunt.AFTER_US, process, cpus, p, perfetto -> Hunt.of(r, again, perfetto));
    }

    /** The single run, stopped by {@code stop}, under a bar of simulated milliseconds when stderr is a terminal. */
    private SimResult runWatched(dev.shootdown.sim.SimTrace trace, AtomicBoolean stop) {
        if (!main.stderrTerminal()) {
            return runOne(Map.of(), trace, (cycles, end) -> stop.get());
        }
        int ms = (int) Math.max(1, Math.round(seconds * 1000));
        return ProgressBar.run(true, "simulate", "simulated ms", ms, 1, bar -> {
            SimResult r = runOne(Map.of(), trace, (cycles, end) -> {
                bar.reached((int) (ms * ((double) cycles / end)));
                return stop.get();
            });
            if (r.stall() != null) {
                bar.stop(stop.get() ? "interrupted" : "stopped early");
            } else {
                bar.reached(ms);
            }
            return r;
        });
    }

    /**
     * One point under {@code --seeds N}: the seeds run on the pool (as a sweep's points do), then the point's
     * metrics as mean ± ci95; a seed that fails or Ctrl-C stops the others, and nothing is printed of a point
     * whose seeds did not all finish.
     */
    private Integer seeded(Workload w) {
        checkParameters(w, Map.of());
        if (!given("--cpus")) {
            throw new UserError(CPUS_REQUIRED);
        }
        outputs.refuseTrace("--seeds " + seeds, "one seed: drop --seeds");
        List<Sweep.Point> points = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            points.add(new Sweep.Point(i, Map.of()));
        }
        AtomicBoolean stop = new AtomicBoolean();
        return Interrupts.printBeforeExit(stop, () -> {
            Sweep.Outcome<SimResult> o = ProgressBar.sweep(main.stderrTerminal(), "seeds", "seeds", points, threads, stop,
                    p -> runOne(Map.of("seed", Long.toString(seed + p.index()))));
            if (o.failure() != null) {
                throw o.failure().error();
            }
            if (!o.complete()) {
                System.err.println("shootdown: interrupted after " + o.results().size() + " of " + seeds + " seeds; nothing to report");
                return Main.INTERRUPTED;
            }
            List<SimResult> bySeed = new ArrayList<>(o.results());
            bySeed.sort(java.util.Comparator.comparingLong(SimResult::seed));
            SeedRuns runs = new SeedRuns(bySeed);
            System.out.print(json ? Json.write(SimReport.json(runs)) + "\n" : SimReport.text(runs));
            System.out.flush();
            int code = outputs.writeHtml(List.of(RunSummary.of(runs, Map.of())), " on " + cpus + " CPUs, " + seeds + " seeds");
            return code == Main.OK && runs.failed() ? Main.VIOLATION : code;
        });
    }

    /** One run, with some of the options replaced by a sweep point's values. */
    private SimResult runOne(Map<String, String> point) {
        return runOne(point, null, null);
    }

    /** A sweep point under each of {@code --seeds} seeds (or the one seed, without it), one after another. */
    private SeedRuns runSeeds(Map<String, String> point) {
        List<SimResult> runs = new ArrayList<>();
        for (long s : SeedRuns.seeds(seed, seeds == null ? 1 : seeds)) {
            Map<String, String> p = new LinkedHashMap<>(point);
            if (seeds != null) {
                p.put("seed", Long.toString(s));
            }
            runs.add(runOne(p));
        }
        return new SeedRuns(runs);
    }

    private SimResult runOne(Map<String, String> point, dev.shootdown.sim.SimTrace trace, SimOptions.Progress progress) {
        RunOptions o = options(point);
        return Simulation.run(Protocols.load(file), o.defines(), Workloads.byName(workload), o.params(), o.cpus(), o.profile(), simOptions(o, trace, progress));
    }

    private SimOptions simOptions(RunOptions o, dev.shootdown.sim.SimTrace trace, SimOptions.Progress progress) {
        return new SimOptions(o.seconds(), o.seed(), trace, o.tickHz(), o.tickSkew(), progress, stallAfter, noise.noise(hunt));
    }

    /** What one run uses: the command's options with a sweep point's values in their place. */
    private record RunOptions(int cpus, long seed, double seconds, Profile profile, double tickHz, boolean tickSkew, Map<String, String> params,
                              Map<String, Integer> defines) {}

    /**
     * The options of the run at {@code point}: a sweep point's values checked against the bounds of the
     * options they stand for (the options themselves were checked before the command ran).
     */
    private RunOptions options(Map<String, String> point) {
        int n = point.containsKey("cpus") ? (int) whole("cpus", point.get("cpus")) : cpus;
        long s = point.containsKey("seed") ? whole("seed", point.get("seed")) : seed;
        double t = point.containsKey("seconds") ? decimal("seconds", point.get("seconds")) : seconds;
        String prof = point.getOrDefault("profile", profile);
        double hz = point.containsKey("tick_hz") ? decimal("tick_hz", point.get("tick_hz")) : tickHz;
        boolean skew = point.containsKey("tick_skew") ? flag("tick_skew", point.get("tick_skew")) : tickSkew;
        Map<String, String> wp = new LinkedHashMap<>(params);
        Map<String, Integer> d = new LinkedHashMap<>(defines.values());
        for (Map.Entry<String, String> e : point.entrySet()) {
            if (protocolParams().contains(e.getKey())) {
                d.put(e.getKey(), paramValue(e.getKey(), e.getValue()));
            } else if (!AXIS_OPTIONS.containsKey(e.getKey())) {
                wp.put(e.getKey(), e.getValue());
            }
        }
        return new RunOptions(n, s, t, profile(prof).profile(), hz, skew, wp, d);
    }

    private Profiles.Source profile(String nameOrPath) {
        return profiles.computeIfAbsent(nameOrPath, Profiles::resolve);
    }

    private Integer sweep(Workload w) {
        List<String> specs = sweep.isEmpty() ? List.of("cpus=" + cpus) : sweep;
        Map<String, List<String>> axes = Sweep.axes(specs);
        // An axis that is no option and no parameter of the workload is the mistake to report, before what it leaves out.
        checkParameters(w, sweep.isEmpty() ? Map.of() : axes);
        // An option the sweep also sets would be silently overridden: say so instead.
        for (String axis : sweep.isEmpty() ? List.<String>of() : axes.keySet()) {
            String option = AXIS_OPTIONS.get(axis);
            if (option != null && given(option) || params.containsKey(axis)) {
                throw new UserError((option != null ? option : "--param " + axis) + " and --sweep " + axis + "=... both set " + axis + ": drop one");
            }
        }
        if (seeds != null && axes.containsKey("seed")) {
            throw new UserError("--seeds and --sweep seed=... both set the seeds: drop one");
        }
        if (!given("--cpus") && (sweep.isEmpty() || !axes.containsKey("cpus"))) {
            throw new UserError(CPUS_REQUIRED);
        }
        List<Sweep.Point> all = Sweep.points(axes);
        // --shard auto: this task's shard from the scheduler's environment (Slurm array, Kubernetes Indexed Job).
        Sweep.Shard part = "auto".equals(shard) ? SchedulerShard.fromEnvironment(System.getenv()) : Sweep.Shard.parse(shard);
        String shardName = shard == null ? null : part.toString();
        List<Sweep.Point> mine = Sweep.shard(all, part);
        outputs.refuseTraceInSweep(asOptions(all.get(0)));
        // Check every point's options, the protocol and the workload before the first long run: a typo costs no run.
        for (Sweep.Point p : mine) {
            options(p.values());
        }
        String protocolText = Protocols.load(file).text();
        String workloadText = Workloads.text(Workloads.byName(workload));
        Map<String, Object> header = SweepReport.header(file, workload, axes, shardName, all.size(), shared(axes, protocolText, workloadText));
        AtomicBoolean stop = new AtomicBoolean();
        return Interrupts.printBeforeExit(stop, () -> {
            Sweep.Outcome<SeedRuns> o = ProgressBar.sweep(main.stderrTerminal(), "sweep", "points", mine, threads, stop, p -> runSeeds(p.values()));
            // The finished points are printed whatever stopped the others: nothing computed is lost.
            List<Map<String, Object>> results = o.results().stream().map(r -> seeds == null ? SimReport.json(r.first()) : SimReport.json(r)).toList();
            Map<String, Object> out = SweepReport.json(header, SweepReport.runs(o.finished(), results), o.missing(), stopReason(o));
            String printed = json ? Json.write(out) + "\n" : SweepReport.text(out);
            if (output == null) {
                System.out.print(printed);
                System.out.flush();
            } else if (!OutputFile.write(Path.of(output.replace("{shard}", String.valueOf(part.k()))), printed)) {
                return Main.BAD_INPUT;
            }
            List<RunSummary> runs = new ArrayList<>();
            for (int i = 0; i < o.results().size(); i++) {
                runs.add(RunSummary.of(o.results().get(i), o.finished().get(i).values()));
            }
            int written = outputs.writeHtml(runs, ": sweep " + String.join(" ", specs)
                    + (shardName == null ? "" : ", shard " + shardName) + (o.complete() ? "" : ", partial: " + o.finished().size() + " of " + mine.size() + " points"));
            if (o.failure() != null) {
                throw o.failure().error();
            }
            boolean stalled = o.results().stream().anyMatch(SeedRuns::failed);
            return !o.complete() ? Main.INTERRUPTED : written == Main.OK && stalled ? Main.VIOLATION : written;
        });
    }

    /** The options that run {@code point} on its own, e.g. {@code --cpus 8 --profile milan --param batch=16}. */
    private static String asOptions(Sweep.Point point) {
        List<String> options = new ArrayList<>();
        point.values().forEach((axis, v) -> {
            if (axis.equals("tick_skew")) {
                if (flag(axis, v)) {
                    options.add("--tick-skew");
                }
            } else {
                options.add(AXIS_OPTIONS.containsKey(axis) ? AXIS_OPTIONS.get(axis) + " " + v : "--param " + axis + "=" + v);
            }
        });
        return String.join(" ", options);
    }

    /** What every point of the sweep shares: the options no axis overrides, and digests of the protocol and workload texts. */
    private Map<String, Object> shared(Map<String, List<String>> axes, String protocolText, String workloadText) {
        Map<String, Object> h = new LinkedHashMap<>();
        if (!axes.containsKey("cpus")) {
            h.put("cpus", cpus);
        }
        if (!axes.containsKey("profile")) {
            h.put("profile", profile(profile).profile().name());
        }
        if (!axes.containsKey("seconds")) {
            h.put("seconds", seconds);
        }
        if (!axes.containsKey("seed")) {
            h.put("seed", seed);
        }
        if (seeds != null) {
            h.put("seeds", seeds);
        }
        if (!axes.containsKey("tick_hz")) {
            h.put("tick_hz", tickHz);
        }
        if (!axes.containsKey("tick_skew")) {
            h.put("tick_skew", tickSkew);
        }
        h.put("stall_after", stallAfter);
        if (noise.noise(false).any()) {
            h.put("noise", SimReport.noise(noise.noise(false)));
        }
        Map<String, String> fixed = new LinkedHashMap<>(params);
        fixed.keySet().removeAll(axes.keySet());
        h.put("params", fixed);
        h.put("protocol_sha256", sha256(protocolText));
        h.put("workload_sha256", sha256(workloadText));
        // A profile file's text, so that shards run with two versions of one file do not merge: one digest, or one per file on the axis.
        Map<String, String> digests = new LinkedHashMap<>();
        for (String v : axes.getOrDefault("profile", List.of(profile))) {
            String text = profile(v).text();
            if (text != null) {
                digests.put(v, sha256(text));
            }
        }
        if (!digests.isEmpty()) {
            h.put("profile_sha256", axes.containsKey("profile") ? digests : digests.get(profile));
        }
        return h;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String stopReason(Sweep.Outcome<?> o) {
        if (o.failure() == null) {
            return o.interrupted() ? "interrupted" : null;
        }
        RuntimeException e = o.failure().error();
        StringBuilder point = new StringBuilder();
        o.failure().point().values().forEach((k, v) -> point.append(point.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return "point " + o.failure().point().index() + " (" + point + ") failed: " + Main.message(e);
    }

    /** Whether {@code option} was given on the command line (not just left at its default). */
    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /**
     * Refuses, before anything runs, a --param or sweep axis that a built-in workload does not have (a
     * snippet's parameters are whatever it uses), and a parameter value out of its {@link Bounds}.
     */
    private void checkParameters(Workload w, Map<String, List<String>> axes) {
        boolean builtIn = Workloads.all().containsKey(workload);
        String has = "it has " + (w.defaults().isEmpty() ? "none" : String.join(", ", new TreeSet<>(w.defaults().keySet())));
        for (String name : defines.given.keySet()) {
            if (w.defaults().containsKey(name)) {
                throw new UserError("-D " + name + ": workload " + w.name() + " has a parameter of that name too; rename the protocol's param");
            }
            if (axes.containsKey(name)) {
                throw new UserError("-D " + name + " and --sweep " + name + "=... both set " + name + ": drop one");
            }
        }
        axes.forEach((axis, values) -> {
            if (protocolParams().contains(axis)) {
                values.forEach(v -> paramValue(axis, v));
                return;
            }
            if (!AXIS_OPTIONS.containsKey(axis) && builtIn && !w.defaults().containsKey(axis)) {
                throw new UserError("--sweep " + axis + "=" + String.join(",", values) + ": unknown axis (expected "
                        + String.join(", ", new TreeSet<>(AXIS_OPTIONS.keySet())) + ", a param of the protocol, or a parameter of workload " + w.name() + "; " + has + ")");
            }
        });
        for (Map.Entry<String, String> p : params.entrySet()) {
            if (builtIn && !w.defaults().containsKey(p.getKey())) {
                throw new UserError("--param " + p.getKey() + ": workload " + w.name() + " has no parameter " + p.getKey() + " (" + has + ")");
            }
            parameter(p.getKey(), p.getValue());
        }
        axes.forEach((axis, values) -> {
            if (!AXIS_OPTIONS.containsKey(axis) && !protocolParams().contains(axis)) {
                values.forEach(v -> parameter(axis, v));
            }
        });
    }

    /** Refuses value {@code v} of workload parameter {@code name} unless it is a whole number within the parameter's bounds. */
    private static void parameter(String name, String v) {
        if (!v.matches("-?\\d+")) {
            throw new UserError("workload parameter " + name + "=" + v + ": expected a whole number");
        }
        Bounds.parameter(name).check("workload parameter " + name, Double.parseDouble(v), v);
    }

    /** A sweep axis's whole-number value, within the bounds of the option the axis stands for. */
    /** A value of the protocol's param {@code name} on a sweep axis: a whole number (the compiler checks where it goes). */
    private static int paramValue(String name, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UserError("--sweep " + name + "=" + v + ": expected a whole number for the protocol's param " + name);
        }
    }

    private static long whole(String axis, String v) {
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UserError(axis + "=" + v + ": expected a whole number");
        }
        Bounds.option(AXIS_OPTIONS.get(axis)).check(AXIS_OPTIONS.get(axis), n, v);
        return n;
    }

    private static boolean flag(String name, String v) {
        return switch (v) {
            case "1", "true", "on" -> true;
            case "0", "false", "off" -> false;
            default -> throw new UserError(name + "=" + v + ": expected 0 or 1");
        };
    }

    /** A sweep axis's value, within the bounds of the option the axis stands for. */
    private static double decimal(String axis, String v) {
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UserError(axis + "=" + v + ": expected a number");
        }
        Bounds.option(AXIS_OPTIONS.get(axis)).check(AXIS_OPTIONS.get(axis), d, v);
        return d;
    }
}
