package dev.shootdown.sim;

import dev.shootdown.model.Event;

import java.util.Arrays;

/**
 * A hardware cost profile: what each primitive costs, in cycles of a CPU running at {@code ghz}.
 * Costs are inputs only; latencies, IPI counts and throughput are what the engine makes of them.
 *
 * @param eventCycles   the cost of each {@link Event} kind to the CPU that causes it (flat, by kind)
 * @param lineCycles    getting a cache line last held by a CPU at each {@link Topology} distance
 * @param ipiLatency    from the sender's ICR write to the interrupt being pending at the target, by distance
 * @param bcastLatency  from a broadcast invalidation (INVLPGB, TLBI IS, tlbie) to its completion at a CPU, by distance
 * @param broadcastInvalidation whether the hardware has broadcast invalidation at all (x86 Intel: no)
 * @param rangedFlushCycles a ranged flush, recorded for when the language gets one (not charged yet)
 */
public record Profile(String name, String description, double ghz, Topology topology, long stepCycles, long[] eventCycles,
                      long[] lineCycles, long[] ipiLatency, long[] bcastLatency, boolean broadcastInvalidation, long rangedFlushCycles) {

    public long cycles(int event) {
        return eventCycles[event];
    }

    public double cyclesToMicros(double cycles) {
        return cycles / (ghz * 1000.0);
    }

    public long secondsToCycles(double seconds) {
        return (long) Math.ceil(seconds * ghz * 1e9);
    }

    public static Builder builder(String name, String description) {
        return new Builder(name, description);
    }

    /** Builds a profile; every value left unset costs nothing. */
    public static final class Builder {
        private final String name;
        private final String description;
        private double ghz = 1;
        private Topology topology = new Topology(1, 1, 1, 1);
        private long step = 1;
        private final long[] events = new long[Event.COUNT];
        private final long[] lines = new long[Topology.LEVELS];
        private final long[] ipi = new long[Topology.LEVELS];
        private final long[] bcast = new long[Topology.LEVELS];
        private boolean broadcast = true;
        private long ranged;

        private Builder(String name, String description) {
            this.name = name;
            this.description = description;
        }

        public Builder ghz(double v) {
            ghz = v;
            return this;
        }

        public Builder topology(Topology t) {
            topology = t;
            return this;
        }

        /** The floor cost of any step (so time always moves). */
        public Builder step(long cycles) {
            step = cycles;
            return this;
        }

        public Builder cost(int event, long cycles) {
            events[event] = cycles;
            return this;
        }

        /** Cache-line transfer by distance: self, SMT sibling, same die, same socket, other socket. */
        public Builder lines(long self, long smt, long die, long socket, long remote) {
            fill(lines, self, smt, die, socket, remote);
            return this;
        }

        public Builder ipiLatency(long self, long smt, long die, long socket, long remote) {
            fill(ipi, self, smt, die, socket, remote);
            return this;
        }

        public Builder broadcastLatency(long self, long smt, long die, long socket, long remote) {
            fill(bcast, self, smt, die, socket, remote);
            return this;
        }

        public Builder noBroadcastInvalidation() {
            broadcast = false;
            return this;
        }

        public Builder rangedFlush(long cycles) {
            ranged = cycles;
            return this;
        }

        private static void fill(long[] a, long... v) {
            System.arraycopy(v, 0, a, 0, a.length);
        }

        public Profile build() {
            return new Profile(name, description, ghz, topology, step, events.clone(), lines.clone(), ipi.clone(), bcast.clone(), broadcast, ranged);
        }
    }

    /** Equal when every value is: the arrays by content (a profile read back from its file equals the one printed). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Profile p && name.equals(p.name) && description.equals(p.description) && Double.compare(ghz, p.ghz) == 0
                && topology.equals(p.topology) && stepCycles == p.stepCycles && Arrays.equals(eventCycles, p.eventCycles)
                && Arrays.equals(lineCycles, p.lineCycles) && Arrays.equals(ipiLatency, p.ipiLatency) && Arrays.equals(bcastLatency, p.bcastLatency)
                && broadcastInvalidation == p.broadcastInvalidation && rangedFlushCycles == p.rangedFlushCycles;
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(eventCycles);
    }

    @Override
    public String toString() {
        return name + " (" + ghz + " GHz, " + topology.describe() + ", events " + Arrays.toString(eventCycles) + ")";
    }
}
