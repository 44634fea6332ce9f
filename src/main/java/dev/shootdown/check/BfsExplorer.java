package dev.shootdown.check;

import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.UserError;
import dev.shootdown.model.Action;
import dev.shootdown.model.Machine;
import dev.shootdown.model.MaskCpuSets;
import dev.shootdown.model.Program;
import dev.shootdown.model.Symmetry;
import dev.shootdown.model.Verdict;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Exhaustive breadth-first search of a program's state space, so every counterexample is a
 * shortest one. States are packed into bits ({@link StatePacker}) to be hashed and queued; visited
 * states are fingerprints of the packed states; the trace keeps (predecessor, action taken) per
 * state and counterexamples are rebuilt by re-execution ({@link TraceRebuilder}). After a violation
 * the search goes on (without expanding the violating step) until every property has a verdict.
 */
public final class BfsExplorer {
    private static final long PROGRESS_NANOS = 1_000_000_000L;

    private final Program program;
    private final CheckOptions options;
    /** The frontier's blocks: records each, and how many stay in memory before it spills; 0 for the defaults. */
    private final int recordsPerBlock;
    private final int blocksInMemory;
    /** For tests: stop (as Ctrl-C does) when this many states have been taken off the frontier. */
    private long stopAfter = Long.MAX_VALUE;
    /** Whether to use the partial-order reduction (with the other reductions, unless turned off on its own). */
    private boolean partialOrder;
    /** States this deep are checked for a deadlock but not expanded: for the search that finds the shortest counterexamples. */
    private int depthLimit = Integer.MAX_VALUE;
    /** The search may stop once each of these is violated (null: every property is wanted): the same search's. */
    private EnumSet<Verdict> wanted;

    public BfsExplorer(Program program, CheckOptions options) {
        this(program, options, 0, 0);
    }

    /** A search whose frontier has blocks of {@code recordsPerBlock} records and spills past {@code blocksInMemory} of them: for tests. */
    BfsExplorer(Program program, CheckOptions options, int recordsPerBlock, int blocksInMemory) {
        this.program = program;
        this.options = options;
        this.recordsPerBlock = recordsPerBlock;
        this.blocksInMemory = blocksInMemory;
        this.partialOrder = options.reductions();
    }

    /** The same search without the partial-order reduction (the other reductions as the options say): for comparison. */
    public BfsExplorer withoutPartialOrder() {
        this.partialOrder = false;
        return this;
    }

    /** For tests: stops the search, as Ctrl-C would, at its {@code expansions}-th state taken off the frontier. */
    BfsExplorer stopAfter(long expansions) {
        this.stopAfter = expansions;
        return this;
    }

    public CheckResult run() {
        if (program.cpus() > MaskCpuSets.MAX_CPUS) {
            throw new CompileError(program.cpusAt(), "the checker explores at most " + MaskCpuSets.MAX_CPUS + " CPUs; this model has " + program.cpus()
                    + " (exhaustive search wants 2-4; large machines are for the simulator)");
        }
        Machine machine = machine(program, options.reductions());
        partialOrder &= machine.partialOrderApplies();
        CheckResult reduced = searchOn(machine);
        return partialOrder ? shortest(reduced) : reduced;
    }

