package dev.shootdown.check;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The visited-state table against java.util.HashSet as the model: same answers to add, same size, through many growths. */
class OpenAddressingFingerprintSetTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 20240601})
    @DisplayName("add answers like HashSet.add on random fingerprints with repeats, 0 and growth")
    void behavesLikeHashSet(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        OpenAddressingFingerprintSet set = new OpenAddressingFingerprintSet(16);
        Set<Long> model = new HashSet<>();
        long[] recent = new long[64];
        long initialBytes = set.bytes();

        for (int i = 0; i < 50_000; i++) {
            long fp = switch (random.nextInt(10)) {
                case 0 -> recent[random.nextInt(recent.length)];     // a repeat (recent[] starts as zeros: 0 early on)
                case 1 -> random.nextInt(64) - 32;                   // small values, 0 among them
                case 2 -> random.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
                case 3 -> random.nextLong() & 0xffffffff00000000L;   // low bits all zero: only the high half differs
                default -> random.nextLong();
            };
            recent[i % recent.length] = fp;
            assertThat(set.add(fp)).as("add(%d) at step %d", fp, i).isEqualTo(model.add(fp));
            assertThat(set.size()).isEqualTo(model.size());
        }
        assertThat(model).contains(0L);
        assertThat(set.bytes()).as("the table grew").isGreaterThan(initialBytes);
        for (Long fp : model) {
            assertThat(set.add(fp)).as("still there after growth: %d", fp).isFalse();
        }
        assertThat(set.size()).isEqualTo(model.size());
    }

    @Test
    @DisplayName("0 is a fingerprint like any other")
    void zeroIsStored() {
        OpenAddressingFingerprintSet set = new OpenAddressingFingerprintSet(16);
        assertThat(set.add(0)).isTrue();
        assertThat(set.add(0)).isFalse();
        assertThat(set.add(1)).isTrue();
        assertThat(set.size()).isEqualTo(2);
    }

    @Test
    @DisplayName("the table doubles at 3/4 load and announces the growth before it is due")
    void growsAtThreeQuartersLoad() {
        OpenAddressingFingerprintSet set = new OpenAddressingFingerprintSet(16);
        assertThat(set.bytes()).isEqualTo(16 * 8);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 12; i++) {
            set.add(random.nextLong() | 1);
        }
        assertThat(set.bytes()).as("12 of 16: full to 3/4, not grown yet").isEqualTo(16 * 8);
        assertThat(set.bytesToGrow(1)).as("the next growth is announced: a table of 32 longs").isEqualTo(32 * 8L);
        set.add(random.nextLong() | 1);
        assertThat(set.bytes()).isEqualTo(32 * 8);
        assertThat(set.size()).isEqualTo(13);
    }

    @Test
    @DisplayName("read from another thread while one adds (and grows): never a fingerprint not added, every one once added")
    void readersWhileOneThreadAdds() throws Exception {
        OpenAddressingFingerprintSet set = new OpenAddressingFingerprintSet(16);
        int n = 300_000;
        long[] added = new long[n];
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < n; i++) {
            added[i] = random.nextLong() | 1; // odd: added
        }
        java.util.concurrent.atomic.AtomicBoolean wrong = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread reader = new Thread(() -> {
            SplittableRandom r = new SplittableRandom(12);
            while (!stop.get()) {
                if (set.surelyContains(r.nextLong() & ~1L)) { // even: never added
                    wrong.set(true);
                }
                set.surelyContains(added[r.nextInt(n)]); // probing along with the adds
            }
        });
        reader.start();
        for (long fp : added) {
            set.add(fp);
        }
        stop.set(true);
        reader.join();
        assertThat(wrong.get()).as("a fingerprint never added was reported").isFalse();
        for (long fp : added) {
            assertThat(set.surelyContains(fp)).isTrue();
        }
        assertThat(set.bytes()).as("the table grew while read").isGreaterThan(16 * 8);
    }
}
