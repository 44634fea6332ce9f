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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateQueueTest {
    private static final int SIZE = 5;
    /** Five words the machine does not bound: small values in a few bits, the rest escaping to 32. */
    private static final StatePacker PACKER = packer(SIZE);

    @TempDir
    Path dir;

    @Test
    @DisplayName("records come out in the order they went in, whichever blocks went to disk and when")
    void spilledBlocksKeepTheOrder() {
        SplittableRandom random = new SplittableRandom(12);
        ArrayDeque<int[]> expected = new ArrayDeque<>();
        int[] out = new int[SIZE];
        int next = 0;
        try (StateQueue q = new StateQueue(PACKER, dir, 3, 2)) {
            for (int round = 0; round < 20_000; round++) {
                int op = random.nextInt(10);
                if (op < 5 || expected.isEmpty()) {
                    // Records of many lengths: values that fit the short fields and values that escape.
                    int[] state = {next, next * 7 % 5, -next, random.nextInt(3), random.nextBoolean() ? random.nextInt() : 1};
                    push(q, next, next / 97, state);
                    expected.add(state);
                    next++;
                } else if (op < 8) {
                    int[] state = expected.poll();
                    long[] packed = new long[PACKER.maxLongs()];
                    long head = q.pop(out, packed);
                    long[] alone = new long[PACKER.maxLongs()];
                    int bits = PACKER.pack(state, alone, 0);
                    assertThat(q.poppedBits()).isEqualTo(bits);
                    assertThat(packed).as("the record's bits, as packed alone").containsExactly(alone);
                    assertThat((int) (head >>> 32)).isEqualTo(state[0]);
                    assertThat((int) head).isEqualTo(state[0] / 97);
                    assertThat(out).containsExactly(state);
                } else if (op == 8) {
                    q.spill(random.nextInt(1, 8));
                } else {
                    q.release(random.nextLong(1, 200));
                }
                assertThat(q.size()).isEqualTo(expected.size());
                if (round % 997 == 0) {
                    assertForEachIs(q, expected);
                }
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

    /** forEach (for a checkpoint) hands every queued record, unpacked, with its number and depth, in order, and takes none off. */
    private static void assertForEachIs(StateQueue q, ArrayDeque<int[]> expected) {
        java.util.Iterator<int[]> it = expected.iterator();
        try {
            q.forEach((index, depth, state) -> {
                int[] want = it.next();
                assertThat(state).containsExactly(want);
                assertThat(index).isEqualTo(want[0]);
                assertThat(depth).isEqualTo(want[0] / 97);
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(it.hasNext()).as("every record handed").isFalse();
        assertThat(q.size()).isEqualTo(expected.size());
    }

    @Test
    @DisplayName("with at most two blocks in memory the queue never holds more than the block read, the block written and the spares")
    void aSmallBudgetKeepsTheQueueSmall() {
        try (StateQueue q = new StateQueue(PACKER, dir, 4, 2)) {
            for (int i = 0; i < 1000; i++) {
                push(q, i, 0, new int[] {-1, -1, -1, -1, -1});
            }
            assertThat(q.bytes()).isLessThanOrEqualTo(4 * q.blockBytes());
            assertThat(q.spilled()).isGreaterThanOrEqualTo(1000 - 3 * 4);
        }
    }

    @Test
    @DisplayName("the spill file never has a name in the directory once the queue is closed")
    void theSpillFileIsGoneAfterClose() throws IOException {
        StateQueue q = new StateQueue(PACKER, dir, 2, 2);
        for (int i = 0; i < 100; i++) {
            push(q, i, 0, new int[SIZE]);
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
        try (StateQueue q = new StateQueue(PACKER, dir.resolve("missing"), 2, 2)) {
            for (int i = 0; i < 50; i++) {
                push(q, i, 1, new int[] {i, i, i, i, i});
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
        try (StateQueue q = new StateQueue(PACKER, dir)) {
            int perBlock = StateQueue.recordsPerBlock(PACKER.maxBits());
            assertThat(q.bytesToGrow(1)).isEqualTo(q.blockBytes());
            assertThat(q.bytesToGrow(perBlock + 1)).isEqualTo(2 * q.blockBytes());
            q.grow(perBlock + 1);
            assertThat(q.bytesToGrow(perBlock + 1)).isZero();
            assertThat(q.bytes()).isEqualTo(2 * q.blockBytes());
            for (int i = 0; i <= perBlock; i++) {
                push(q, i, 0, new int[] {-1, -1, -1, -1, -1});
            }
            assertThat(q.bytes()).as("no block allocated beyond those grown").isEqualTo(2 * q.blockBytes());
        }
    }

    @Test
    @DisplayName("a state so wide that 4096 of them pass 256 KiB gets fewer records a block, never fewer than one")
    void wideStatesMakeSmallerBlocks() {
        assertThat(StateQueue.recordsPerBlock(3200)).isEqualTo(StateQueue.MAX_BLOCK_BYTES * 8 / 3200);
        assertThat(StateQueue.recordsPerBlock(320)).isEqualTo(StateQueue.RECORDS_PER_BLOCK);
        assertThat(StateQueue.recordsPerBlock(80_017 * 32)).isEqualTo(1);
        for (int bits : new int[] {1, 117 * 32, 182 * 32, 5000 * 32, 80_017 * 32}) {
            assertThat(StateQueue.recordsPerBlock(bits) * (long) bits).isLessThanOrEqualTo(Math.max(StateQueue.MAX_BLOCK_BYTES * 8L, bits));
        }
    }

    @Test
    @DisplayName("the queue holds consecutive state numbers at depths that never decrease, and says so when not")
    void numbersAndDepthsAreImplicit() {
        try (StateQueue q = new StateQueue(PACKER, dir)) {
            push(q, 7, 0, new int[SIZE]);
            push(q, 8, 2, new int[SIZE]);
            push(q, 9, 2, new int[SIZE]);
            push(q, 10, 3, new int[SIZE]);
            int[] out = new int[SIZE];
            assertThat(q.pop(out)).isEqualTo(7L << 32);
            assertThat(q.pop(out)).isEqualTo(8L << 32 | 2);
            push(q, 11, 3, new int[SIZE]);
            assertThat(q.pop(out)).isEqualTo(9L << 32 | 2);
            assertThat(q.pop(out)).isEqualTo(10L << 32 | 3);
            assertThat(q.pop(out)).isEqualTo(11L << 32 | 3);
            assertThatThrownBy(() -> push(q, 13, 3, new int[SIZE])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("consecutive");
            assertThatThrownBy(() -> push(q, 12, 2, new int[SIZE])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("depth 2");
        }
    }

    /** A packer for {@code size} words the machine does not bound. */
    static StatePacker packer(int size) {
        int[][] ranges = new int[size][];
        String[] names = new String[size];
        for (int i = 0; i < size; i++) {
            ranges[i] = new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
            names[i] = "w" + i;
        }
        return new StatePacker(ranges, 2, names);
    }

    /** Packs {@code state} with the queue's packer and queues it. */
    static void push(StateQueue q, int index, int depth, int[] state) {
        StatePacker p = packer(state.length);
        long[] packed = new long[p.maxLongs()];
        q.push(index, depth, packed, 0, p.pack(state, packed, 0));
    }
}
