package dev.shootdown.model;

import dev.shootdown.lang.Type;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Symmetry reduction over interchangeable CPUs (Ip and Dill, "Better verification through
 * symmetry", 1996; TLC's SYMMETRY). CPUs that run the same code in the same address space, start in
 * the same state and are never told apart by the model (no constant names them, no CPU number is
 * used as a number or ordered: {@link CpuUse}) can be renumbered: a renumbering maps every
 * transition to a transition and every property to itself, so exploring one state per orbit
 * explores every reachable state up to renumbering, with the same verdicts and the same shortest
 * depth (the initial state is its own image).
 *
 * <p>{@link #canonicalize} maps a state to a member of its orbit: it sorts the blocks of each group
 * by the words renumbering leaves alone, ties by the rest, and renumbers every word that holds a CPU
 * or a CPU set, as {@link Layout#word} declares. The result need not be the orbit's least member
 * (two members of one orbit may map to different states): that costs reduction, never soundness,
 * since each state explored is still the image of a reachable one under a renumbering.
 */
public final class Symmetry {
    private final Layout layout;
    private final Program program;
    private final int cpus;
    private final int[][] groups;
    private final List<String> notes;
    /** Per word outside the CPU blocks, and per offset inside one: what renumbering does to it (a {@link StateWord.Holds} ordinal). */
    private final byte[] globalHolds;
    private final byte[] blockHolds;
    /** Per state index: what a store of a value to it holds (for store-buffer values). */
    private final byte[] storedHolds;
    /** Per CPU, per program slot: what the slot holds; whether any of the CPU's slots holds CPUs. */
    private final byte[][] programSlots;
    private final boolean[] cpuSlots;
    /** The words outside CPU blocks, and the offsets inside one, that hold a CPU or a CPU set (store buffers and frames apart). */
    private final int[] globalCpuWords;
    private final int[] blockCpuWords;
    private final byte[][] handlerSlots;
    /** Per CPU, the block offsets compared first when sorting: those renumbering leaves alone. */
    private final int[][] keyOffsets;
    private final int[] perm;
    private final int[] order;
    private final int[] scratch;

    private static final byte NONE = (byte) StateWord.Holds.NOTHING_OF_CPUS.ordinal();
    private static final byte CPU = (byte) StateWord.Holds.CPU.ordinal();
    private static final byte SET = (byte) StateWord.Holds.CPU_SET.ordinal();
    private static final byte PROGRAM_SLOT = (byte) StateWord.Holds.BY_TYPE.ordinal();

    /** The symmetry of a program, or none ({@link #groups()} empty) where the model tells every CPU apart. */
    public Symmetry(Program program, Layout layout, int[] initial) {
        this.layout = layout;
        this.program = program;
        this.cpus = program.cpus();
        this.notes = new ArrayList<>();
        globalHolds = new byte[layout.size];
        blockHolds = new byte[layout.stride];
        storedHolds = new byte[layout.size];
        for (int i = 0; i < layout.size; i++) {
            StateWord w = layout.word(i);
            byte h = holds(w);
            if (w.kind() == StateWord.Kind.VARIABLE) {
                storedHolds[i] = h;
            }
            if (i < layout.cpuBase || i >= layout.pteBase) {
                globalHolds[i] = h;
            } else if (i < layout.cpuBase + layout.stride) {
                blockHolds[i - layout.cpuBase] = h;
            }
        }
        programSlots = new byte[cpus][];
        cpuSlots = new boolean[cpus];
        for (int c = 0; c < cpus; c++) {
            programSlots[c] = slotHolds(program.cpuPrograms().get(c));
            for (byte h : programSlots[c]) {
                cpuSlots[c] |= h != NONE;
            }
        }
        globalCpuWords = java.util.stream.IntStream.range(0, layout.size).filter(i -> (i < layout.cpuBase || i >= layout.pteBase)
                && (globalHolds[i] == CPU || globalHolds[i] == SET)).toArray();
        blockCpuWords = java.util.stream.IntStream.range(0, layout.stride).filter(o -> blockHolds[o] == CPU || blockHolds[o] == SET).toArray();
        handlerSlots = new byte[program.handlers().size()][];
        for (int h = 0; h < handlerSlots.length; h++) {
            handlerSlots[h] = slotHolds(program.handlers().get(h));
        }
        keyOffsets = new int[cpus][];
        for (int c = 0; c < cpus; c++) {
            int[] keys = new int[layout.stride];
            int k = 0;
            for (int o = 0; o < layout.stride; o++) {
                int slot = o - layout.locals;
                boolean plainSlot = blockHolds[o] == PROGRAM_SLOT && (slot >= programSlots[c].length || programSlots[c][slot] == NONE);
                if (blockHolds[o] == NONE || plainSlot) {
                    keys[k++] = o;
                }
            }
            keyOffsets[c] = Arrays.copyOf(keys, k);
        }
        groups = findGroups(initial);
        perm = new int[cpus];
        order = new int[cpus];
        scratch = new int[layout.size];
    }

    private static byte holds(StateWord w) {
        StateWord.Holds h = switch (w.kind().holds()) {
            case BY_TYPE -> w.kind() == StateWord.Kind.PROGRAM_LOCAL ? StateWord.Holds.BY_TYPE : StateWord.holds(w.type());
            default -> w.kind().holds();
        };
        return (byte) h.ordinal();
    }

    private static byte[] slotHolds(Code code) {
        byte[] r = new byte[code.slotTypes().length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (byte) StateWord.holds(code.slotTypes()[i]).ordinal();
        }
        return r;
    }

    /** Groups of CPUs with the same code, address space and start, less the CPUs the model tells apart. */
    private int[][] findGroups(int[] initial) {
        for (CpuUse u : program.cpuUses()) {
            if (u.anyCpu()) {
                notes.add(u.what() + " at " + u.at());
                return new int[0][];
            }
        }
        long named = 0;
        List<String> why = new ArrayList<>();
        for (CpuUse u : program.cpuUses()) {
            if ((u.named() & ~named) != 0) {
                why.add(u.what() + " at " + u.at());
            }
            named |= u.named();
        }
        // A cpu slot a body may read before writing holds 0 there, which is CPU 0.
        for (int c = 0; c < cpus; c++) {
            named |= readBeforeWritten(program.cpuPrograms().get(c), 0);
        }
        for (Code h : program.handlers()) {
            named |= readBeforeWritten(h, 1);
        }
        List<int[]> found = new ArrayList<>();
        boolean[] taken = new boolean[cpus];
        for (int c = 0; c < cpus; c++) {
            if (taken[c]) {
                continue;
            }
            int[] g = new int[cpus];
            int n = 0;
            for (int d = c; d < cpus; d++) {
                if (!taken[d] && program.cpuPrograms().get(d) == program.cpuPrograms().get(c) && program.cpuMm()[d] == program.cpuMm()[c]) {
                    taken[d] = true;
                    if ((named >>> d & 1) == 0) {
                        g[n++] = d;
                    }
                }
            }
            if (n >= 2) {
                int[] group = Arrays.copyOf(g, n);
                if (startsAlike(group, initial)) {
                    found.add(group);
                } else {
                    notes.add("cpus " + list(group) + " run the same code but do not start in the same state");
                }
            }
        }
        if (!why.isEmpty() && named != 0) {
            notes.add("cpu" + (Long.bitCount(named) == 1 ? " " : "s ") + list(named) + " kept apart: " + String.join("; ", why));
        }
        return found.toArray(int[][]::new);
    }

    private long readBeforeWritten(Code code, int firstSlot) {
        for (int slot = firstSlot; slot < code.frameSize(); slot++) {
            if (code.slotTypes()[slot] == Type.CPU && code.live(0, slot)) {
                return 1L;
            }
        }
        return 0;
    }

    /** Whether swapping any two CPUs of the group leaves the initial state as it is. */
    private boolean startsAlike(int[] group, int[] initial) {
        int[] p = new int[cpus];
        int[] t = new int[initial.length];
        for (int i = 1; i < group.length; i++) {
            for (int c = 0; c < cpus; c++) {
                p[c] = c;
            }
            p[group[0]] = group[i];
            p[group[i]] = group[0];
            permute(initial, p, t);
            if (!Arrays.equals(initial, t)) {
                return false;
            }
        }
        return true;
    }

    /** The groups of interchangeable CPUs (each of two or more, ascending); empty when there is no symmetry. */
    public int[][] groups() {
        return groups;
    }

    /** Why CPUs were kept apart, in words (for the statistics). */
    public List<String> notes() {
        return notes;
    }

    public boolean active() {
        return groups.length > 0;
    }

    /** "cpus 1-5" style: the group's CPUs. */
    public static String list(int[] cpus) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cpus.length; i++) {
            int j = i;
            while (j + 1 < cpus.length && cpus[j + 1] == cpus[j] + 1) {
                j++;
            }
            b.append(b.length() > 0 ? ", " : "").append(cpus[i]);
            if (j > i) {
                b.append(j == i + 1 ? ", " : "-").append(cpus[j]);
            }
            i = j;
        }
        return b.toString();
    }

    private static String list(long mask) {
        return list(java.util.stream.IntStream.range(0, 64).filter(c -> (mask >>> c & 1) != 0).toArray());
    }

    /**
     * Replaces {@code s} by the representative of its orbit; returns whether it changed. The
     * renumbering used (old CPU to new) is left in {@link #lastPermutation}.
     */
    public boolean canonicalize(int[] s) {
        boolean moved = false;
        for (int c = 0; c < cpus; c++) {
            perm[c] = c;
        }
        for (int[] g : groups) {
            int n = g.length;
            for (int i = 0; i < n; i++) {
                order[i] = g[i];
            }
            // Insertion sort of the group's blocks: groups are small.
            for (int i = 1; i < n; i++) {
                int x = order[i];
                int j = i - 1;
                while (j >= 0 && compareBlocks(s, order[j], x) > 0) {
                    order[j + 1] = order[j];
                    j--;
                }
                order[j + 1] = x;
            }
            for (int i = 0; i < n; i++) {
                perm[order[i]] = g[i];
                moved |= order[i] != g[i];
            }
        }
        if (!moved) {
            return false;
        }
        permute(s, perm, scratch);
        System.arraycopy(scratch, 0, s, 0, s.length);
        return true;
    }

    /** The renumbering the last {@link #canonicalize} applied: old CPU c is now CPU {@code result[c]}. */
    public int[] lastPermutation() {
        return perm.clone();
    }

    private int compareBlocks(int[] s, int a, int b) {
        int ba = layout.cpu(a);
        int bb = layout.cpu(b);
        if (Arrays.equals(s, ba, ba + layout.stride, s, bb, bb + layout.stride)) {
            return 0;
        }
        for (int o : keyOffsets[a]) {
            int d = Integer.compare(s[ba + o], s[bb + o]);
            if (d != 0) {
                return d;
            }
        }
        for (int o : blockCpuWords) {
            if (blockHolds[o] == SET) {
                int d = Integer.compare(Integer.bitCount(s[ba + o]), Integer.bitCount(s[bb + o]));
                if (d != 0) {
                    return d;
                }
            }
        }
        return Arrays.compare(s, ba, ba + layout.stride, s, bb, bb + layout.stride);
    }

    /** Writes into {@code t} the state {@code s} with CPU c renumbered {@code p[c]}: blocks moved, every CPU-valued word renamed. */
    public void permute(int[] s, int[] p, int[] t) {
        System.arraycopy(s, 0, t, 0, layout.cpuBase);
        System.arraycopy(s, layout.pteBase, t, layout.pteBase, layout.size - layout.pteBase);
        for (int i : globalCpuWords) {
            t[i] = rename(s[i], globalHolds[i], p);
        }
        int stride = layout.stride;
        for (int c = 0; c < cpus; c++) {
            int from = layout.cpu(c);
            int to = layout.cpu(p[c]);
            System.arraycopy(s, from, t, to, stride);
            for (int o : blockCpuWords) {
                t[to + o] = rename(s[from + o], blockHolds[o], p);
            }
            int count = s[from + Layout.SB_COUNT];
            for (int e = 0; e < count; e++) {
                int at = layout.storeBuffer + 2 * e;
                int address = s[from + at];
                t[to + at] = renameAddress(address, p);
                if (address >= 0) {
                    t[to + at + 1] = rename(s[from + at + 1], storedHolds[address], p);
                }
            }
            int flags = s[from + Layout.FLAGS];
            boolean inHandler = (flags & Layout.IN_HANDLER) != 0;
            byte[] types = programSlots[c];
            if (cpuSlots[c]) {
                Code code = program.cpuPrograms().get(c);
                int pc = s[from + (inHandler ? Layout.SAVED_PC : Layout.PC)];
                for (int slot = 0; slot < types.length; slot++) {
                    if (types[slot] != NONE && code.live(pc, slot)) {
                        t[to + layout.locals + slot] = rename(s[from + layout.locals + slot], types[slot], p);
                    }
                }
            }
            if (inHandler) {
                int hn = flags >>> Layout.HANDLER_SHIFT;
                byte[] htypes = handlerSlots[hn];
                Code code = program.handlers().get(hn);
                int pc = s[from + Layout.PC];
                for (int slot = 0; slot < htypes.length; slot++) {
                    if (htypes[slot] != NONE && code.live(pc, slot)) {
                        t[to + layout.handlerLocals + slot] = rename(s[from + layout.handlerLocals + slot], htypes[slot], p);
                    }
                }
            }
        }
    }

    private int rename(int v, byte holds, int[] p) {
        if (holds == CPU) {
            return v >= 0 && v < cpus ? p[v] : v;
        }
        if (holds == SET) {
            int r = 0;
            for (int m = v; m != 0; m &= m - 1) {
                r |= 1 << p[Integer.numberOfTrailingZeros(m)];
            }
            return r;
        }
        return v;
    }

    private int renameAddress(int a, int[] p) {
        if (a < 0) {
            int to = -1 - a;
            return to < cpus ? -1 - p[to] : a;
        }
        if (a >= layout.cpuBase && a < layout.pteBase) {
            int c = (a - layout.cpuBase) / layout.stride;
            return layout.cpu(p[c]) + (a - layout.cpuBase) % layout.stride;
        }
        return a;
    }
}
