package dev.shootdown.bench;

import dev.shootdown.check.StatePacker;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.Sources;
import dev.shootdown.model.Compiler;
import dev.shootdown.model.Machine;
import dev.shootdown.model.Program;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The checker's inner loop, piece by piece, on states a random walk through a catalog model reaches:
 * generating a state's successors ({@code Machine.enabled} and {@code apply} on a copy), and packing
 * and unpacking states ({@code StatePacker}). Each operation is one state; run from the repository's
 * top (it reads {@code catalog/}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CheckerBenchmarks {
    /** States sampled per model: enough that their successors do not all sit in L1. */
    static final int STATES = 1024;

    @Param({"003-lazy-2016-cpumask-clear", "004-gup-fast-tlbie-free"})
    public String model;

    private Machine machine;
    private StatePacker packer;
    private int[][] states;
    private long[][] packed;
    private int[] actions;
    private int[] scratch;
    private int next;

    @Setup
    public void setUp() {
        Program program = Compiler.compile(Parser.parse(Sources.read(Path.of("catalog", model + ".sd"))));
        machine = new Machine(program);
        packer = StatePacker.of(machine.layout());
        actions = new int[machine.maxActions()];
        SplittableRandom random = new SplittableRandom(1);
        List<int[]> seen = new ArrayList<>();
        int[] s = machine.initialState();
        // Random walks from the initial state, restarted where none can go on.
        while (seen.size() < STATES) {
            seen.add(s.clone());
            int n = machine.enabled(s, actions);
            if (n == 0 || random.nextInt(64) == 0) {
                s = machine.initialState();
                continue;
            }
            machine.apply(s, actions[random.nextInt(n)], null);
        }
        states = seen.toArray(new int[0][]);
        packed = new long[STATES][packer.maxLongs()];
        for (int i = 0; i < STATES; i++) {
            packer.pack(states[i], packed[i], 0);
        }
        scratch = new int[states[0].length];
    }

    /** Every successor of one state: its enabled actions, each applied to a fresh copy. */
    @Benchmark
    public void successors(Blackhole bh) {
        int[] s = states[next++ & (STATES - 1)];
        int n = machine.enabled(s, actions);
        for (int i = 0; i < n; i++) {
            System.arraycopy(s, 0, scratch, 0, s.length);
            bh.consume(machine.apply(scratch, actions[i], null));
        }
        bh.consume(scratch);
    }

    @Benchmark
    public int pack() {
        return packer.pack(states[next++ & (STATES - 1)], packed[next & (STATES - 1)], 0);
    }

    @Benchmark
    public int unpack() {
        return packer.unpack(packed[next++ & (STATES - 1)], 0, scratch);
    }
}
