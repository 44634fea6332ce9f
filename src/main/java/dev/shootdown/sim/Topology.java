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

    public String describe() {
        return sockets + " socket" + (sockets == 1 ? "" : "s") + " x " + diesPerSocket + " die" + (diesPerSocket == 1 ? "" : "s")
                + " x " + coresPerDie + " cores x " + threadsPerCore + " thread" + (threadsPerCore == 1 ? "" : "s");
    }
}
