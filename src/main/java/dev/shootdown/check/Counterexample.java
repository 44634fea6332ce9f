package dev.shootdown.check;

import dev.shootdown.model.Snapshot;
import dev.shootdown.model.Verdict;

import java.util.List;

/**
 * A shortest path from the initial state to a violation, step by step, in words.
 *
 * @param loopStart for a lasso (work that can never finish although CPUs keep moving), the number of
 *                  the first step of the cycle: steps {@code loopStart} to the last repeat for ever,
 *                  the last one returning to the state before step {@code loopStart}; 0 otherwise
 */
public record Counterexample(Verdict verdict, String note, List<Step> steps, int cpus, Snapshot initial, int loopStart) {

    /** Whether step {@code number} is part of the repeating cycle of a lasso. */
    public boolean repeats(int number) {
        return loopStart > 0 && number >= loopStart;
    }

    /**
     * One step: which CPU acted, what it ran (the source statement or a hardware event), and what
     * happened (TLB hits and fills, PTE changes, faults). {@code violating} marks the step that broke the property.
     *
     * @param line  the source line of the statement, or 0 for hardware events
     * @param after the state after the step
     */
    public record Step(int number, int cpu, String action, String note, int line, boolean violating, Snapshot after) {}
}
