package dev.shootdown.check;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TraceLogTest {
    private static final int CHUNK = 1 << 15;

    @Test
    @DisplayName("entries read back across the chunks, and each growth is what bytesToGrow announced")
    void entriesSurviveGrowth() {
        TraceLog log = new TraceLog(1000);
        int n = 3 * CHUNK + 5;
        for (int i = 0; i < n; i++) {
            long announced = log.bytesToGrow(1);
            long before = log.bytes();
            if (announced > 0) {
                log.grow(1);
                // The first chunk doubles (the old arrays are let go); later chunks are added whole.
                assertThat(log.bytes()).isEqualTo(before < CHUNK * 6L ? announced : before + announced);
            }
            assertThat(log.add(i - 1, i % 1000)).isEqualTo(i);
        }
        assertThat(log.size()).isEqualTo(n);
        assertThat(log.bytes()).as("a parent and two bytes of choice each").isEqualTo(4L * CHUNK * 6);
        for (int i = 0; i < n; i++) {
            assertThat(log.parent(i)).isEqualTo(i - 1);
            assertThat(log.choice(i)).isEqualTo(i % 1000);
        }
    }

    @Test
    @DisplayName("past the first chunk the log grows a chunk at a time, however many entries are asked for at once")
    void growsByChunks() {
        TraceLog log = new TraceLog(256);
        assertThat(log.entryBytes()).as("a parent and a byte of choice").isEqualTo(5);
        assertThat(log.bytesToGrow(4096)).isZero();
        assertThat(log.bytesToGrow(4097)).isEqualTo(8192 * 5L);
        assertThat(log.bytesToGrow(CHUNK + 1)).isEqualTo(2L * CHUNK * 5);
        log.grow(CHUNK + 1);
        assertThat(log.bytes()).isEqualTo(2L * CHUNK * 5);
        assertThat(log.bytesToGrow(2 * CHUNK)).isZero();
        assertThat(log.bytesToGrow(2 * CHUNK + 1)).isEqualTo(CHUNK * 5L);
    }

    @Test
    @DisplayName("a choice takes the bytes the most actions need: 1 up to 256, 2 up to 65,536, else 4, and reads back whole")
    void choiceWidths() {
        for (int max : new int[] {1, 256, 257, 65_536, 65_537, Integer.MAX_VALUE}) {
            TraceLog log = new TraceLog(max);
            assertThat(log.entryBytes()).isEqualTo(4 + (max <= 256 ? 1 : max <= 65_536 ? 2 : 4));
            int[] choices = {0, 1, max / 2, max - 1};
            for (int c : choices) {
                log.add(log.size() - 1, c);
            }
            for (int i = 0; i < choices.length; i++) {
                assertThat(log.choice(i)).isEqualTo(choices[i]);
            }
        }
    }
}
