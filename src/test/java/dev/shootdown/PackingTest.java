package dev.shootdown;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.check.StatePacker;
import dev.shootdown.model.Layout;
import dev.shootdown.model.Machine;
import dev.shootdown.model.Program;
import dev.shootdown.model.Symmetry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Packed states against whole ones: every state reached (up to 20,000 per model, and their
 * representatives under symmetry) packs and unpacks to itself, alone and packed one after another
 * at any bit as the frontier keeps them, and a successor packed from its parent's packing is packed
 * as it would be whole, on every catalog entry, docs model and seeded random model; and the search
 * over packed states finds exactly the states a search over whole states finds.
 */
class PackingTest {
    private static final int STATES = 20_000;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.shootdown.OracleModels#catalogAndDocs")
    @DisplayName("catalog and docs: every state reached packs and unpacks to itself; the search finds the states a whole-state search finds")
    void catalogAndDocs(String name, String source) {
        Program program = OracleModels.compileOrNull(source);
        if (program != null) {
            roundTrips(name, program);
            sameStates(name, program);
        }
    }

    @Test
    @DisplayName("100 seeded random models: every state reached packs and unpacks to itself; the same states as a whole-state search")
    void randomModels() {
        SplittableRandom random = new SplittableRandom(0xB175);
        int compared = 0;
        for (int i = 0; i < 100; i++) {
            String source = SymmetryTest.randomModel(random);
            Program program = OracleModels.compileOrNull(source);
            if (program != null) {
                roundTrips("random model " + i + ":\n" + source, program);
                compared += sameStates("random model " + i + ":\n" + source, program) ? 1 : 0;
            }
        }
        assertThat(compared).as("random models small enough and safe enough to compare whole").isGreaterThan(20);
    }

