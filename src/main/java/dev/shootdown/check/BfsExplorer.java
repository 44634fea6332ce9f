package dev.shootdown.check;

import dev.shootdown.lang.CompileError;
import dev.shootdown.model.Action;
import dev.shootdown.model.Machine;
import dev.shootdown.model.MaskCpuSets;
import dev.shootdown.model.Program;
import dev.shootdown.model.Symmetry;
import dev.shootdown.model.Verdict;

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

    public BfsExplorer(Program program, CheckOptions options) {
        this(program, options, 0, 0);
    }

    /** A search whose frontier has blocks of {@code recordsPerBlock} records and spills past {@code blocksInMemory} of them: for tests. */
    BfsExplorer(Program program, CheckOptions options, int recordsPerBlock, int blocksInMemory) {
        this.program = program;
        this.options = options;
        this.recordsPerBlock = recordsPerBlock;
        this.blocksInMemory = blocksInMemory;
    }

    public CheckResult run() {
        if (program.cpus() > MaskCpuSets.MAX_CPUS) {
            throw new CompileError(program.cpusAt(), "the checker explores at most " + MaskCpuSets.MAX_CPUS + " CPUs; this model has " + program.cpus()
                    + " (exhaustive search wants 2-4; large machines are for the simulator)");
        }
        Machine machine = new Machine(program);
        StatePacker packer = StatePacker.of(machine.layout());
        long maxHeap = Runtime.getRuntime().maxMemory();
        try (StateQueue queue = recordsPerBlock > 0 ? new StateQueue(packer, options.spillDirectory(), recordsPerBlock, blocksInMemory)
                : new StateQueue(packer, options.spillDirectory());
             MemoryGuard guard = new MemoryGuard(maxHeap, options.memoryFraction(), queue)) {
            return search(machine, packer, queue, guard, maxHeap);
        }
    }

    private CheckResult search(Machine machine, StatePacker packer, StateQueue queue, MemoryGuard guard, long maxHeap) {
        long start = System.nanoTime();
        TraceLog trace = new TraceLog(machine.maxActions());
        List<Violation> violations = new ArrayList<>();
        EnumSet<Verdict> open = EnumSet.copyOf(program.properties());
        boolean checkDeadlock = open.contains(Verdict.DEADLOCK);
        // no_deadlock's progress half needs the graph, and the graph needs each seen successor's number.
        ProgressGraph graph = checkDeadlock ? new ProgressGraph() : null;
        IndexedFingerprintSet indexed = graph != null ? new IndexedFingerprintSet(1 << 16) : null;
        // 64 segments: at 100M states each is a table of about 20 MiB, the most a growth adds to the heap at once. Large
        // enough that G1 allocates a grown segment outside the young generation (a humongous object) and frees the old
        // one at the next collection, instead of copying it from generation to generation.
        OpenAddressingFingerprintSet plain = indexed != null ? null : new OpenAddressingFingerprintSet(64, 1024, true);
        FingerprintSet seen = indexed != null ? indexed : plain;
        boolean invariants = !program.invariants().isEmpty();
        if (graph != null) {
            guard.watch(seen, trace, graph);
        } else {
            guard.watch(seen, trace);
        }

        int[] init = machine.initialState();
        Symmetry symmetry = options.reductions() ? new Symmetry(program, machine.layout(), init) : null;
        this.symmetry = symmetry != null && symmetry.active() ? symmetry : null;
        if (this.symmetry != null) {
            this.symmetry.canonicalize(init);
        }
        long[] packed = new long[packer.maxLongs()];
        int bits0 = packer.pack(init, packed, 0);
        seen.add(Fingerprint.of(packed, 0, StatePacker.longs(bits0)));
        int root = trace.add(-1, 0);
        String brokenAtStart = invariants ? machine.brokenInvariant(init) : null;
        String stopReason = null;
        if (machine.initialViolation() >= 0) {
            violations.add(new Violation(Verdict.values()[machine.initialViolation()], root, -1, 0, machine.violationNote() + " (before any step)"));
            stopReason = "the initial state is already a violation";
        } else if (brokenAtStart != null) {
            violations.add(new Violation(Verdict.ASSERTION, root, -1, 0, "invariant " + brokenAtStart + " is false in the initial state"));
            stopReason = "the initial state is already a violation";
        } else {
            queue.push(root, 0, packed, 0, bits0);
        }

        int[] next = new int[init.length];
        long transitions = 0;
        int maxDepth = 0;
        long lastProgress = start;

        long expanded = 0;
        if (seen.size() >= options.maxStates() && !queue.isEmpty()) {
            stopReason = "state limit (" + options.maxStates() + ")";
        }
        // The deepest level all of whose states were expanded: BFS expands in order of depth, so every level above the
        // state being expanded when the search stops.
        int finished = -1;
        // Workers compute each state's successors ahead (Expansion); every decision below is taken here, in order.
        LevelGrowth levels = new LevelGrowth();
        levels.found(0);
        Frontier frontier = new Frontier(program, queue, packer, Math.max(1, options.workers()), this.symmetry != null, checkDeadlock, init,
                plain);
        try (frontier) {
            search:
            while (stopReason == null) {
                Expansion e = frontier.next();
                if (e == null) {
                    finished = maxDepth;
                    break;
                }
                int index = e.index;
                int depth = e.depth;
                finished = depth - 1;
                if ((++expanded & 0x3ff) == 0) {
                    if (options.stop().get()) {
                        stopReason = "interrupted";
                        break;
                    }
                    long now = System.nanoTime();
                    if (options.progress() != null && now - lastProgress > PROGRESS_NANOS) {
                        lastProgress = now;
                        double elapsed = (now - start) / 1e9;
                        options.progress().accept(new Stats(seen.size(), transitions, maxDepth, queue.size() + frontier.pending(), elapsed,
                                finished, queue.spilled(), levels.secondsLeft(finished, seen.size(), expanded, elapsed)));
                    }
                }
                maxDepth = Math.max(maxDepth, depth);
                int n = e.n;
                if (!guard.roomFor(n)) {
                    stopReason = guard.refusal();
                    break;
                }
                if (checkDeadlock && open.contains(Verdict.DEADLOCK) && e.deadlocked) {
                    violations.add(new Violation(Verdict.DEADLOCK, index, -1, depth, "no CPU can move, and work is left"));
                    open.remove(Verdict.DEADLOCK);
                    if (done(open)) {
                        stopReason = firstStop(open);
                        break;
                    }
                    continue;
                }
                if (plain != null) {
                    plain.warm(e.fps, n);
                }
                boolean recording = graph != null && open.contains(Verdict.DEADLOCK);
                if (recording) {
                    graph.expand(index, e.finished);
                }
                for (int i = 0; i < n; i++) {
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
                    // A worker that found fp in the set already: seen.add would say "not new".
                    int known = e.known[i] ? 0 : indexed != null ? indexed.put(fp) : seen.add(fp) ? -1 : 0;
                    if (known >= 0) {
                        if (recording) {
                            graph.edge(known);
                        }
                    } else {
                        // A new state: computed again here (the worker kept only its fingerprint), and checked against it.
                        System.arraycopy(e.state, 0, next, 0, next.length);
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
                            break search;
                        }
                    }
                }
            }
        }
        long unexpanded = frontier.pending();
        if (stopReason == null && graph != null && open.contains(Verdict.DEADLOCK)) {
            stopReason = progress(graph, trace, violations, maxHeap);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Stats stats = new Stats(seen.size(), transitions, maxDepth, queue.size() + unexpanded, seconds, finished, queue.spilled());
        boolean complete = stopReason == null;
        this.trace = trace;
        List<int[]> groups = this.symmetry == null ? List.of() : List.of(this.symmetry.groups());
        List<String> notes = symmetry == null ? List.of() : List.copyOf(symmetry.notes());
        return new CheckResult(program, List.copyOf(violations), stats, complete, stopReason, groups, notes);
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
        return !options.allProperties() || open.isEmpty();
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

    /** The trace of the last run, for rebuilding counterexamples. */
    public TraceRebuilder rebuilder() {
        return new TraceRebuilder(program, trace, symmetry);
    }
}
