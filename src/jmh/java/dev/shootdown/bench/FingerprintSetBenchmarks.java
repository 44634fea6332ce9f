package dev.shootdown.bench;

import dev.shootdown.check.OpenAddressingFingerprintSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The visited set: a million fingerprints added to a set that starts at 2^16 slots and grows as a
 * search's does (resizes included), then each of them added again (all already there). Per fingerprint.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FingerprintSetBenchmarks {
    static final int N = 1 << 20;

    private long[] fingerprints;
    private OpenAddressingFingerprintSet full;

    @Setup
    public void setUp() {
        fingerprints = new SplittableRandom(1).longs(N).toArray();
        full = new OpenAddressingFingerprintSet(16);
        for (long fp : fingerprints) {
            full.add(fp);
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int addNew() {
        OpenAddressingFingerprintSet set = new OpenAddressingFingerprintSet(16);
        int added = 0;
        for (long fp : fingerprints) {
            added += set.add(fp) ? 1 : 0;
        }
        return added;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int addSeen() {
        int added = 0;
        for (long fp : fingerprints) {
            added += full.add(fp) ? 1 : 0;
        }
        return added;
    }
}
