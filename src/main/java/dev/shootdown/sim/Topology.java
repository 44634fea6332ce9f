package dev.shootdown.sim;

/**
 * Where each CPU sits: sockets of dies (a die, or AMD's CCX, shares a last-level cache) of cores
 * of SMT threads. CPUs are numbered with siblings adjacent: cpu c is thread {@code c % threads} of
 * core {@code c / threads}, cores fill a die, dies fill a socket. Costs that depend on distance
 * (cache-line transfers, IPI delivery) are indexed by {@link #distance}.
 */
public record Topology(int sockets, int diesPerSocket, int coresPerDie, int threadsPerCore) {
    public static final int SELF = 0;
    public static final int SMT = 1;
    public static final int DIE = 2;
    public static final int SOCKET = 3;
    public static final int REMOTE = 4;
    public static final int LEVELS = 5;
    public static final String[] LEVEL_NAMES = {"self", "smt_sibling", "same_die", "same_socket", "other_socket"};

    public Topology {
        if (sockets < 1 || diesPerSocket < 1 || coresPerDie < 1 || threadsPerCore < 1) {
            throw new IllegalArgumentException("topology sizes must be positive");
        }
    }

    public int cpus() {
        return sockets * diesPerSocket * coresPerDie * threadsPerCore;
    }

    /** The same socket shape with as many sockets as {@code n} CPUs need (a 1024-CPU run of a 2-socket profile gets more sockets). */
    public Topology fit(int n) {
        int perSocket = diesPerSocket * coresPerDie * threadsPerCore;
        return new Topology(Math.max(1, (n + perSocket - 1) / perSocket), diesPerSocket, coresPerDie, threadsPerCore);
    }

    public int core(int cpu) {
        return cpu / threadsPerCore;
    }

    public int die(int cpu) {
        return core(cpu) / coresPerDie;
    }

    public int socket(int cpu) {
        return die(cpu) / diesPerSocket;
    }

    /** How far apart two CPUs are: one of SELF, SMT, DIE, SOCKET, REMOTE. */
    public int distance(int a, int b) {
        if (a == b) {
            return SELF;
        }
        if (core(a) == core(b)) {
            return SMT;
        }
        if (die(a) == die(b)) {
            return DIE;
        }
        return socket(a) == socket(b) ? SOCKET : REMOTE;
    }

    /** Bits per field of a {@link #place}: a field numbers up to 4096 CPUs, cores, dies or sockets. */
    private static final int PLACE_BITS = 12;
    /** The distance of two places by the number of leading zeros of their XOR, which says the highest field they differ in. */
    private static final int[] DISTANCE_BY_ZEROS = new int[Long.SIZE + 1];

    static {
        for (int zeros = 0; zeros <= Long.SIZE; zeros++) {
            DISTANCE_BY_ZEROS[zeros] = (Long.SIZE - 1 - zeros + PLACE_BITS) / PLACE_BITS;
        }
    }

    /**
     * Where {@code cpu} sits, packed for {@link #distance(long, long)}: its socket, die, core and own
     * number, each numbered machine-wide, in 12 bits each from the top field down. Two CPUs first
     * differ in the field of the level that separates them.
     */
    public long place(int cpu) {
        if (cpu < 0 || cpu >= 1 << PLACE_BITS) {
            throw new IllegalArgumentException("a place numbers at most " + (1 << PLACE_BITS) + " CPUs: " + cpu);
        }
        return (long) socket(cpu) << (3 * PLACE_BITS) | (long) die(cpu) << (2 * PLACE_BITS) | (long) core(cpu) << PLACE_BITS | cpu;
    }

    /** Every CPU's {@link #place}, by CPU number, for {@code cpus} CPUs: the simulator's table for {@link #distance(long, long)}. */
    public long[] places(int cpus) {
        long[] places = new long[cpus];
        for (int c = 0; c < cpus; c++) {
            places[c] = place(c);
        }
        return places;
    }

    /** {@link #distance(int, int)} of two CPUs given by their {@link #place}s: one table look-up, no branch (the simulator's hot path). */
    public static int distance(long placeA, long placeB) {
        return DISTANCE_BY_ZEROS[Long.numberOfLeadingZeros(placeA ^ placeB)];
    }

    public String describe() {
        return sockets + " socket" + (sockets == 1 ? "" : "s") + " x " + diesPerSocket + " die" + (diesPerSocket == 1 ? "" : "s")
                + " x " + coresPerDie + " cores x " + threadsPerCore + " thread" + (threadsPerCore == 1 ? "" : "s");
    }
}
