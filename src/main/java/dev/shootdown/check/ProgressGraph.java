package dev.shootdown.check;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The explored state graph, kept for {@code no_deadlock}'s progress half: which states can still
 * reach a state where the scenario's kernel work is finished ("AG EF finished" in CTL terms). A
 * busy-wait that can never end always has a step, so it is no deadlock state of its own; it is a
 * set of states none of which can reach the end of the work (a non-progress cycle, SPIN's
 * {@code -l}).
 *
 * <p>States are numbered as the search numbers them and expanded in that order (breadth-first), so
 * the successors of state {@code i} are one run of {@link #targets}, from {@code starts[i]}. A
 * <em>goal</em> state is one whose work is finished, or one with an action the search did not
 * follow because it broke another property: what lies beyond is unexplored, so it is not blamed.
 */
final class ProgressGraph implements GrowingTable {
    /** Edges and states are numbered by int. */
    private static final long MAX_CAPACITY = 1L << 30;
    private int[] starts = new int[1 << 12];
    private int[] targets = new int[1 << 14];
    private int edges;
    private int expanded;
    private final BitSet goal = new BitSet();

    /** Starts the successors of state {@code index}, which must be the next state in order. */
    void expand(int index, boolean finished) {
        if (index != expanded) {
            throw new IllegalStateException("states expanded out of order: " + index + " after " + (expanded - 1));
        }
        if (expanded + 1 >= starts.length) {
            grow(0);
        }
        starts[expanded] = edges;
        expanded++;
        starts[expanded] = edges;
        if (finished) {
            goal.set(index);
        }
    }

    /** A successor of the state being expanded. */
    void edge(int target) {
        if (target == expanded - 1) {
            return; // a self-loop says nothing about reaching the goal
        }
        if (edges == targets.length) {
            grow(1);
        }
        targets[edges++] = target;
        starts[expanded] = edges;
    }

    /** The state being expanded has an action the search did not follow (it broke another property). */
    void unexplored() {
        goal.set(expanded - 1);
    }

    int expanded() {
        return expanded;
    }

    /** Writes the graph, for a checkpoint. */
    void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(expanded);
        out.writeInt(edges);
        Checkpoint.writeInts(out, starts, 0, expanded + 1);
        Checkpoint.writeInts(out, targets, 0, edges);
        long[] g = goal.toLongArray();
        out.writeInt(g.length);
        Checkpoint.writeLongs(out, g, 0, g.length);
    }

    /** The graph {@link #writeTo} wrote. */
    static ProgressGraph readFrom(java.io.DataInputStream in) throws java.io.IOException {
        ProgressGraph p = new ProgressGraph();
        p.expanded = (int) Checkpoint.checked(in.readInt(), 0, MAX_CAPACITY - 2, "expanded states:");
        p.edges = (int) Checkpoint.checked(in.readInt(), 0, MAX_CAPACITY, "edges:");
        p.starts = new int[(int) capacity(p.starts.length, p.expanded + 2L)];
        p.targets = new int[(int) capacity(p.targets.length, p.edges)];
        Checkpoint.readInts(in, p.starts, 0, p.expanded + 1);
        Checkpoint.readInts(in, p.targets, 0, p.edges);
        long[] g = new long[(int) Checkpoint.checked(in.readInt(), 0, MAX_CAPACITY / 64 + 1, "goal words:")];
        Checkpoint.readLongs(in, g, 0, g.length);
        p.goal.or(BitSet.valueOf(g));
        return p;
    }

    @Override
    public long bytes() {
        return starts.length * 4L + targets.length * 4L + goal.size() / 8;
    }

    /** For the next expansion, with up to {@code adds} edges: its start and its edges. */
    @Override
    public long bytesToGrow(int adds) {
        long s = capacity(starts.length, expanded + 2L);
        long t = capacity(targets.length, edges + (long) adds);
        if (s > MAX_CAPACITY || t > MAX_CAPACITY) {
            return CANNOT_GROW;
        }
        return (s == starts.length ? 0 : s * 4) + (t == targets.length ? 0 : t * 4);
    }

    @Override
    public void grow(int adds) {
        long s = capacity(starts.length, expanded + 2L);
        long t = capacity(targets.length, edges + (long) adds);
        if (s > MAX_CAPACITY || t > MAX_CAPACITY) {
            throw new IllegalStateException("more than " + MAX_CAPACITY + " states or transitions in the progress graph");
        }
        if (s != starts.length) {
            starts = Arrays.copyOf(starts, (int) s);
        }
        if (t != targets.length) {
            targets = Arrays.copyOf(targets, (int) t);
        }
    }

    /** The length, doubling from {@code length}, that holds {@code needed} entries. */
    private static long capacity(long length, long needed) {
        while (length < needed) {
            length *= 2;
        }
        return length;
    }

    /** What {@link #trapped} may need on top of {@link #bytes()}: five ints a state, if the sweeps do not settle. */
    long bytesToAnalyse() {
        return expanded * 20L;
    }

    /** Sweeps in reverse order before the exact pass; most graphs settle in two or three. */
    private static final int MAX_SWEEPS = 8;

    /**
     * The states from which no goal state can be reached. First sweeps over the states from the
     * last to the first, marking a state when a successor is marked (a breadth-first graph's edges
     * mostly point forward, so this settles in a few sweeps, reading the edges in order); when a
     * sweep marks nothing the marks are exact. Otherwise Tarjan's strongly connected components
     * finish the job (iteratively: a component is finished only after every component it reaches,
     * so it can reach a goal when one of its states is marked or has an edge into a finished
     * component that can).
     */
    BitSet trapped() {
        BitSet reaches = (BitSet) goal.clone();
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            if (!sweep(reaches)) {
                return trappedGiven(reaches);
            }
        }
        return components(reaches);
    }

    /** One sweep from the last state to the first; whether it marked any state. */
    private boolean sweep(BitSet reaches) {
        boolean changed = false;
        for (int v = expanded - 1; v >= 0; v--) {
            if (reaches.get(v)) {
                continue;
            }
            for (int e = starts[v], end = starts[v + 1]; e < end; e++) {
                if (reaches.get(targets[e])) {
                    reaches.set(v);
                    changed = true;
                    break;
                }
            }
        }
        return changed;
    }

    private BitSet trappedGiven(BitSet reaches) {
        BitSet trapped = new BitSet(expanded);
        trapped.set(0, expanded);
        trapped.andNot(reaches);
        return trapped;
    }

    /** Tarjan's components over the whole graph, starting from marks that are all true. */
    BitSet components(BitSet reaches) {
        int n = expanded;
        BitSet onStack = new BitSet(n);
        int[] number = new int[n];
        int[] low = new int[n];
        int[] stack = new int[n];
        int[] callState = new int[n];
        int[] callEdge = new int[n];
        int counter = 0;
        for (int root = 0; root < n; root++) {
            if (number[root] != 0) {
                continue;
            }
            int sp = 0;
            int cp = 0;
            number[root] = low[root] = ++counter;
            stack[sp++] = root;
            onStack.set(root);
            callState[cp] = root;
            callEdge[cp++] = starts[root];
            while (cp > 0) {
                int v = callState[cp - 1];
                int e = callEdge[cp - 1];
                if (e < starts[v + 1]) {
                    callEdge[cp - 1] = e + 1;
                    int w = targets[e];
                    if (number[w] == 0) {
                        number[w] = low[w] = ++counter;
                        stack[sp++] = w;
                        onStack.set(w);
                        callState[cp] = w;
                        callEdge[cp++] = starts[w];
                    } else if (onStack.get(w)) {
                        low[v] = Math.min(low[v], number[w]);
                    } else if (reaches.get(w)) {
                        reaches.set(v);
                    }
                    continue;
                }
                cp--;
                if (low[v] == number[v]) {
                    int bottom = sp;
                    boolean good = false;
                    do {
                        good |= reaches.get(stack[--bottom]);
                    } while (stack[bottom] != v);
                    for (int i = bottom; i < sp; i++) {
                        onStack.clear(stack[i]);
                        if (good) {
                            reaches.set(stack[i]);
                        }
                    }
                    sp = bottom;
                }
                if (cp > 0) {
                    int u = callState[cp - 1];
                    if (onStack.get(v)) {
                        low[u] = Math.min(low[u], low[v]);
                    } else if (reaches.get(v)) {
                        reaches.set(u);
                    }
                }
            }
        }
        return trappedGiven(reaches);
    }
}
