package dev.shootdown.check;

import dev.shootdown.model.Machine;
import dev.shootdown.model.Program;
import dev.shootdown.model.Symmetry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The queue's states, expanded ahead: with {@code threads} threads in all, the search's own and
 * {@code threads - 1} workers. The next batch is taken from the head of the queue and the workers
 * expand it, a chunk at a time, while the search consumes the current one; once done with that, the
 * search's thread takes chunks of the next batch too (with one thread, it expands every batch). Batches come off the
 * queue in its order, and the search pushes what it finds behind them, so the search still visits
 * states in breadth-first order and makes every decision in the order a single thread would: the
 * verdicts, state counts and counterexamples are the same for any number of workers.
 */
final class Frontier implements AutoCloseable {
    /** About this many words in one batch (the states and a few dozen actions each: 2 MiB), at most {@link #MAX_BATCH} states. */
    private static final int BATCH_WORDS = 1 << 19;
    private static final int MAX_BATCH = 512;

    /** States a thread claims at a time. */
    private static final int CHUNK = 16;

    private final StateQueue queue;
    private final StatePacker packer;
    private final int pooled;
    private final ExecutorService pool;
    private final Machine[] machines;
    private final Symmetry[] symmetries;
    private final int[][] scratch;
    private final long[][] packed;
    private final int[][] enabled;
    private final boolean invariants;
    private final boolean deadlocks;
    private final boolean partialOrder;
    /** The visited set the workers look successors up in (read only), so the search skips those it surely has; null for none. */
    private final OpenAddressingFingerprintSet seen;
    private Expansion[] ready;
    private int readyCount;
    private int readyAt;
    private Expansion[] next;
    private int nextCount;
    private final List<Future<?>> running = new ArrayList<>();

    /**
     * {@code symmetric}: whether successors are canonicalised (each worker builds its own {@link Symmetry});
     * {@code partialOrder}: whether each expansion looks for an {@link Expansion#ample} step.
     */
    Frontier(Program program, boolean reductions, StateQueue queue, StatePacker packer, int threads, boolean symmetric, boolean deadlocks,
             boolean partialOrder, int[] initial, OpenAddressingFingerprintSet seen) {
        this.queue = queue;
        this.packer = packer;
        this.seen = threads > 1 ? seen : null;
        this.pooled = Math.max(0, threads - 1);
        int workers = pooled + 1;
        this.invariants = !program.invariants().isEmpty();
        this.deadlocks = deadlocks;
        this.partialOrder = partialOrder;
        machines = new Machine[workers];
        symmetries = new Symmetry[workers];
        scratch = new int[workers][];
        packed = new long[workers][];
        enabled = new int[workers][];
        for (int w = 0; w < workers; w++) {
            machines[w] = BfsExplorer.machine(program, reductions);
            symmetries[w] = symmetric ? new Symmetry(program, machines[w].layout(), initial) : null;
            scratch[w] = new int[initial.length];
            packed[w] = new long[packer.maxLongs()];
            enabled[w] = new int[machines[w].maxActions()];
        }
        int batch = Math.max(1, Math.min(MAX_BATCH, BATCH_WORDS / (initial.length + 2 * packer.maxLongs() + 64)));
        ready = new Expansion[batch];
        next = new Expansion[batch];
        for (int i = 0; i < batch; i++) {
            ready[i] = new Expansion(initial.length, packer.maxLongs());
            next[i] = new Expansion(initial.length, packer.maxLongs());
        }
        pool = pooled > 0 ? Executors.newFixedThreadPool(pooled, r -> {
            Thread t = new Thread(r, "shootdown-worker");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** The next state in breadth-first order, expanded; null when the queue is empty. */
    Expansion next() {
        if (readyAt == readyCount) {
            if (nextCount == 0) {
                launch();
            }
            await();
            Expansion[] t = ready;
            ready = next;
            next = t;
            readyCount = nextCount;
            readyAt = 0;
            nextCount = 0;
            if (readyCount == 0) {
                return null;
            }
            launch();
        }
        return ready[readyAt++];
    }

    /** States taken off the queue and not yet handed to the search: part of the frontier still. */
    long pending() {
        return (readyCount - readyAt) + nextCount;
    }

    /** Hands the states of {@link #pending} to {@code sink} in the order the search would reach them: for a checkpoint. */
    void forEachPending(StateQueue.Records sink) throws java.io.IOException {
        for (int i = readyAt; i < readyCount; i++) {
            sink.record(ready[i].index, ready[i].depth, ready[i].state);
        }
        for (int i = 0; i < nextCount; i++) {
            sink.record(next[i].index, next[i].depth, next[i].state);
        }
    }

    /** Takes the next batch off the queue and starts the workers on it. */
    private void launch() {
        int n = 0;
        while (n < next.length && !queue.isEmpty()) {
            Expansion e = next[n++];
            long head = queue.pop(e.state, e.packed);
            e.packedBits = queue.poppedBits();
            e.index = (int) (head >>> 32);
            e.depth = (int) head;
        }
        nextCount = n;
        claimed.set(0);
        expanded.set(0);
        if (n == 0 || pool == null) {
            return;
        }
        for (int w = 1; w <= pooled; w++) {
            int worker = w;
            running.add(pool.submit(() -> expandChunks(worker)));
        }
    }

    private final java.util.concurrent.atomic.AtomicInteger claimed = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger expanded = new java.util.concurrent.atomic.AtomicInteger();

    /** Expands chunks of the next batch until none is left to claim. */
    private void expandChunks(int worker) {
        int n = nextCount;
        for (int from = claimed.getAndAdd(CHUNK); from < n; from = claimed.getAndAdd(CHUNK)) {
            int to = Math.min(n, from + CHUNK);
            for (int i = from; i < to; i++) {
                next[i].compute(machines[worker], symmetries[worker], packer, invariants, deadlocks, partialOrder, scratch[worker], enabled[worker], packed[worker], seen);
            }
            expanded.addAndGet(to - from);
        }
    }

    /** Helps expand the next batch, then waits until every chunk of it is done. */
    private void await() {
        expandChunks(0);
        try {
            for (Future<?> f : running) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while expanding states", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            running.clear();
        }
        if (expanded.get() != nextCount) {
            throw new IllegalStateException("a batch was not expanded whole: " + expanded.get() + " of " + nextCount);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
