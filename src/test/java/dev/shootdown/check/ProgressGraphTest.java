package dev.shootdown.check;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProgressGraphTest {

    @Test
    @DisplayName("trapped() is exactly the set of states with no path to a goal, on 2,000 seeded random graphs")
    void trappedAgreesWithPlainReachability() {
        SplittableRandom random = new SplittableRandom(20261206L);
        for (int round = 0; round < 2_000; round++) {
            int n = 1 + random.nextInt(40);
            List<List<Integer>> succ = new ArrayList<>();
            BitSet goal = new BitSet();
            ProgressGraph graph = new ProgressGraph();
            double density = random.nextDouble() * 3;
            for (int v = 0; v < n; v++) {
                boolean finished = random.nextInt(8) == 0;
                graph.expand(v, finished);
                if (finished) {
                    goal.set(v);
                }
                List<Integer> out = new ArrayList<>();
                int edges = (int) (random.nextDouble() * density * 2);
                for (int e = 0; e < edges; e++) {
                    int w = random.nextInt(n);
                    out.add(w);
                    graph.edge(w);
                }
                if (random.nextInt(20) == 0) {
                    graph.unexplored();
                    goal.set(v);
                }
                succ.add(out);
            }
            BitSet expected = new BitSet();
            for (int v = 0; v < n; v++) {
                if (!reaches(v, succ, goal)) {
                    expected.set(v);
                }
            }
            assertThat(graph.trapped()).as("round %d, %d states", round, n).isEqualTo(expected);
            assertThat(graph.components((BitSet) goal.clone())).as("components alone, round %d", round).isEqualTo(expected);
        }
    }

    private static boolean reaches(int from, List<List<Integer>> succ, BitSet goal) {
        BitSet seen = new BitSet();
        ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(from));
        seen.set(from);
        while (!todo.isEmpty()) {
            int v = todo.poll();
            if (goal.get(v)) {
                return true;
            }
            for (int w : succ.get(v)) {
                if (!seen.get(w)) {
                    seen.set(w);
                    todo.add(w);
                }
            }
        }
        return false;
    }

    @Test
    @DisplayName("a chain whose edges all point backwards needs a sweep a state, so the components finish it, and agree")
    void backwardChainFallsBackToComponents() {
        int n = 1_000;
        ProgressGraph graph = new ProgressGraph();
        for (int v = 0; v < n; v++) {
            graph.expand(v, v == 0);
            if (v > 0) {
                graph.edge(v - 1);
            }
        }
        graph.expand(n, false);
        graph.edge(n);
        BitSet onlyTheLast = new BitSet();
        onlyTheLast.set(n);
        assertThat(graph.trapped()).isEqualTo(onlyTheLast);
    }

    @Test
    @DisplayName("a long chain into a cycle (deeper than any call stack) is analysed without recursion")
    void deepChain() {
        int n = 200_000;
        ProgressGraph graph = new ProgressGraph();
        for (int v = 0; v < n; v++) {
            graph.expand(v, false);
            graph.edge(v + 1 < n ? v + 1 : n - 2);
        }
        assertThat(graph.trapped().cardinality()).isEqualTo(n);
        ProgressGraph good = new ProgressGraph();
        for (int v = 0; v < n; v++) {
            good.expand(v, v == n - 1);
            if (v + 1 < n) {
                good.edge(v + 1);
            }
        }
        assertThat(good.trapped().isEmpty()).isTrue();
    }

    @Test
    @DisplayName("states must be expanded in the order they were numbered")
    void outOfOrder() {
        ProgressGraph graph = new ProgressGraph();
        graph.expand(0, false);
        assertThatThrownBy(() -> graph.expand(2, false)).isInstanceOf(IllegalStateException.class);
    }
}
