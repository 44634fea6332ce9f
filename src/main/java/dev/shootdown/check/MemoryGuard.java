package dev.shootdown.check;

/**
 * Keeps the search within its share of the heap ({@code --memory}), so that it ends with a partial
 * verdict and never with an OutOfMemoryError. Every large allocation of the search is a table's
 * growth, and the guard makes each one ({@link #roomFor}, before a state is expanded) after checking
 * that it fits. A frontier that does not fit goes to disk ({@link StateQueue#spill}); only when the
 * tables themselves do not fit, with the whole frontier on disk, does the search stop.
 *
 * <p>What fits is judged by two measures. The tables' own count of the bytes they hold and of what
 * their next growth takes is exact for the large arrays and known before they are allocated. The
 * heap itself, as the collector reports it after each collection ({@link HeapGauge}), covers the
 * rest: the model, the collector's waste around large arrays, garbage not yet reclaimed. When only
 * the second measure refuses, it may be counting garbage: the guard then collects and measures
 * again, before a table grows or the search stops, and for the frontier at most once each time
 * the tables have allocated a 32nd of the budget.
 */
final class MemoryGuard implements AutoCloseable {
    /** Expansions between two publications of the tables' size to the gauge. */
    private static final int PUBLISH_EVERY = 1024;

    private final long maxHeap;
    private final long budget;
    private final StateQueue queue;
    private final HeapGauge gauge;
    private GrowingTable[] tables = {};
    private int countdown;
    private String refusal;
    /** Bytes the guard has let the tables allocate; the same when it last collected (-1: never). */
    private long allocated;
    private long collectedAt = -1;
    /** What the tables off the heap may hold ({@link GrowingTable#offHeap}); 0 while there are none. */
    private long offHeapBudget;

    /** A guard that keeps the search within {@code fraction} of {@code maxHeap}, measuring the heap of this JVM. */
    MemoryGuard(long maxHeap, double fraction, StateQueue queue) {
        this(maxHeap, fraction, queue, new JvmHeapGauge());
    }

    MemoryGuard(long maxHeap, double fraction, StateQueue queue, HeapGauge gauge) {
        this.maxHeap = maxHeap;
        this.budget = (long) (maxHeap * fraction);
        this.queue = queue;
        this.gauge = gauge;
    }

    /** The tables beside the queue that the guard grows. */
    void watch(GrowingTable... watched) {
        tables = watched.clone();
        gauge.publish(held());
    }

    /**
     * Makes room in every table for the expansion of a state with {@code adds} successors; false when the search must stop
     * ({@link #refusal} says why). Called before every expansion: when no table needs to grow, it costs a few comparisons.
     */
    boolean roomFor(int adds) {
        if (--countdown <= 0) {
            countdown = PUBLISH_EVERY;
            gauge.publish(held());
        }
        long grow = queue.bytesToGrow(adds);
        for (GrowingTable t : tables) {
            grow += t.bytesToGrow(adds);
        }
        return grow == 0 || makeRoom(adds);
    }

    /** Lets the tables off the Java heap hold up to {@code bytes} between them. */
    void offHeapBudget(long bytes) {
        offHeapBudget = bytes;
    }

    /** Why the search must stop, once {@link #roomFor} has said so. */
    String refusal() {
        return refusal;
    }

    private boolean makeRoom(int adds) {
        long grow = 0;
        long growOff = 0;
        long heldOff = 0;
        for (GrowingTable t : tables) {
            if (t.offHeap()) {
                growOff += t.bytesToGrow(adds);
                heldOff += t.bytes();
            } else {
                grow += t.bytesToGrow(adds);
            }
        }
        if (grow >= GrowingTable.CANNOT_GROW || growOff >= GrowingTable.CANNOT_GROW) {
            return refuse("memory limit (a table of the search is as large as a Java array can be)");
        }
        if (heldOff + growOff > offHeapBudget && growOff > 0) {
            // The old table and the new one are both there while the fingerprints move.
            return refuse("memory limit (the visited set off the heap would pass " + (offHeapBudget >> 20) + " MiB)");
        }
        if (grow > 0 || growOff > 0) {
            if (grow > 0 && !fits(grow, 0, true)) {
                // The frontier can wait on disk; the tables cannot.
                queue.release(held() + gauge.other() + grow - budget);
                if (!fits(grow, 0, true)) {
                    return refuse(limit());
                }
            }
            try {
                for (GrowingTable t : tables) {
                    t.grow(adds);
                }
            } catch (OutOfMemoryError e) {
                // What no count sees: a heap with room, but not in one stretch for one array. Each table allocates its new
                // arrays before it lets the old ones go, so a refused allocation leaves it as it was.
                return refuse(limit() + "; no room for a " + (grow >> 20) + " MiB table");
            } catch (java.io.UncheckedIOException e) {
                return refuse("memory limit (the visited set off the heap could not grow: " + e.getCause().getMessage() + ")");
            }
            allocated += grow;
        }
        long blocks = queue.bytesToGrow(adds);
        // The frontier keeps to what the tables leave, with room for their next doubling, so that they need not wait for it
        // to go to disk, and the collector is not left with a heap full to the budget.
        if (blocks > 0 && fits(blocks, 2 * (held() - queue.bytes()), false)) {
            queue.grow(adds);
            allocated += blocks;
        } else if (blocks > 0) {
            queue.spill(adds);
        }
        if (queue.spillFailure() != null) {
            return refuse(limit() + "; the frontier could not be written to disk: " + queue.spillFailure());
        }
        gauge.publish(held());
        return true;
    }

    /**
     * Whether {@code grow} more bytes fit, leaving {@code reserve} bytes free: by the tables' count, and with the rest of the
     * heap as last measured. When only the second refuses, the guard collects and measures again: always if {@code collect}
     * (a table must grow, or the search stops), else only if the guard has allocated a 32nd of the budget since it last
     * collected.
     */
    private boolean fits(long grow, long reserve, boolean collect) {
        long held = held();
        if (held + grow + reserve > budget) {
            return false;
        }
        if (held + gauge.other() + grow + reserve <= budget) {
            return true;
        }
        if (!collect && collectedAt >= 0 && allocated - collectedAt < budget / 32) {
            return false;
        }
        collectedAt = allocated;
        return held + gauge.collect(held) + grow + reserve <= budget;
    }

    private long held() {
        long held = queue.bytes();
        for (GrowingTable t : tables) {
            held += t.offHeap() ? 0 : t.bytes();
        }
        return held;
    }

    private boolean refuse(String why) {
        refusal = why;
        return false;
    }

    private String limit() {
        return "memory limit (" + (maxHeap >> 20) + " MiB heap)";
    }

    @Override
    public void close() {
        gauge.close();
    }
}
