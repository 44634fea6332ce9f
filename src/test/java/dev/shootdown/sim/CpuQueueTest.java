package dev.shootdown.sim;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The CPU queue against a sorted set of (time, cpu) pairs, over random puts, moves (of any CPU, and of the earliest one to a later time), pops and removals. */
class CpuQueueTest {
    @Test
    void agreesWithASortedSetOverRandomOperations() {
        for (int cpus : new int[] {1, 2, 3, 5, 64, 100, 1024, 2048, 4096}) {
            SplittableRandom random = new SplittableRandom(cpus);
            CpuQueue queue = new CpuQueue(cpus);
            TreeSet<long[]> reference = new TreeSet<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
            long[] at = new long[cpus];
            boolean[] in = new boolean[cpus];
            for (int op = 0; op < 20_000; op++) {
                int c = random.nextInt(cpus);
                int what = random.nextInt(10);
                if (what < 6) {
                    // Few distinct times, so ties (broken by CPU number) are common.
                    long t = random.nextInt(50);
                    if (in[c]) {
                        reference.remove(new long[] {at[c], c});
                    }
                    at[c] = t;
                    in[c] = true;
                    reference.add(new long[] {t, c});
                    queue.put(c, t);
                } else if (what < 7) {
                    // The stepping CPU's move: the earliest one, to a later time (moveTop).
                    if (!reference.isEmpty()) {
                        long[] first = reference.pollFirst();
                        int top = (int) first[1];
                        long t = first[0] + random.nextInt(20);
                        at[top] = t;
                        reference.add(new long[] {t, top});
                        queue.moveTop(top, t);
                    }
                } else if (what < 8) {
                    if (!reference.isEmpty()) {
                        long[] first = reference.pollFirst();
                        in[(int) first[1]] = false;
                        assertThat(queue.topTime()).isEqualTo(first[0]);
                        assertThat(queue.pop()).isEqualTo((int) first[1]);
                    }
                } else if (in[c]) {
                    reference.remove(new long[] {at[c], c});
                    in[c] = false;
                    queue.remove(c);
                }
                assertThat(queue.isEmpty()).isEqualTo(reference.isEmpty());
                assertThat(queue.contains(c)).isEqualTo(in[c]);
                if (in[c]) {
                    assertThat(queue.time(c)).isEqualTo(at[c]);
                }
                if (!reference.isEmpty()) {
                    assertThat(queue.topCpu()).isEqualTo((int) reference.first()[1]);
                    assertThat(queue.topTime()).isEqualTo(reference.first()[0]);
                }
            }
        }
    }

    @Test
    void timesPastTheLimitAreClampedNotWrapped() {
        CpuQueue queue = new CpuQueue(4);
        queue.put(3, Long.MAX_VALUE);
        queue.put(1, 7);
        assertThat(queue.pop()).isEqualTo(1);
        assertThat(queue.contains(3)).isTrue();
        assertThat(queue.topTime()).isEqualTo(CpuQueue.MAX_TIME);
        assertThat(queue.pop()).isEqualTo(3);
        assertThat(queue.isEmpty()).isTrue();
    }
}
