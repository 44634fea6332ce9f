package dev.shootdown.check;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceLogTest {
    private static final int CHUNK = 1 << 17;

    @Test
    @DisplayName("predecessors and choices read back across the chunks, however far apart the predecessors, and each growth is what bytesToGrow announced")
    void entriesSurviveGrowth() {
        TraceLog log = new TraceLog(1000);
        SplittableRandom random = new SplittableRandom(3);
        int n = 3 * CHUNK + 5;
        int[] parents = new int[n];
        int parent = -1;
        for (int i = 0; i < n; i++) {
            long announced = log.bytesToGrow(1);
            long before = log.bytes();
            if (announced > 0) {
                log.grow(1);
                assertThat(log.bytes() - before).as("grew by no more than announced").isLessThanOrEqualTo(announced);
                assertThat(log.bytesToGrow(1)).isZero();
            }
            // Breadth first: a predecessor no less than the last one and below the new state; now and then far ahead.
            if (i > 0) {
                int step = random.nextInt(8) == 0 ? random.nextInt(i - parent) : random.nextInt(3);
                parent = Math.min(i - 1, parent + step);
            }
            parents[i] = parent;
            assertThat(log.add(parent, i % 1000)).isEqualTo(i);
        }
        assertThat(log.size()).isEqualTo(n);
        for (int i = 0; i < n; i++) {
            assertThat(log.parent(i)).as("parent of %d", i).isEqualTo(parents[i]);
            assertThat(log.choice(i)).isEqualTo(i % 1000);
        }
        assertThat(log.bytes()).as("four chunks of two-byte choices, and one of bits: at most two bits of predecessor a state")
                .isEqualTo(4L * CHUNK * 2 + (1 << 20) / 8);
    }

    @Test
    @DisplayName("a chain, a star and a path: the predecessors of the shapes a search makes")
    void shapes() {
        TraceLog star = new TraceLog(10);
        star.add(-1, 0);
        for (int i = 1; i < 10_000; i++) {
            star.add(0, 1);
        }
        TraceLog path = new TraceLog(10);
        for (int i = 0; i < 10_000; i++) {
            path.add(i - 1, 2);
        }
        for (int i = 1; i < 10_000; i++) {
            assertThat(star.parent(i)).isZero();
            assertThat(path.parent(i)).isEqualTo(i - 1);
        }
        assertThat(star.parent(0)).isEqualTo(-1);
        assertThat(path.parent(0)).isEqualTo(-1);
    }

    @Test
    @DisplayName("a predecessor that goes back, or is not yet a state, is refused")
    void breadthFirstOnly() {
        TraceLog log = new TraceLog(10);
        log.add(-1, 0);
        log.add(0, 0);
        log.add(1, 0);
        assertThatThrownBy(() -> log.add(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.add(3, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("past the first chunks the log grows a chunk at a time, however many entries are asked for at once")
    void growsByChunks() {
        TraceLog log = new TraceLog(256);
        assertThat(log.bytesToGrow(2048)).isZero();
        assertThat(log.bytesToGrow(4097)).as("choices to 8192 entries, bits to 16384").isEqualTo(8192 + 16384 / 8);
        log.grow(CHUNK + 1);
        assertThat(log.bytes()).as("two chunks of choices; bits doubled to 2^19").isEqualTo(2L * CHUNK + (1L << 19) / 8);
        assertThat(log.bytesToGrow(2 * CHUNK)).isZero();
        assertThat(log.bytesToGrow(2 * CHUNK + 1)).as("a chunk of choices, and the first chunk of bits whole").isEqualTo(CHUNK + (1L << 20) / 8);
    }

    @Test
    @DisplayName("a choice takes the bytes the most actions need: 1 up to 256, 2 up to 65,536, else 4, and reads back whole")
    void choiceWidths() {
        for (int max : new int[] {1, 256, 257, 65_536, 65_537, Integer.MAX_VALUE}) {
            TraceLog log = new TraceLog(max);
            int[] choices = {0, 1, max / 2, max - 1};
            for (int c : choices) {
                log.add(log.size() - 1, c);
            }
            for (int i = 0; i < choices.length; i++) {
                assertThat(log.choice(i)).isEqualTo(choices[i]);
            }
        }
    }

    @Test
    @DisplayName("a log written to a checkpoint reads back with the same predecessors, choices and bytes, and goes on growing")
    void checkpointRoundTrip() throws java.io.IOException {
        for (int n : new int[] {0, 1, 4097, CHUNK + 3}) {
            TraceLog log = new TraceLog(300);
            SplittableRandom random = new SplittableRandom(n);
            int parent = -1;
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    parent = Math.min(i - 1, parent + random.nextInt(3));
                }
                log.grow(1);
                log.add(parent, random.nextInt(300));
            }
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            log.writeTo(new java.io.DataOutputStream(bytes));
            TraceLog back = TraceLog.readFrom(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
            assertThat(back.size()).isEqualTo(n);
            assertThat(back.bytes()).isEqualTo(log.bytes());
            for (int i = 0; i < n; i++) {
                assertThat(back.parent(i)).as("parent of %d", i).isEqualTo(log.parent(i));
                assertThat(back.choice(i)).isEqualTo(log.choice(i));
            }
            back.grow(1);
            back.add(Math.max(0, n - 1), 299);
            assertThat(back.parent(n)).isEqualTo(n == 0 ? 0 : n - 1);
        }
    }
}
