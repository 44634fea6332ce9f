package dev.shootdown.check;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class StateQueueTest {
    private static final int SIZE = 5;

    @TempDir
    Path dir;

    @Test
    @DisplayName("records come out in the order they went in, whichever blocks went to disk and when")
    void spilledBlocksKeepTheOrder() {
        SplittableRandom random = new SplittableRandom(12);
        ArrayDeque<int[]> expected = new ArrayDeque<>();
        int[] out = new int[SIZE];
        int next = 0;
        try (StateQueue q = new StateQueue(SIZE, dir, 3, 2)) {
            for (int round = 0; round < 20_000; round++) {
                int op = random.nextInt(10);
                if (op < 5 || expected.isEmpty()) {
                    int[] state = {next, next * 7, -next, next ^ 0x5555, random.nextInt()};
                    q.push(next, next % 13, state);
                    expected.add(state);
                    next++;
                } else if (op < 8) {
                    int[] state = expected.poll();
                    long head = q.pop(out);
                    assertThat((int) (head >>> 32)).isEqualTo(state[0]);
                    assertThat((int) head).isEqualTo(state[0] % 13);
                    assertThat(out).containsExactly(state);
                } else if (op == 8) {
                    q.spill(random.nextInt(1, 8));
                } else {
                    q.release(random.nextLong(1, 200));
                }
                assertThat(q.size()).isEqualTo(expected.size());
            }
            while (!expected.isEmpty()) {
                long head = q.pop(out);
                assertThat(out).containsExactly(expected.poll());
                assertThat((int) (head >>> 32)).isEqualTo(out[0]);
            }
            assertThat(q.isEmpty()).isTrue();
            assertThat(q.spilled()).as("blocks went to disk").isGreaterThan(1000);
            assertThat(q.spillFailure()).isNull();
        }
    }

    @Test
    @DisplayName("with at most two blocks in memory the queue never holds more than the block read, the block written and the spares")
    void aSmallBudgetKeepsTheQueueSmall() {
        try (StateQueue q = new StateQueue(SIZE, dir, 4, 2)) {
            for (int i = 0; i < 1000; i++) {
                q.push(i, 0, new int[SIZE]);
            }
            assertThat(q.bytes()).isLessThanOrEqualTo(4 * q.blockBytes());
            assertThat(q.spilled()).isGreaterThanOrEqualTo(1000 - 3 * 4);
        }
    }

    @Test
    @DisplayName("the spill file never has a name in the directory once the queue is closed")
    void theSpillFileIsGoneAfterClose() throws IOException {
        StateQueue q = new StateQueue(SIZE, dir, 2, 2);
        for (int i = 0; i < 100; i++) {
            q.push(i, 0, new int[SIZE]);
        }
        assertThat(q.spilled()).isPositive();
        q.close();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    @DisplayName("a directory that cannot be written to is a spill failure, and the records stay in memory, in order")
    void aFailedSpillKeepsTheRecords() {
        int[] out = new int[SIZE];
        try (StateQueue q = new StateQueue(SIZE, dir.resolve("missing"), 2, 2)) {
            for (int i = 0; i < 50; i++) {
                q.push(i, 1, new int[] {i, i, i, i, i});
            }
            assertThat(q.spillFailure()).isNotNull();
            assertThat(q.spilled()).isZero();
            for (int i = 0; i < 50; i++) {
                q.pop(out);
                assertThat(out).containsOnly(i);
            }
        }
    }

    @Test
    @DisplayName("bytesToGrow counts the blocks the next pushes need, and grow allocates exactly those")
    void growMakesRoomForTheNextPushes() {
        try (StateQueue q = new StateQueue(SIZE, dir)) {
            int perBlock = StateQueue.recordsPerBlock(SIZE);
            assertThat(q.bytesToGrow(1)).isEqualTo(q.blockBytes());
            assertThat(q.bytesToGrow(perBlock + 1)).isEqualTo(2 * q.blockBytes());
            q.grow(perBlock + 1);
            assertThat(q.bytesToGrow(perBlock + 1)).isZero();
            assertThat(q.bytes()).isEqualTo(2 * q.blockBytes());
            for (int i = 0; i <= perBlock; i++) {
                q.push(i, 0, new int[SIZE]);
            }
            assertThat(q.bytes()).as("no block allocated beyond those grown").isEqualTo(2 * q.blockBytes());
        }
    }

    @Test
    @DisplayName("a state so wide that 4096 of them pass 256 KiB gets fewer records a block, never fewer than one")
    void wideStatesMakeSmallerBlocks() {
        assertThat(StateQueue.recordsPerBlock(100)).isEqualTo(StateQueue.MAX_BLOCK_BYTES / (102 * 4));
        assertThat(StateQueue.recordsPerBlock(10)).isEqualTo(StateQueue.RECORDS_PER_BLOCK);
        assertThat(StateQueue.recordsPerBlock(80_017)).isEqualTo(1);
        for (int width : new int[] {1, 117, 182, 5000, 80_017}) {
            assertThat(StateQueue.recordsPerBlock(width) * (width + 2L) * 4).isLessThanOrEqualTo(Math.max(StateQueue.MAX_BLOCK_BYTES, (width + 2L) * 4));
        }
    }
}
