package dev.shootdown.check;

import dev.shootdown.lang.SourceFile;
import dev.shootdown.lang.Sources;
import dev.shootdown.lang.UserError;
import dev.shootdown.model.Program;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A search stopped, written to a checkpoint and carried on ends as the search without a break: the same verdicts,
 * statistics, violations and counterexamples, whether it was stopped between two states (Ctrl-C, the memory guard) or
 * among a state's successors (the state limit), once or several times, with its frontier on disk or not. A checkpoint
 * whose writing failed leaves the one before it; a checkpoint of another model or shape is refused.
 */
class CheckpointTest {
    /** Checkpoints written and carried on over all the models: the comparison means nothing if the searches never stopped. */
    private static final java.util.concurrent.atomic.AtomicLong CHECKPOINTS = new java.util.concurrent.atomic.AtomicLong();

    @TempDir
    Path dir;

    @org.junit.jupiter.api.AfterAll
    static void searchesWereCarriedOn() {
        assertThat(CHECKPOINTS.get()).isGreaterThan(80);
    }

    /** Every catalog entry and shipped protocol. */
    static Stream<Arguments> models() {
        return SpilledSearchTest.models();
    }

    private static Program compile(SourceFile source) {
        return SpilledSearchTest.compile(source);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void aSearchCarriedOnFromItsCheckpointsEndsAsOneWithoutABreak(String name, Program program) throws IOException {
        CheckOptions options = CheckOptions.defaults().withSpillDir(dir);
        BfsExplorer whole = new BfsExplorer(program, options);
        CheckResult x = whole.run();
        long n = x.stats().states();

        // Stopped between states, three times, the last one a state before the end.
        ResumedSearch.Run stopped = ResumedSearch.stoppedAt(program, options, fresh("stops"), 1, Math.max(2, n / 3), Math.max(3, n - 1));
        ResumedSearch.assertSame(name, whole, x, stopped.explorer(), stopped.result());
        CHECKPOINTS.addAndGet(stopped.events().size());
        // Stopped among a state's successors by the state limit.
        ResumedSearch.Run limited = ResumedSearch.limitedTo(program, options, fresh("limit"), Math.max(2, n / 2));
        if (limited.explorer() != null) {
            ResumedSearch.assertSame(name, whole, x, limited.explorer(), limited.result());
        }
        // Without reductions, with two threads (the workers hold a batch taken off the queue), and with every property
        // but the first (open properties and --first are part of the checkpoint).
        for (CheckOptions o : List.of(options.withReductions(false), options.withWorkers(2), options.withAllProperties(false))) {
            BfsExplorer a = new BfsExplorer(program, o);
            CheckResult ax = a.run();
            ResumedSearch.Run r = ResumedSearch.stoppedAt(program, o, fresh("o"), Math.max(1, ax.stats().states() / 2));
            ResumedSearch.assertSame(name, a, ax, r.explorer(), r.result());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void aFrontierOnDiskIsCheckpointedWhole(String name, Program program) throws IOException {
        CheckOptions options = CheckOptions.defaults().withSpillDir(dir);
        BfsExplorer whole = new BfsExplorer(program, options);
        CheckResult x = whole.run();
        Path d = fresh("spilled");
        // Two records a block and two blocks in memory: nearly the whole frontier is on disk when the checkpoint is written.
        BfsExplorer first = new BfsExplorer(program, options.withCheckpoints(new CheckOptions.Checkpoints(d, Long.MAX_VALUE, null, null)), 2, 2)
                .stopAfter(Math.max(1, x.stats().states() / 2));
        CheckResult stopped = first.run();
        if (!"interrupted".equals(stopped.stopReason())) {
            return;
        }
        BfsExplorer rest = new BfsExplorer(program, options.withCheckpoints(new CheckOptions.Checkpoints(d, Long.MAX_VALUE, d, null)), 2, 2);
        ResumedSearch.assertSame(name, whole, x, rest, rest.run());
    }

    @Test
    @DisplayName("bit-state searches carry on as exactly as exact ones, coverage estimate included")
    void bitstateSearchesCarryOn() throws IOException {
        for (Arguments a : models().toList()) {
            String name = (String) a.get()[0];
            Program program = (Program) a.get()[1];
            CheckOptions options = CheckOptions.defaults().withBitstate(1 << 12);
            BfsExplorer whole = new BfsExplorer(program, options);
            CheckResult x = whole.run();
            ResumedSearch.Run r = ResumedSearch.stoppedAt(program, options, fresh("bits"), Math.max(1, x.stats().states() / 2));
            ResumedSearch.assertSame(name, whole, x, r.explorer(), r.result());
        }
    }

    @Test
    @DisplayName("a checkpoint whose writing fails half-way leaves the previous one whole, and no partial file")
    void aFailedWriteLeavesThePreviousCheckpoint() throws IOException {
        Program program = compile(Sources.read(Path.of("bench/checker/tlb-N4-K1.sd")));
        CheckOptions options = CheckOptions.defaults();
        BfsExplorer whole = new BfsExplorer(program, options);
        CheckResult x = whole.run();
        Path d = fresh("failed");
        assertThat(stop(program, options, d, x.stats().states() / 3).stopReason()).isEqualTo("interrupted");
        byte[] before = Files.readAllBytes(d.resolve(Checkpoint.FILE));

        // A second search writes into the same directory and fails in the middle of its frontier (a full disk, a kill).
        Checkpoint.Search s = new Checkpoint.Search(new Checkpoint.Counters(0, 0, 0, -1, 0, 0, 0, 0, 0), List.of(), java.util.EnumSet.noneOf(
                dev.shootdown.model.Verdict.class), new LevelGrowth(), new OpenAddressingFingerprintSet(16), new TraceLog(16), null);
        StatePacker packer = StatePacker.of(BfsExplorer.machine(program, true).layout());
        assertThatThrownBy(() -> Checkpoint.write(d, "another", new Checkpoint.Shape(true, true, true, 0), packer, s, 2, sink -> {
            sink.record(0, 0, new int[packer.size()]);
            throw new IOException("No space left on device");
        })).hasMessageContaining("No space left");
        assertThat(Files.readAllBytes(d.resolve(Checkpoint.FILE))).isEqualTo(before);
        assertThat(d.resolve(Checkpoint.PARTIAL)).doesNotExist();

        BfsExplorer rest = new BfsExplorer(program, options.withCheckpoints(new CheckOptions.Checkpoints(d, Long.MAX_VALUE, d, null)));
        ResumedSearch.assertSame("tlb-N4-K1", whole, x, rest, rest.run());
    }

    @Test
    @DisplayName("a truncated or altered checkpoint is refused as the user's error")
    void aDamagedCheckpointIsRefused() throws IOException {
        Program program = compile(Sources.read(Path.of("protocols", "linux-ipi.sd")));
        Path d = fresh("damaged");
        assertThat(stop(program, CheckOptions.defaults(), d, 100).stopReason()).isEqualTo("interrupted");
        Path file = d.resolve(Checkpoint.FILE);
        byte[] whole = Files.readAllBytes(file);
        CheckOptions resume = CheckOptions.defaults().withCheckpoints(new CheckOptions.Checkpoints(d, Long.MAX_VALUE, d, null));

        Files.write(file, java.util.Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> new BfsExplorer(program, resume).run()).isInstanceOf(UserError.class).hasMessageContaining("cannot be carried on");

        byte[] altered = whole.clone();
        altered[whole.length * 3 / 4] ^= 0x10;
        Files.write(file, altered);
        assertThatThrownBy(() -> new BfsExplorer(program, resume).run()).isInstanceOf(UserError.class).hasMessageContaining("cannot be carried on");

        Files.delete(file);
        assertThatThrownBy(() -> new BfsExplorer(program, resume).run()).isInstanceOf(UserError.class).hasMessageContaining("no checkpoint");
    }

    @Test
    @DisplayName("a checkpoint is carried on only by its model and the options that shape its search")
    void anotherModelOrShapeIsRefused() throws IOException {
        Program program = compile(Sources.read(Path.of("protocols", "linux-ipi.sd")));
        Path d = fresh("shape");
        assertThat(stop(program, CheckOptions.defaults(), d, 100).stopReason()).isEqualTo("interrupted");
        CheckOptions.Checkpoints resume = new CheckOptions.Checkpoints(d, Long.MAX_VALUE, d, null);

        Program other = compile(Sources.read(Path.of("protocols", "invlpgb.sd")));
        assertThatThrownBy(() -> new BfsExplorer(other, CheckOptions.defaults().withCheckpoints(resume)).run())
                .isInstanceOf(UserError.class).hasMessageContaining("another model");
        // The same text with a comment more is another source: refused too.
        Program edited = compile(new SourceFile("m.sd", program.source().text() + "\n// edited\n"));
        assertThatThrownBy(() -> new BfsExplorer(edited, CheckOptions.defaults().withCheckpoints(resume)).run())
                .isInstanceOf(UserError.class).hasMessageContaining("another model");
        for (CheckOptions o : List.of(CheckOptions.defaults().withReductions(false), CheckOptions.defaults().withAllProperties(false),
                CheckOptions.defaults().withBitstate(-1))) {
            assertThatThrownBy(() -> new BfsExplorer(program, o.withCheckpoints(resume)).run())
                    .isInstanceOf(UserError.class).hasMessageContaining("give the same options");
        }
    }

    /** The search stopped at its {@code k}-th state, with its checkpoint in {@code d}. */
    private static CheckResult stop(Program program, CheckOptions options, Path d, long k) {
        return new BfsExplorer(program, options.withCheckpoints(new CheckOptions.Checkpoints(d, Long.MAX_VALUE, null, null))).stopAfter(k).run();
    }

    private Path fresh(String name) throws IOException {
        return Files.createTempDirectory(dir, name);
    }
}
