package dev.shootdown.check;

import dev.shootdown.model.Footprint;
import dev.shootdown.model.Snapshot;
import dev.shootdown.model.Verdict;

import java.util.List;
import java.util.Map;

/**
 * A shortest path from the initial state to a violation, step by step, in words.
 *
 * @param loopStart for a lasso (work that can never finish although CPUs keep moving), the number of
 *                  the first step of the cycle: steps {@code loopStart} to the last repeat for ever,
 *                  the last one returning to the state before step {@code loopStart}; 0 otherwise
 * @param endReads  what the end of the path depends on besides its steps: for a deadlock, the things
 *                  whose other values would let a CPU move; for a broken invariant, what it reads;
 *                  empty otherwise (a violating step's own reads say it)
 */
public record Counterexample(Verdict verdict, String note, List<Step> steps, int cpus, Snapshot initial, int loopStart, Map<String, String> endReads) {

    public Counterexample(Verdict verdict, String note, List<Step> steps, int cpus, Snapshot initial, int loopStart) {
        this(verdict, note, steps, cpus, initial, loopStart, Map.of());
    }

    /** Whether step {@code number} is part of the repeating cycle of a lasso. */
    public boolean repeats(int number) {
        return loopStart > 0 && number >= loopStart;
    }

    /** The state before step {@code number} (from 1): the initial state's, or the step before's. */
    public Snapshot before(int number) {
        return number <= 1 ? initial : steps.get(number - 2).after();
    }

    /**
     * One step: which CPU acted, what it ran (the source statement or a hardware event), and what
     * happened (TLB hits and fills, PTE changes, faults). {@code violating} marks the step that broke the property.
     *
     * @param line      the source line of the statement, or 0 for hardware events
     * @param after     the state after the step
     * @param footprint what the step read (and the values it read) and changed
     */
    public record Step(int number, int cpu, String action, String note, int line, boolean violating, Snapshot after, Footprint footprint) {}
}
