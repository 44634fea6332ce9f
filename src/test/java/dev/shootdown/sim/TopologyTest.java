package dev.shootdown.sim;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class TopologyTest {
    /** The packed places the simulator compares give the same distance as the topology's rules, at every level. */
    @Test
    void placesTellTheSameDistanceAsTheTopology() {
        Topology[] shapes = {
            new Topology(2, 1, 4, 2), // SMT pairs, two sockets
            new Topology(2, 4, 8, 2), // dies (CCXs) within sockets
            new Topology(1, 1, 1, 1),
            new Topology(3, 2, 3, 1).fit(64),
        };
        for (Topology t : shapes) {
            int[] seen = new int[Topology.LEVELS];
            for (int a = 0; a < t.cpus(); a++) {
                for (int b = 0; b < t.cpus(); b++) {
                    int expected = t.distance(a, b);
                    assertThat(Topology.distance(t.place(a), t.place(b))).as("%s: cpu%d to cpu%d", t.describe(), a, b).isEqualTo(expected);
                    seen[expected]++;
                }
            }
            assertThat(seen[Topology.SELF]).isEqualTo(t.cpus());
        }
    }

    /** At the simulator's limit of 4096 CPUs every field still fits its 12 bits: sampled pairs agree. */
    @Test
    void placesFitTheLargestMachine() {
        Topology t = new Topology(2, 4, 8, 2).fit(4096);
        assertThat(t.cpus()).isEqualTo(4096);
        SplittableRandom random = new SplittableRandom(7);
        int[] seen = new int[Topology.LEVELS];
        for (int i = 0; i < 200_000; i++) {
            int a = random.nextInt(t.cpus());
            int b = random.nextInt(8) == 0 ? a ^ random.nextInt(4) : random.nextInt(t.cpus());
            int expected = t.distance(a, b);
            assertThat(Topology.distance(t.place(a), t.place(b))).isEqualTo(expected);
            seen[expected]++;
        }
        for (int level = 0; level < Topology.LEVELS; level++) {
            assertThat(seen[level]).as(Topology.LEVEL_NAMES[level]).isPositive();
        }
    }
}
