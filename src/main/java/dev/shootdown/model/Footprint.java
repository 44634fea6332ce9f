package dev.shootdown.model;

import java.util.List;
import java.util.Map;

/**
 * What one action read and what it changed, as paths of the machine's picture ({@link Snapshot.Part}):
 * found by running the action again on states that differ from the real one in one place
 * ({@link Machine#footprint}), never from its label.
 *
 * @param reads   each thing the action read, with the value it read (in the state before the action):
 *                what, changed, would have changed what the action did, whether it could run, or
 *                whether it broke a property
 * @param changed the paths whose value the action changed, appeared or went away, in layout order
 * @param role    what ran: a CPU's program, an IRQ handler, the entry into one, a store-buffer drain, or the hardware on its own
 * @param decides whether what the CPU runs after this step depends on it: a branch whose way depends
 *                on what it read, a wait or another guarded step, a nondeterministic choice
 */
public record Footprint(Map<String, String> reads, List<String> changed, Role role, boolean decides) {

    /** What ran in a step. */
    public enum Role {
        /** A statement of the CPU's program. */
        PROGRAM,
        /** A statement of the IRQ handler the CPU runs. */
        HANDLER,
        /** The CPU took an IPI: the handler's first statements run from here. */
        ENTERS_HANDLER,
        /** The oldest store of the CPU's store buffer became visible (TSO). */
        DRAIN,
        /** The hardware on its own otherwise: a broadcast invalidation performed, an eviction, a speculative walk, a quiescent state. */
        HARDWARE
    }
}