    @Test
    @DisplayName("a bounded word outside its range stops with its name; an unbounded one keeps any value")
    void outOfRange() {
        Program program = OracleModels.compile("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                shared n = 0, done: bool
                cpu 0.. runs A: { n = n + 1; done = true; read(p) }
                check no_use_after_free
                """);
        Machine m = new Machine(program);
        StatePacker packer = StatePacker.of(m.layout());
        long[] packed = new long[packer.maxLongs()];
        int[] back = new int[packer.size()];
        for (int v : new int[] {0, 1, 2, 3, 6, 7, -1, 1 << 20, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            int[] s = m.initialState();
            s[0] = v; // n: an int
            int bits = packer.pack(s, packed, 0);
            assertThat(bits).isLessThanOrEqualTo(packer.maxBits());
            assertThat(packer.unpack(packed, 0, back)).isEqualTo(bits);
            assertThat(back).containsExactly(s);
        }
        int[] s = m.initialState();
        s[1] = 2; // done: a bool
        assertThatThrownBy(() -> packer.pack(s, packed, 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("done").hasMessageContaining("holds 2").hasMessageContaining("[0, 1]");
        int[] t = m.initialState();
        t[m.layout().cpu(1) + Layout.PC] = -1;
        assertThatThrownBy(() -> packer.pack(t, packed, 0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("cpu1.pc");
    }

    /** Packs every state reached (and its representative) and unpacks it, alone and among others at odd bits. */
    private static void roundTrips(String name, Program program) {
        Machine m = new Machine(program);
        StatePacker packer = StatePacker.of(m.layout());
        int[] init = m.initialState();
        Symmetry symmetry = new Symmetry(program, m.layout(), init);
        List<int[]> states = reach(m, init, STATES);
        List<int[]> all = new ArrayList<>(states);
        if (symmetry.active()) {
            for (int[] s : states) {
                int[] rep = s.clone();
                symmetry.canonicalize(rep);
                all.add(rep);
            }
        }
        // Packed alone at a long offset into a buffer full of ones, then one after another at the bit where the last one ended.
        int max = packer.maxLongs();
        long[] alone = new long[max + 3];
        long[] stream = new long[max * 64 + 1];
        int[] back = new int[packer.size()];
        long at = 5;
        List<Long> starts = new ArrayList<>();
        List<int[]> inStream = new ArrayList<>();
        for (int[] s : all) {
            java.util.Arrays.fill(alone, -1L);
            int bits = packer.pack(s, alone, 3);
            assertThat(bits).as(name).isBetween(0, packer.maxBits());
            assertThat(packer.unpack(alone, 3 * 64L, back)).as(name).isEqualTo(bits);
            assertThat(back).as(name).containsExactly(s);
            if (at + bits > (stream.length - 1) * 64L) {
                readBack(name, packer, stream, starts, inStream);
                java.util.Arrays.fill(stream, 0L);
                at = bits % 61;
                starts.clear();
                inStream.clear();
            }
            long[] fresh = new long[max];
            packer.pack(s, fresh, 0);
            StatePacker.copyBits(fresh, 0, bits, stream, at);
            starts.add(at);
            inStream.add(s);
            at += bits;
        }
        readBack(name, packer, stream, starts, inStream);
        successorsPackAlike(name, m, packer, symmetry, states);
    }

    /** A successor packed from its parent's packing writes what packing it whole writes (with and without its canonicalisation). */
    private static void successorsPackAlike(String name, Machine m, StatePacker packer, Symmetry symmetry, List<int[]> states) {
        int max = packer.maxLongs();
        long[] parent = new long[max];
        long[] whole = new long[max];
        long[] changed = new long[max + 2];
        int[] actions = new int[m.maxActions()];
        for (int[] s : states.subList(0, Math.min(states.size(), 2_000))) {
            int parentBits = packer.pack(s, parent, 0);
            int n = m.enabled(s, actions);
            for (int i = 0; i < n; i++) {
                int[] next = s.clone();
                m.apply(next, actions[i], null);
                for (int round = 0; round < (symmetry.active() ? 2 : 1); round++) {
                    if (round == 1) {
                        symmetry.canonicalize(next);
                    }
                    int bits = packer.pack(next, whole, 0);
                    java.util.Arrays.fill(changed, -1L);
                    assertThat(packer.packSuccessor(s, parent, parentBits, next, changed, 2)).as(name).isEqualTo(bits);
                    assertThat(java.util.Arrays.copyOfRange(changed, 2, 2 + StatePacker.longs(bits)))
                            .as(name).containsExactly(java.util.Arrays.copyOf(whole, StatePacker.longs(bits)));
                }
            }
        }
    }

    private static void readBack(String name, StatePacker packer, long[] stream, List<Long> starts, List<int[]> states) {
        int[] back = new int[packer.size()];
        for (int k = 0; k < states.size(); k++) {
            long took = packer.unpack(stream, starts.get(k), back);
            assertThat(back).as(name).containsExactly(states.get(k));
            if (k + 1 < states.size()) {
                assertThat(starts.get(k) + took).as(name).isEqualTo(starts.get(k + 1));
            }
        }
    }

    /**
     * On a model small enough to search whole and with no violation (so the search expands every state), the plain
     * search finds exactly as many states as a search that keeps whole states; returns whether it compared.
     */
    private static boolean sameStates(String name, Program program) {
        CheckResult r = new BfsExplorer(program, CheckOptions.defaults().withMaxStates(40_000).withReductions(false)).run();
        if (!r.complete() || !r.violations().isEmpty()) {
            return false;
        }
        // The machine a search without reductions runs: it keeps the accessed bits a model never reads.
        Machine m = Machine.unreduced(program);
        List<int[]> whole = reach(m, m.initialState(), 40_001);
        if (whole.size() > 40_000) {
            return false;
        }
        assertThat(r.stats().states()).as(name).isEqualTo(whole.size());
        return true;
    }

    /** The states reachable from {@code init}, breadth first, at most {@code cap}; a step that breaks a property ends there. */
    private static List<int[]> reach(Machine m, int[] init, int cap) {
        int[] actions = new int[m.maxActions()];
        Set<IntBuffer> seen = new HashSet<>();
        List<int[]> todo = new ArrayList<>();
        seen.add(IntBuffer.wrap(init));
        todo.add(init);
        for (int at = 0; at < todo.size() && todo.size() < cap; at++) {
            int[] s = todo.get(at);
            int n = m.enabled(s, actions);
            for (int i = 0; i < n; i++) {
                int[] next = s.clone();
                if (m.apply(next, actions[i], null) < 0 && m.brokenInvariant(next) == null && seen.add(IntBuffer.wrap(next))) {
                    todo.add(next);
                }
            }
        }
        return todo;
    }
}
