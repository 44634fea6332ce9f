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
    @DisplayName("add answers like HashSet.add on random fingerprints with repeats, 0 and growth, in one segment or sixteen")
    void behavesLikeHashSet(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        OpenAddressingFingerprintSet set = seed % 2 == 0 ? new OpenAddressingFingerprintSet(16) : new OpenAddressingFingerprintSet(16, 16, true);
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
    @DisplayName("segments grow one at a time, each when it is 3/4 full; grow(adds) makes room for adds more in every segment")
    void segmentsGrowAlone() {
        OpenAddressingFingerprintSet set = new OpenAddressingFingerprintSet(4, 16);
        assertThat(set.bytes()).isEqualTo(4 * 16 * 8);
        // Segment 1 (top bits 01) takes 12 fingerprints: full to 3/4; the others are empty.
        for (long i = 1; i <= 12; i++) {
            set.add(1L << 62 | i);
        }
        assertThat(set.bytesToGrow(1)).as("only segment 1 must grow: to 32 longs").isEqualTo(32 * 8L);
        assertThat(set.bytesToGrow(13)).as("13 more could all fall in any segment: 25 in segment 1").isEqualTo(64 * 8L + 3 * 32 * 8L);
        set.add(1L << 62 | 13);
        assertThat(set.bytes()).isEqualTo((3 * 16 + 32) * 8);
        set.grow(13);
        assertThat(set.bytesToGrow(13)).isZero();
        assertThat(set.bytes()).isEqualTo((3 * 32 + 64) * 8);
        assertThat(set.size()).isEqualTo(13);
        for (long i = 1; i <= 13; i++) {
            assertThat(set.add(1L << 62 | i)).isFalse();
            assertThat(set.surelyContains(1L << 62 | i)).isTrue();
        }
    }

    @Test
    @DisplayName("staggered segments double at different sizes: past the first doublings the bytes per fingerprint stay near 15, and no growth adds much")
    void staggeredSegmentsGrowSmoothly() {
        OpenAddressingFingerprintSet set = new OpenAddressingFingerprintSet(256, 64, true);
        SplittableRandom random = new SplittableRandom(5);
        double least = Double.MAX_VALUE;
        double most = 0;
        for (int i = 1; i <= 600_000; i++) {
            long before = set.bytes();
            assertThat(set.add(random.nextLong())).isTrue();
            assertThat(set.bytes() - before).as("one segment grows at a time").isLessThanOrEqualTo(set.bytes() / 100);
            if (i >= 100_000 && i % 1000 == 0) {
                double perFp = (double) set.bytes() / set.size();
                least = Math.min(least, perFp);
                most = Math.max(most, perFp);
            }
        }
        assertThat(least).isGreaterThan(13);
        assertThat(most).as("a single table swings from 10.7 to 21.3").isLessThan(17.5);
    }

    @Test
    @DisplayName("read from another thread while one adds (and grows): never a fingerprint not added, every one once added")
    void readersWhileOneThreadAdds() throws Exception {
        OpenAddressingFingerprintSet set = new OpenAddressingFingerprintSet(8, 16, true);
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
        assertThat(set.bytes()).as("the tables grew while read").isGreaterThan(8 * 16 * 8);
    }

    @Test
    @DisplayName("staggered segments written to a checkpoint read back with the same fingerprints, size and bytes")
    void checkpointRoundTrip() throws java.io.IOException {
        OpenAddressingFingerprintSet set = new OpenAddressingFingerprintSet(64, 16, true);
        SplittableRandom random = new SplittableRandom(5);
        long[] added = new long[20_000];
        for (int i = 0; i < added.length; i++) {
            added[i] = random.nextLong() | 1;
            set.add(added[i]);
        }
        set.add(0);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        set.writeTo(new java.io.DataOutputStream(bytes));
        OpenAddressingFingerprintSet back = OpenAddressingFingerprintSet.readFrom(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
        assertThat(back.size()).isEqualTo(set.size());
        assertThat(back.bytes()).isEqualTo(set.bytes());
        for (long fp : added) {
            assertThat(back.add(fp)).isFalse();
        }
        assertThat(back.add(0)).isFalse();
        // It goes on growing as the set written does.
        for (int i = 0; i < 20_000; i++) {
            long fp = random.nextLong() & ~1L;
            assertThat(back.add(fp)).isEqualTo(set.add(fp));
        }
        assertThat(back.size()).isEqualTo(set.size());
        assertThat(back.bytes()).isEqualTo(set.bytes());
    }
}
