package dev.shootdown.check;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class IndexedFingerprintSetTest {

    @Test
    @DisplayName("put numbers fingerprints in the order added and finds each one's number again, across growth, with 0 as a fingerprint")
    void numbersAgreeWithAMap() {
        SplittableRandom random = new SplittableRandom(7);
        IndexedFingerprintSet set = new IndexedFingerprintSet(16);
        Map<Long, Integer> reference = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            long fp = random.nextInt(10) == 0 ? random.nextInt(100) : random.nextLong();
            Integer known = reference.get(fp);
            int got = set.put(fp);
            if (known == null) {
                assertThat(got).isEqualTo(-1);
                reference.put(fp, reference.size());
            } else {
                assertThat(got).isEqualTo(known);
            }
            assertThat(set.size()).isEqualTo(reference.size());
        }
        assertThat(set.add(0L)).isEqualTo(!reference.containsKey(0L));
    }

    @Test
    @DisplayName("written and read back (a checkpoint), the set gives every fingerprint its number, goes on numbering, and refuses a misplaced pair")
    void writtenAndReadBack() throws java.io.IOException {
        SplittableRandom random = new SplittableRandom(11);
        IndexedFingerprintSet set = new IndexedFingerprintSet(16);
        long[] fps = new long[50_000];
        for (int i = 0; i < fps.length; i++) {
            fps[i] = i == 7 ? 0 : random.nextLong();
            assertThat(set.put(fps[i])).isEqualTo(-1);
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        set.writeTo(new java.io.DataOutputStream(bytes));
        IndexedFingerprintSet back = IndexedFingerprintSet.readFrom(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
        assertThat(back.size()).isEqualTo(fps.length);
        assertThat(back.bytes()).isEqualTo(set.bytes());
        for (int i = 0; i < fps.length; i++) {
            assertThat(back.put(fps[i])).isEqualTo(i);
        }
        assertThat(back.put(42L)).isEqualTo(-1);
        assertThat(back.put(42L)).isEqualTo(fps.length);

        byte[] damaged = bytes.toByteArray();
        // The first pair of the first segment: past the header (segments, size) and that segment's (slots, count).
        java.nio.ByteBuffer.wrap(damaged).putLong(16 + 8, fps.length + 5L);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IndexedFingerprintSet.readFrom(
                new java.io.DataInputStream(new java.io.ByteArrayInputStream(damaged)))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("after grow(n), n adds grow nothing, whichever segments they fall in; bytesToGrow says what grow(n) adds")
    void growMakesRoomInEverySegment() {
        IndexedFingerprintSet set = new IndexedFingerprintSet(16);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 10_000; i++) {
            set.add(random.nextLong());
        }
        long before = set.bytes();
        long needed = set.bytesToGrow(5_000);
        set.grow(5_000);
        assertThat(set.bytes() - before).isPositive().isLessThanOrEqualTo(needed);
        long grown = set.bytes();
        // All in one segment: the top six bits the same.
        for (int i = 0; i < 5_000; i++) {
            set.add((random.nextLong() >>> 6) | (5L << 58));
        }
        assertThat(set.bytes()).isEqualTo(grown);
        assertThat(set.bytesToGrow(1)).isNotNegative();
    }
}
