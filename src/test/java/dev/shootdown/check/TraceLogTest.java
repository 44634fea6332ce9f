package dev.shootdown.check;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TraceLogTest {
    private static final int CHUNK = 1 << 15;

    @Test
    @DisplayName("entries read back across the chunks, and each growth is what bytesToGrow announced")
    void entriesSurviveGrowth() {
        TraceLog log = new TraceLog();
        int n = 3 * CHUNK + 5;
        for (int i = 0; i < n; i++) {
            long announced = log.bytesToGrow(1);
            long before = log.bytes();
            if (announced > 0) {
                log.grow(1);
                // The first chunk doubles (the old arrays are let go); later chunks are added whole.
                assertThat(log.bytes()).isEqualTo(before < CHUNK * 12L ? announced : before + announced);
            }
            assertThat(log.add(i - 1, i * 0x9E3779B97F4A7C15L)).isEqualTo(i);
        }
        assertThat(log.size()).isEqualTo(n);
        assertThat(log.bytes()).isEqualTo(4L * CHUNK * 12);
        for (int i = 0; i < n; i++) {
            assertThat(log.parent(i)).isEqualTo(i - 1);
            assertThat(log.fingerprint(i)).isEqualTo(i * 0x9E3779B97F4A7C15L);
        }
    }

    @Test
    @DisplayName("past the first chunk the log grows a chunk at a time, however many entries are asked for at once")
    void growsByChunks() {
        TraceLog log = new TraceLog();
        assertThat(log.bytesToGrow(4096)).isZero();
        assertThat(log.bytesToGrow(4097)).isEqualTo(8192 * 12L);
        assertThat(log.bytesToGrow(CHUNK + 1)).isEqualTo(2L * CHUNK * 12);
        log.grow(CHUNK + 1);
        assertThat(log.bytes()).isEqualTo(2L * CHUNK * 12);
        assertThat(log.bytesToGrow(2 * CHUNK)).isZero();
        assertThat(log.bytesToGrow(2 * CHUNK + 1)).isEqualTo(CHUNK * 12L);
    }
}
