package dev.shootdown.check;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The progress line's estimate of the time left, from the sizes of the breadth-first levels. */
class LevelGrowthTest {

    private static LevelGrowth levels(long... sizes) {
        LevelGrowth g = new LevelGrowth();
        for (int d = 0; d < sizes.length; d++) {
            for (long i = 0; i < sizes[d]; i++) {
                g.found(d);
            }
        }
        return g;
    }

    @Test
    @DisplayName("while the levels grow there is no estimate")
    void growing() {
        LevelGrowth g = levels(1, 10, 100, 1000);
        assertThat(g.secondsLeft(2, 1111, 111, 1.0)).isNaN();
    }

    @Test
    @DisplayName("shrinking levels: the tail is the geometric series of their ratio, expanded at the rate so far")
    void shrinking() {
        // Levels 0-3 found in full (finished = 2): 1, 100, 400, 200; the ratio 200/400 gives 200 more states after level 3.
        LevelGrowth g = levels(1, 100, 400, 200);
        long states = 701;
        long expanded = 501;
        double seconds = 5.0;
        // total 701 + 200 = 901; 400 left at 100.2 states a second.
        assertThat(g.secondsLeft(2, states, expanded, seconds)).isCloseTo((901 - 501) / (501 / 5.0), within(1e-9));
    }

    @Test
    @DisplayName("no estimate before two levels are known, or before anything was expanded")
    void tooEarly() {
        assertThat(levels(1, 5).secondsLeft(0, 6, 1, 1.0)).isNaN();
        assertThat(levels(1, 100, 40, 10).secondsLeft(2, 151, 0, 1.0)).isNaN();
    }
}