    /**
     * The partial-order reduction can make a counterexample longer: an action of another CPU may be taken only after a
     * step that went alone, though it did not need to wait for it. So once the reduced search has found violations, the
     * same search without the reduction, to the depth of the deepest of them (in full when one is a livelock, whose
     * depth only the whole graph decides), finds each one's shortest counterexample: the reduced graph is part of the
     * full one, so every violation it found lies within that depth there. The verdicts stay the reduced search's.
     */
    private CheckResult shortest(CheckResult reduced) {
        PartialOrderStats stats = new PartialOrderStats(ampleStates, skippedTransitions, -1, true);
        if (reduced.violations().isEmpty() || ampleStates == 0) {
            return withStats(reduced, reduced.violations(), stats);
        }
        int deepest = 0;
        boolean lasso = false;
        EnumSet<Verdict> found = EnumSet.noneOf(Verdict.class);
        for (Violation v : reduced.violations()) {
            deepest = Math.max(deepest, v.depth());
            lasso |= v.lasso();
            found.add(v.verdict());
        }
        BfsExplorer full = new BfsExplorer(program, options.withCheckpoints(null).withProgress(null), recordsPerBlock, blocksInMemory).withoutPartialOrder();
        full.depthLimit = lasso ? Integer.MAX_VALUE : deepest;
        full.wanted = found;
        CheckResult f = full.run();
        // With --first, the search without the reduction stops at its own first violation, which is what it reports.
        List<Violation> shortest = options.allProperties() ? f.violations().stream().filter(v -> found.contains(v.verdict())).toList()
                : f.violations().stream().limit(1).toList();
        boolean all = options.allProperties() ? shortest.size() == found.size() : shortest.size() == 1;
        if (!all) {
            // The search without the reduction stopped early (memory, Ctrl-C): the reduced search's counterexamples stand.
            return withStats(reduced, reduced.violations(), new PartialOrderStats(ampleStates, skippedTransitions, f.stats().states(), false));
        }
        this.trace = full.trace;
        this.symmetry = full.symmetry;
        return withStats(reduced, shortest, new PartialOrderStats(ampleStates, skippedTransitions, f.stats().states(), true));
    }

    private static CheckResult withStats(CheckResult r, List<Violation> violations, PartialOrderStats stats) {
        return new CheckResult(r.program(), List.copyOf(violations), r.stats(), r.complete(), r.stopReason(), r.symmetry(), r.reductionNotes(),
                r.accessedBitsUntracked(), r.coverage(), stats);
    }

    private CheckResult searchOn(Machine machine) {
        StatePacker packer = StatePacker.of(machine.layout());
        long maxHeap = Runtime.getRuntime().maxMemory();
        try (StateQueue queue = recordsPerBlock > 0 ? new StateQueue(packer, options.spillDirectory(), recordsPerBlock, blocksInMemory)
                : new StateQueue(packer, options.spillDirectory());
             MemoryGuard guard = new MemoryGuard(maxHeap, options.memoryFraction(), queue)) {
            return search(machine, packer, queue, guard, maxHeap);
        } finally {
            if (offHeap != null) {
                offHeap.close();
                offHeap = null;
            }
        }
    }

