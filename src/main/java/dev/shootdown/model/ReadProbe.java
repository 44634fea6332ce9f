package dev.shootdown.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Finds what an action read by running it again: for every piece of state the reader sees (each
 * {@link StateView.Item} that is not control), the action is applied to copies of the state where
 * only that piece holds another value, and the piece was read if the action then could not run, did
 * something else anywhere (wrote another value, wrote elsewhere, went another way), said it did
 * something else (its narration: a TLB hit that would have been a miss, or a hit that says its
 * entry is stale against the PTE) or broke a property it did
 * not break (or the other way round). A dynamic dependence, measured rather than
 * derived from the code: a condition short-circuited past is not read, and a walk that found the
 * TLB empty did read the empty entry.
 *
 * <p>The values tried for a word are those {@link Layout#range} allows when they are few (a boolean,
 * a CPU set of a few CPUs, a CR3), else each of its bits flipped, its neighbours and a few others;
 * a bit of the flags word is flipped. A change no value tried reveals is missed, so a read is
 * reported only when it mattered to some value. The probe runs on a machine of its own, built again
 * when a strange state made a step throw (which counts as a difference).
 */
final class ReadProbe {
    private final Supplier<Machine> fresh;
    private final Layout layout;
    private final StateView view;
    private Machine m;
    private final int[] actions;

    ReadProbe(Supplier<Machine> fresh, Layout layout, StateView view) {
        this.fresh = fresh;
        this.layout = layout;
        this.view = view;
        this.m = fresh.get();
        this.actions = new int[m.maxActions()];
    }

    Footprint footprint(int[] before, int action) {
        int[] after = before.clone();
        List<String> said = new ArrayList<>();
        int verdict = m.apply(after, action, said::add);
        int c = Action.cpu(action);
        int b = layout.cpu(c);
        Found found = partsRead(before, (w, mask, value) -> differs(before, action, after, verdict, said, w, mask, value, b + Layout.PC));
        boolean inHandler = (before[b + Layout.FLAGS] & Layout.IN_HANDLER) != 0;
        Footprint.Role role = switch (Action.kind(action)) {
            case Action.STEP -> inHandler ? Footprint.Role.HANDLER : Footprint.Role.PROGRAM;
            case Action.IPI -> Footprint.Role.ENTERS_HANDLER;
            case Action.DRAIN -> Footprint.Role.DRAIN;
            default -> Footprint.Role.HARDWARE;
        };
        boolean decides = Action.kind(action) == Action.STEP && (found.branched() || m.waitsOrChooses(before, c));
        return new Footprint(found.parts(), changed(before, after), role, decides);
    }

    /**
     * The things of {@code s} whose value decides {@code observation}: for each, whether some other value
     * changes what the observation says. For the end of a counterexample, where no step is left to run.
     */
    Map<String, String> readsOf(int[] s, Function<Machine, Function<int[], Object>> observation) {
        Object base = observation.apply(m).apply(s);
        return partsRead(s, (w, mask, value) -> {
            int[] t = s.clone();
            t[w] = value;
            try {
                return Objects.equals(base, observation.apply(m).apply(t)) ? NOT_READ : READ;
            } catch (RuntimeException e) {
                m = fresh.get();
                return READ;
            }
        }).parts();
    }

    /** What one other value of a word did: {@link #NOT_READ}, {@link #READ} or {@link #READ_AND_BRANCHED}. */
    private interface Trial {
        int of(int word, int mask, int value);
    }

    /** The parts read, with the values in the state probed, and whether some other value sent the CPU another way. */
    private record Found(Map<String, String> parts, boolean branched) {}

    /** Tries {@code trial} on the other values of each word of each part that is not control, up to the first that sends the CPU another way. */
    private Found partsRead(int[] s, Trial trial) {
        Map<String, String> reads = new LinkedHashMap<>();
        boolean branched = false;
        for (StateView.Item it : view.items()) {
            if (it.control()) {
                continue;
            }
            int found = NOT_READ;
            for (int w : it.words()) {
                for (int value : candidates(w, it.mask(), s[w])) {
                    found = Math.max(found, trial.of(w, it.mask(), value));
                    if (found == READ_AND_BRANCHED) {
                        break;
                    }
                }
                if (found == READ_AND_BRANCHED) {
                    break;
                }
            }
            if (found != NOT_READ) {
                reads.put(it.path().apply(s), text(it, s));
            }
            branched |= found == READ_AND_BRANCHED;
        }
        return new Found(reads, branched);
    }

