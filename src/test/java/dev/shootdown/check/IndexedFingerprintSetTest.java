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
}