    private CheckResult search(Machine machine, StatePacker packer, StateQueue queue, MemoryGuard guard, long maxHeap) {
        long start = System.nanoTime();
        int size = machine.layout().size;
        int[] init = machine.initialState();
        CheckOptions.Checkpoints checkpoints = options.checkpoints();
        String model = checkpoints != null ? Checkpoint.identity(program, packer, init) : null;
        List<Violation> violations = new ArrayList<>();
        EnumSet<Verdict> open = EnumSet.copyOf(program.properties());
        boolean checkDeadlock = open.contains(Verdict.DEADLOCK);
        boolean bitstate = options.bitstateBytes() != 0;
        long budget = (long) (maxHeap * options.memoryFraction());
        // no_deadlock's progress half needs the graph, and the graph needs each seen successor's number, which a bit array
        // does not keep: under --bitstate only deadlocked states are looked for.
        boolean withGraph = checkDeadlock && !bitstate && depthLimit == Integer.MAX_VALUE;
        long offHeapBudget = offHeapBudget(bitstate, withGraph);
        guard.offHeapBudget(offHeapBudget);
        Checkpoint.Search restored = checkpoints != null && checkpoints.resume() != null
                ? resume(checkpoints.resume(), model, budget + offHeapBudget, withGraph, packer, queue, guard) : null;
        TraceLog trace = restored != null ? restored.trace() : new TraceLog(machine.maxActions());
        ProgressGraph graph = restored != null ? restored.graph() : withGraph ? new ProgressGraph() : null;
        FingerprintSet seen = restored != null ? restored.seen() : bitstate ? bitstateSet(budget) : graph != null ? new IndexedFingerprintSet(1 << 16)
                : offHeapBudget > 0 ? offHeapSet() : OpenAddressingFingerprintSet.forSearch();
        offHeap = seen instanceof MappedFingerprintSet m ? m : null;
        IndexedFingerprintSet indexed = seen instanceof IndexedFingerprintSet i ? i : null;
        OpenAddressingFingerprintSet plain = seen instanceof OpenAddressingFingerprintSet p ? p : null;
        boolean invariants = !program.invariants().isEmpty();
        if (graph != null) {
            guard.watch(seen, trace, graph);
        } else {
            guard.watch(seen, trace);
        }

        Symmetry symmetry = options.reductions() ? new Symmetry(program, machine.layout(), init) : null;
        this.symmetry = symmetry != null && symmetry.active() ? symmetry : null;
        if (this.symmetry != null) {
            this.symmetry.canonicalize(init);
        }
        String stopReason = null;
        LevelGrowth levels = restored != null ? restored.levels() : new LevelGrowth();
        long[] packed = new long[packer.maxLongs()];
        if (restored == null) {
            int bits0 = packer.pack(init, packed, 0);
            seen.add(Fingerprint.of(packed, 0, StatePacker.longs(bits0)));
            int root = trace.add(-1, 0);
            String brokenAtStart = invariants ? machine.brokenInvariant(init) : null;
            if (machine.initialViolation() >= 0) {
                violations.add(new Violation(Verdict.values()[machine.initialViolation()], root, -1, 0, machine.violationNote() + " (before any step)"));
                stopReason = "the initial state is already a violation";
            } else if (brokenAtStart != null) {
                violations.add(new Violation(Verdict.ASSERTION, root, -1, 0, "invariant " + brokenAtStart + " is false in the initial state"));
                stopReason = "the initial state is already a violation";
            } else {
                queue.push(root, 0, packed, 0, bits0);
            }
            levels.found(0);
        } else {
            violations.addAll(restored.violations());
            open = restored.open();
        }

        int[] next = new int[size];
        Checkpoint.Counters counted = restored != null ? restored.counters() : new Checkpoint.Counters(0, 0, 0, -1, 0, 0, 0, 0, 0);
        ampleStates = counted.ample();
        skippedTransitions = counted.skipped();
        long transitions = counted.transitions();
        int maxDepth = counted.maxDepth();
        start -= counted.nanos();
        long lastProgress = System.nanoTime();
        long lastCheckpoint = lastProgress;

        long expanded = counted.expanded();
        if (seen.size() >= options.maxStates() && !queue.isEmpty()) {
            stopReason = "state limit (" + options.maxStates() + ")";
        }
        // The deepest level all of whose states were expanded: BFS expands in order of depth, so every level above the
        // state being expanded when the search stops.
        int finished = counted.finished();
        // The successors of the state being expanded already dealt with: only after a checkpoint taken in the middle of them.
        int resumeAt = counted.resumeAt();
        // Where a stop a checkpoint can carry on left the state being expanded (its successors dealt with); -1 for none.
        int stoppedAt = -1;
        Expansion e = null;
        // Workers compute each state's successors ahead (Expansion); every decision below is taken here, in order.
        Frontier frontier = new Frontier(program, options.reductions(), queue, packer, Math.max(1, options.workers()), this.symmetry != null, checkDeadlock,
                partialOrder, init, plain);
        try (frontier) {
            search:
            while (stopReason == null) {
                e = frontier.next();
                if (e == null) {
                    finished = maxDepth;
                    break;
                }
                int index = e.index;
                int depth = e.depth;
                finished = depth - 1;
                if ((++expanded & 0x3ff) == 0 || expanded >= stopAfter) {
                    if (options.stop().get() || expanded >= stopAfter) {
                        stopReason = "interrupted";
                        stoppedAt = resumeAt;
                        break;
                    }
                    long now = System.nanoTime();
                    if (options.progress() != null && now - lastProgress > PROGRESS_NANOS) {
                        lastProgress = now;
                        double elapsed = (now - start) / 1e9;
                        options.progress().accept(new Stats(seen.size(), transitions, maxDepth, queue.size() + frontier.pending(), elapsed,
                                finished, counted.spilled() + queue.spilled(), levels.secondsLeft(finished, seen.size(), expanded, elapsed)));
                    }
                    if (checkpoints != null && checkpoints.dir() != null && now - lastCheckpoint >= checkpoints.everyNanos()) {
                        Checkpoint.Counters c = new Checkpoint.Counters(transitions, maxDepth, expanded - 1, finished, now - start,
                                counted.spilled() + queue.spilled(), resumeAt, ampleStates, skippedTransitions);
                        checkpoint(model, packer, new Checkpoint.Search(c, violations, open, levels, seen, trace, graph), e, frontier, queue, false);
                        lastCheckpoint = System.nanoTime();
                    }
                }
                maxDepth = Math.max(maxDepth, depth);
                int n = e.n;
                if (!guard.roomFor(n)) {
                    stopReason = guard.refusal();
                    stoppedAt = resumeAt;
                    break;
                }
                if (resumeAt == 0 && checkDeadlock && open.contains(Verdict.DEADLOCK) && e.deadlocked) {
                    violations.add(new Violation(Verdict.DEADLOCK, index, -1, depth, "no CPU can move, and work is left"));
                    open.remove(Verdict.DEADLOCK);
                    if (done(open)) {
                        stopReason = firstStop(open);
                        break;
                    }
                    continue;
                }
                if (depth >= depthLimit) {
                    continue;
                }
                if (plain != null) {
                    plain.warm(e.fps, n);
                }
                boolean recording = graph != null && open.contains(Verdict.DEADLOCK);
                if (recording && resumeAt == 0) {
                    graph.expand(index, e.finished);
                }
                // Partial-order reduction: the ample step alone, when its successor is new. That is the cycle proviso (C3):
                // a state expanded by one step leads to a state first found by that step, so along any cycle of the
                // reduced graph some state was found before its successor there, and was expanded in full.
                int from = resumeAt;
                int to = n;
                int probed = -1;
                int probedKnown = 0;
                if (resumeAt == 0 && e.ample >= 0) {
                    probed = e.ample;
                    long fp = e.fps[probed];
                    probedKnown = e.known[probed] ? 0 : indexed != null ? indexed.put(fp) : seen.add(fp) ? -1 : 0;
                    if (probedKnown < 0) {
                        from = probed;
                        to = probed + 1;
                        ampleStates++;
                        skippedTransitions += n - 1;
                    }
                }
                for (int i = from; i < to; i++) {
                    transitions++;
                    if (e.outcome[i] == Expansion.VIOLATION) {
                        Verdict verdict = Verdict.values()[e.verdict[i]];
                        if (recording) {
                            graph.unexplored();
                        }
                        if (open.remove(verdict)) {
                            violations.add(new Violation(verdict, index, e.actions[i], depth + 1, null));
                            if (done(open)) {
                                stopReason = firstStop(open);
                                break search;
                            }
                        }
                        continue;
                    }
                    if (e.outcome[i] == Expansion.INVARIANT) {
                        if (recording) {
                            graph.unexplored();
                        }
                        if (open.remove(Verdict.ASSERTION)) {
                            violations.add(new Violation(Verdict.ASSERTION, index, e.actions[i], depth + 1, "invariant " + e.broken[i]));
                            if (done(open)) {
                                stopReason = firstStop(open);
                                break search;
                            }
                        }
                        continue;
                    }
                    long fp = e.fps[i];
                    // A worker that found fp in the set already: seen.add would say "not new". The ample step's was asked above.
                    int known = i == probed ? probedKnown : e.known[i] ? 0 : indexed != null ? indexed.put(fp) : seen.add(fp) ? -1 : 0;
                    if (known >= 0) {
                        if (recording) {
                            graph.edge(known);
                        }
                    } else {
                        // A new state: computed again here (the worker kept only its fingerprint), and checked against it.
                        System.arraycopy(e.state, 0, next, 0, size);
                        machine.apply(next, e.actions[i], null);
                        if (this.symmetry != null) {
                            this.symmetry.canonicalize(next);
                        }
                        int bits = packer.packSuccessor(e.state, e.packed, e.packedBits, next, packed, 0);
                        if (Fingerprint.of(packed, 0, StatePacker.longs(bits)) != fp) {
                            throw new IllegalStateException("a state's successor differs between two computations of it");
                        }
                        int added = trace.add(index, i);
                        if (recording) {
                            graph.edge(added);
                        }
                        queue.push(added, depth + 1, packed, 0, bits);
                        levels.found(depth + 1);
                        if (seen.size() >= options.maxStates()) {
                            stopReason = "state limit (" + options.maxStates() + ")";
                            // After the ample step alone, the state is done with: nothing of it is left for a resumed search.
                            stoppedAt = to == n ? i + 1 : n;
                            break search;
                        }
                    }
                }
                resumeAt = 0;
            }
            if (stoppedAt >= 0 && checkpoints != null && checkpoints.dir() != null) {
                Checkpoint.Counters c = new Checkpoint.Counters(transitions, maxDepth, expanded - 1, finished, System.nanoTime() - start,
                        counted.spilled() + queue.spilled(), stoppedAt, ampleStates, skippedTransitions);
                checkpoint(model, packer, new Checkpoint.Search(c, violations, open, levels, seen, trace, graph), e, frontier, queue, true);
            }
        }
        long unexpanded = frontier.pending();
        if (stopReason == null && graph != null && open.contains(Verdict.DEADLOCK)) {
            stopReason = progress(graph, trace, violations, maxHeap);
        }
        Coverage coverage = seen instanceof BitstateSet bits ? bits.coverage() : null;
        if (stopReason == null && coverage != null && !open.isEmpty()) {
            stopReason = String.format(java.util.Locale.ROOT, "bitstate hashing, estimated coverage %s", Coverage.percent(coverage.estimate()));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Stats stats = new Stats(seen.size(), transitions, maxDepth, queue.size() + unexpanded, seconds, finished, counted.spilled() + queue.spilled());
        boolean complete = stopReason == null;
        this.trace = trace;
        List<int[]> groups = this.symmetry == null ? List.of() : List.of(this.symmetry.groups());
        List<String> notes = symmetry == null ? List.of() : List.copyOf(symmetry.notes());
        return new CheckResult(program, List.copyOf(violations), stats, complete, stopReason, groups, notes, machine.accessedBitsUntracked(), coverage,
                null);
    }

    /**
     * The machine a search with or without reductions runs: the same in every part of one search (the
     * workers, the trace's rebuild), since the states they exchange must agree bit for bit.
     */
    static Machine machine(Program program, boolean reductions) {
        return reductions ? new Machine(program) : Machine.unreduced(program);
    }

    /** What the visited set may hold off the heap: 0 when it is on the heap. */
    private long offHeapBudget(boolean bitstate, boolean withGraph) {
        if (options.offHeapBytes() == 0) {
            return 0;
        }
        if (bitstate) {
            throw new UserError("--off-heap and --bitstate: the bit array is on the heap; give one or the other");
        }
        if (withGraph) {
            throw new UserError("--off-heap: no_deadlock's progress half keeps the visited set on the heap, with each state's number for its graph; "
                    + "check without --off-heap, or without no_deadlock");
        }
        return options.offHeapBytes() > 0 ? options.offHeapBytes() : options.defaultOffHeapBytes();
    }

    private MappedFingerprintSet offHeapSet() {
        try {
            return new MappedFingerprintSet(options.spillDirectory(), 1 << 16);
        } catch (java.io.UncheckedIOException e) {
            throw new UserError("--off-heap: " + e.getMessage());
        }
    }

    /** The bit array of {@code --bitstate}: the size asked for, or a share of the search's memory. */
    private BitstateSet bitstateSet(long budget) {
        long bytes = options.bitstateBytes() > 0 ? options.bitstateBytes() : (long) (budget * CheckOptions.DEFAULT_BITSTATE_SHARE);
        int log2 = BitstateSet.log2BitsFor(bytes);
        long actual = 1L << (log2 - 3);
        if (actual > budget / 2) {
            throw new UserError("--bitstate=" + BitstateSet.size(1L << log2) + ": more than half of what the search may use of this heap ("
                    + (budget >> 20) + " MiB, --memory of -Xmx); the trace and the frontier need the rest: give a smaller size or a larger -Xmx");
        }
        try {
            return new BitstateSet(log2);
        } catch (OutOfMemoryError oom) {
            throw new UserError("--bitstate=" + BitstateSet.size(1L << log2) + ": no room for the bit array in this heap: give a smaller size or a larger -Xmx");
        }
    }

    /**
     * Reads the checkpoint in {@code dir} back: refuses one of another model or shape, restores the tables and puts the
     * frontier back in the queue, under the guard (the tables first: the frontier goes to disk if it must).
     */
    private Checkpoint.Search resume(Path dir, String model, long budget, boolean withGraph, StatePacker packer, StateQueue queue,
                                     MemoryGuard guard) {
        try (Checkpoint.Reader r = Checkpoint.open(dir)) {
            r.expect(model, shape(options.bitstateBytes() < 0 ? -1 : options.bitstateBytes() > 0 ? 1L << BitstateSet.log2BitsFor(options.bitstateBytes()) : 0),
                    budget);
            Checkpoint.Search s = r.search(options.offHeapBytes() != 0 ? options.spillDirectory() : null);
            offHeap = s.seen() instanceof MappedFingerprintSet m ? m : null;
            if ((s.graph() != null) != withGraph) {
                throw new UserError("--resume: " + dir + ": the checkpoint's progress graph does not match the properties checked");
            }
            if (s.graph() != null) {
                guard.watch(s.seen(), s.trace(), s.graph());
            } else {
                guard.watch(s.seen(), s.trace());
            }
            long[] packed = new long[packer.maxLongs()];
            r.frontier(packer, (index, depth, state) -> {
                if (!guard.roomFor(1)) {
                    throw new UserError("--resume: the checkpoint's frontier does not fit this heap: " + guard.refusal());
                }
                queue.push(index, depth, packed, 0, packer.pack(state, packed, 0));
            });
            r.verify();
            return s;
        }
    }

    private Checkpoint.Shape shape(long bitstateBits) {
        return new Checkpoint.Shape(options.reductions(), partialOrder, options.allProperties(), bitstateBits);
    }

    /**
     * Writes a checkpoint: the search as it is, with {@code head} (the state being expanded, its successors from the
     * counters' {@code resumeAt} on still to deal with) first in the frontier. A failure is told and the search goes on.
     */
    private void checkpoint(String model, StatePacker packer, Checkpoint.Search s, Expansion head, Frontier frontier, StateQueue queue, boolean atStop) {
        CheckOptions.Checkpoints c = options.checkpoints();
        long t0 = System.nanoTime();
        long frontierSize = 1 + frontier.pending() + queue.size();
        long bits = s.seen() instanceof BitstateSet b ? b.bits() : 0;
        try {
            long bytes = Checkpoint.write(c.dir(), model, shape(bits), packer, s, frontierSize, sink -> {
                sink.record(head.index, head.depth, head.state);
                frontier.forEachPending(sink);
                queue.forEach(sink);
            });
            tell(String.format(java.util.Locale.ROOT, "checkpoint: %,d states written to %s (%,d MiB, %.1f s)%s", s.seen().size(), c.dir(), bytes >> 20,
                    (System.nanoTime() - t0) / 1e9, atStop ? "; --resume " + c.dir() + " carries the search on" : ""));
        } catch (IOException | RuntimeException ex) {
            tell("checkpoint: could not write to " + c.dir() + " (" + (ex.getMessage() == null ? ex.toString() : ex.getMessage())
                    + "); the previous checkpoint, if any, is as it was");
        }
    }

    private void tell(String event) {
        if (options.checkpoints().events() != null) {
            options.checkpoints().events().accept(event);
        }
    }

    /**
     * A state where only background user loops can move is a deadlock only if those loops can never
     * let anything else move: a loop that disables interrupts for a moment re-enables them a few
     * steps later, and then a pending IPI is taken. So follow the background steps (a small closure)
     * and look for a state where progress is possible.
     */
    static boolean stuck(Machine machine, int[] state) {
        java.util.ArrayDeque<int[]> todo = new java.util.ArrayDeque<>();
        java.util.HashSet<Long> seen = new java.util.HashSet<>();
        int[] actions = new int[machine.maxActions()];
        todo.add(state);
        seen.add(Fingerprint.of(state));
        while (!todo.isEmpty() && seen.size() < 100_000) {
            int[] s = todo.poll();
            int n = machine.enabled(s, actions);
            if (!machine.deadlocked(s, actions, n)) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (Action.kind(actions[i]) != Action.STEP) {
                    continue;
                }
                int[] next = s.clone();
                if (machine.apply(next, actions[i], null) < 0 && seen.add(Fingerprint.of(next))) {
                    todo.add(next);
                }
            }
        }
        return true;
    }

