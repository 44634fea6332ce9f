package dev.shootdown.check;

import dev.shootdown.lang.Sources;
import dev.shootdown.model.Program;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The visited set off the heap ({@code --off-heap}) is the same set: every catalog entry and shipped protocol gives the
 * search it gives on the heap, a checkpoint moves between the two, the guard stops the search when the table would pass
 * its budget, and no file is left in the spill directory.
 */
class OffHeapSearchTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.shootdown.check.SpilledSearchTest#models")
    void theSameSearchOffTheHeap(String name, Program program) throws IOException {
        CheckOptions options = CheckOptions.defaults().withSpillDir(dir);
        BfsExplorer onHeap = new BfsExplorer(program, options);
        CheckResult x = onHeap.run();
        if (program.properties().contains(dev.shootdown.model.Verdict.DEADLOCK)) {
            return; // refused: no_deadlock's graph keeps its set on the heap (aRefusedCombination)
        }
        BfsExplorer offHeap = new BfsExplorer(program, options.withOffHeap(1L << 30));
        ResumedSearch.assertSame(name, onHeap, x, offHeap, offHeap.run());
        // A checkpoint written on the heap carries on off it.
        Path d = Files.createTempDirectory(dir, "ck");
        CheckResult stopped = new BfsExplorer(program, options.withCheckpoints(new CheckOptions.Checkpoints(d, Long.MAX_VALUE, null, null)))
                .stopAfter(Math.max(1, x.stats().states() / 2)).run();
        if ("interrupted".equals(stopped.stopReason())) {
            BfsExplorer rest = new BfsExplorer(program, options.withOffHeap(-1).withCheckpoints(new CheckOptions.Checkpoints(d, Long.MAX_VALUE, d, null)));
            ResumedSearch.assertSame(name, onHeap, x, rest, rest.run());
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith("shootdown-"))).as("files left in the spill directory").isEmpty();
        }
    }

    @Test
    @DisplayName("the guard stops the search, incomplete, when the table's next growth would pass its budget")
    void theBudgetStopsTheSearch() {
        Program program = SpilledSearchTest.compile(Sources.read(Path.of("bench/checker/tlb-N5-K1.sd")));
        CheckOptions options = CheckOptions.defaults().withSpillDir(dir).withReductions(false);
        CheckResult r = new BfsExplorer(program, options.withOffHeap(2L << 20)).run();
        assertThat(r.complete()).isFalse();
        assertThat(r.stopReason()).isEqualTo("memory limit (the visited set off the heap would pass 2 MiB)");
        // 2 MiB: the first table (64 Ki slots, 512 KiB) doubles beside itself; the second (1 MiB) may not, so the search stops
        // before it holds 3/4 of 128 Ki slots, once the next state's successors might not fit.
        assertThat(r.stats().states()).isBetween(49_153L, 98_304L);
    }

    @Test
    @DisplayName("a set off the heap answers as the one on it, through growths and a round trip through a checkpoint")
    void theSameAnswers() throws IOException {
        SplittableRandom random = new SplittableRandom(5);
        OpenAddressingFingerprintSet heap = new OpenAddressingFingerprintSet(16);
        try (MappedFingerprintSet mapped = new MappedFingerprintSet(dir, 16)) {
            for (int i = 0; i < 200_000; i++) {
                long fp = random.nextInt(4) == 0 ? 0 : random.nextLong(150_000);
                assertThat(mapped.add(fp)).isEqualTo(heap.add(fp));
            }
            assertThat(mapped.size()).isEqualTo(heap.size());
            assertThat(mapped.bytes()).isEqualTo(heap.bytes());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            mapped.writeTo(new DataOutputStream(bytes));
            ByteArrayOutputStream fromHeap = new ByteArrayOutputStream();
            heap.writeTo(new DataOutputStream(fromHeap));
            // Each reads the other's checkpoint: the same fingerprints, wherever each placed them.
            OpenAddressingFingerprintSet onHeap = OpenAddressingFingerprintSet.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertThat(onHeap.size()).isEqualTo(heap.size());
            try (MappedFingerprintSet offHeap = MappedFingerprintSet.readFrom(new DataInputStream(new ByteArrayInputStream(fromHeap.toByteArray())), dir)) {
                for (long fp = 0; fp < 160_000; fp++) {
                    assertThat(offHeap.add(fp)).isEqualTo(onHeap.add(fp));
                }
            }
            try (MappedFingerprintSet back = MappedFingerprintSet.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), dir)) {
                for (long fp = 0; fp < 160_000; fp++) {
                    assertThat(back.add(fp)).isEqualTo(heap.add(fp));
                }
            }
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("table files left").isEmpty();
        }
    }
}
