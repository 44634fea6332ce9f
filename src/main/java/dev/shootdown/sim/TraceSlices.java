package dev.shootdown.sim;

/**
 * The slice of CPU time each CPU is in, for a {@link SimTrace}: reported when it ends, since a
 * compute()/idle() can end early, at an interrupt, and its rest is reported after the return under
 * the label and phase it began with. Made only when a run is traced.
 */
final class TraceSlices {
    private final SimTrace trace;
    private final long[] start;
    private final int[] phase;
    private final String[] label;
    private final boolean[] open;
    private final String[] resumeLabel;
    private final int[] resumePhase;

    TraceSlices(SimTrace trace, int cpus) {
        this.trace = trace;
        start = new long[cpus];
        phase = new int[cpus];
        label = new String[cpus];
        open = new boolean[cpus];
        resumeLabel = new String[cpus];
        resumePhase = new int[cpus];
    }

    void open(int c, long at, int slicePhase, String sliceLabel) {
        start[c] = at;
        phase[c] = slicePhase;
        label[c] = sliceLabel;
        open[c] = true;
    }

    /** CPU {@code c}'s open slice ends at {@code end}: reported unless empty. */
    void close(int c, long end) {
        if (open[c]) {
            open[c] = false;
            if (end > start[c]) {
                trace.slice(c, start[c], end, phase[c], label[c]);
            }
        }
    }

    /** An interrupt cuts CPU {@code c}'s compute()/idle(): its rest, reported after the return, keeps the label and phase it began with. */
    void keepForResume(int c) {
        resumeLabel[c] = label[c];
        resumePhase[c] = phase[c];
    }

    /** Back from an interrupt at {@code at}: the rest of the cut compute()/idle() opens under the label it began with. */
    void openResumed(int c, long at) {
        open(c, at, resumePhase[c], resumeLabel[c]);
    }
}