    private boolean done(EnumSet<Verdict> open) {
        return !options.allProperties() || open.isEmpty() || wanted != null && wanted.stream().noneMatch(open::contains);
    }

    /** Why a search that stopped because {@link #done} holds is incomplete: null when every property is decided. */
    private static String firstStop(EnumSet<Verdict> open) {
        return open.isEmpty() ? null : "stopped at the first violation (--first)";
    }

    /**
     * {@code no_deadlock}'s progress half, once every reachable state is known: a state from which the
     * kernel work can never finish is a violation even when some CPU can always step (a busy-wait for
     * an ack that cannot come). Adds the shallowest such state as a {@link Violation#lasso() lasso}
     * violation; returns why the analysis could not run, or null.
     */
    private static String progress(ProgressGraph graph, TraceLog trace, List<Violation> violations, long maxHeap) {
        Runtime rt = Runtime.getRuntime();
        long free = maxHeap - (rt.totalMemory() - rt.freeMemory());
        if (graph.bytesToAnalyse() > free) {
            return "memory limit (" + (maxHeap >> 20) + " MiB heap) before the progress analysis of no_deadlock";
        }
        java.util.BitSet trapped = graph.trapped();
        int bad = trapped.nextSetBit(0);
        if (bad < 0) {
            return null;
        }
        int depth = 0;
        for (int i = bad; trace.parent(i) >= 0; i = trace.parent(i)) {
            depth++;
        }
        int at = 0;
        while (at < violations.size() && violations.get(at).depth() <= depth) {
            at++;
        }
        violations.add(at, Violation.lasso(Verdict.DEADLOCK, bad, depth));
        return null;
    }

    private TraceLog trace;
    private Symmetry symmetry;
    /** The partial-order reduction's counts in the last run: see {@link PartialOrderStats}. */
    private long ampleStates;
    private long skippedTransitions;
    /** The visited set off the heap while a search runs, so that {@link #run} closes it (and its file goes) however the search ends. */
    private MappedFingerprintSet offHeap;

    /** The trace of the last run, for rebuilding counterexamples. */
    public TraceRebuilder rebuilder() {
        return new TraceRebuilder(program, options.reductions(), trace, symmetry);
    }
}