    private static final int NOT_READ = 0;
    private static final int READ = 1;
    private static final int READ_AND_BRANCHED = 2;

    /**
     * Whether {@code action} on {@code before} with word {@code w} set to {@code value} does other than it
     * did: another state ({@code after}), verdict, or account of itself ({@code said}: a hit that would
     * have been a miss changes no state, but it is another load).
     */
    private int differs(int[] before, int action, int[] after, int verdict, List<String> said, int w, int mask, int value, int pcWord) {
        int[] s = before.clone();
        s[w] = value;
        if (!enabled(s, action)) {
            return READ;
        }
        int v;
        List<String> says = new ArrayList<>();
        try {
            v = m.apply(s, action, says::add);
        } catch (RuntimeException e) {
            m = fresh.get();
            return READ;
        }
        if (v != verdict) {
            return READ;
        }
        int result = says.equals(said) ? NOT_READ : READ;
        for (int j = 0; j < s.length; j++) {
            if (j == w) {
                // The piece itself: overwritten as in the real run, or, where the real run left it as it
                // was, left as it now is; anything else (kept where it was written, incremented) is a read.
                int mine = s[j] & mask;
                boolean asWritten = mine == (after[j] & mask);
                boolean leftAlone = mine == (value & mask) && (after[j] & mask) == (before[j] & mask);
                if (!asWritten && !leftAlone || (s[j] & ~mask) != (after[j] & ~mask)) {
                    result = READ;
                }
            } else if (s[j] != after[j]) {
                if (j == pcWord) {
                    return READ_AND_BRANCHED;
                }
                result = READ;
            }
        }
        return result;
    }

    private boolean enabled(int[] s, int action) {
        int n = m.enabledFor(s, Action.cpu(action), actions, 0);
        for (int i = 0; i < n; i++) {
            if (actions[i] == action) {
                return true;
            }
        }
        return false;
    }

    /** Other values to try for word {@code w} (its bits {@code mask}) now holding {@code v}. */
    int[] candidates(int w, int mask, int v) {
        if (mask != -1) {
            return new int[] {v ^ mask};
        }
        int[] r = layout.range(w);
        long lo = r[0];
        long hi = r[1];
        Set<Long> out = new LinkedHashSet<>();
        if (hi - lo <= 32) {
            for (long x = lo; x <= hi; x++) {
                out.add(x);
            }
        } else {
            boolean bounded = lo != Integer.MIN_VALUE || hi != Integer.MAX_VALUE;
            int bits = bounded ? 64 - Long.numberOfLeadingZeros(hi) : 12;
            for (int k = 0; k < Math.min(bits, 31); k++) {
                out.add((long) (v ^ (1 << k)));
            }
            out.add(lo);
            out.add(hi);
            out.add(0L);
            out.add(1L);
            out.add(-1L);
            out.add((long) v + 1);
            out.add((long) v - 1);
            out.add(1L << 20);
            if (layout.word(w).type() == dev.shootdown.lang.Type.CPU) {
                for (int c = 0; c < layout.cpus; c++) {
                    out.add((long) c);
                }
            }
        }
        List<Integer> keep = new ArrayList<>();
        for (long x : out) {
            if (x != v && x >= lo && x <= hi) {
                keep.add((int) x);
            }
        }
        return keep.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String text(StateView.Item it, int[] s) {
        Object v = it.value().apply(s);
        return v == null ? "none" : StateView.part("", v).text();
    }

    /** The paths whose value differs between the two states (appeared, went away, or another value), in layout order. */
    List<String> changed(int[] before, int[] after) {
        Set<String> changed = new LinkedHashSet<>();
        for (StateView.Item it : view.items()) {
            String pb = it.path().apply(before);
            String pa = it.path().apply(after);
            Object vb = it.value().apply(before);
            Object va = it.value().apply(after);
            if (pb.equals(pa)) {
                if (!Objects.equals(vb, va)) {
                    changed.add(pa);
                }
            } else {
                if (vb != null) {
                    changed.add(pb);
                }
                if (va != null) {
                    changed.add(pa);
                }
            }
        }
        return new ArrayList<>(changed);
    }
}
