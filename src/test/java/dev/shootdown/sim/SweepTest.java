package dev.shootdown.sim;

import dev.shootdown.lang.UserError;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SweepTest {
    @Test
    void pointsAreTheProductInAFixedOrderAndShardsPartitionThem() {
        List<Sweep.Point> all = Sweep.points(Sweep.axes(List.of("cpus=2,4,8", "profile=skylake,milan")));
        assertThat(all).hasSize(6);
        assertThat(all.get(0).values()).isEqualTo(Map.of("cpus", "2", "profile", "skylake"));
        assertThat(all.get(1).values()).isEqualTo(Map.of("cpus", "2", "profile", "milan"));
        assertThat(all.get(5).values()).isEqualTo(Map.of("cpus", "8", "profile", "milan"));
        List<Sweep.Point> a = Sweep.shard(all, "1/4");
        List<Sweep.Point> b = Sweep.shard(all, "2/4");
        List<Sweep.Point> c = Sweep.shard(all, "3/4");
        List<Sweep.Point> d = Sweep.shard(all, "4/4");
        assertThat(a.size() + b.size() + c.size() + d.size()).isEqualTo(6);
        assertThat(a).extracting(Sweep.Point::index).containsExactly(0, 4);
        assertThat(d).extracting(Sweep.Point::index).containsExactly(3);
    }

    @Test
    void anEmptyValueIsRefusedWhereverItIs() {
        // "cpus=," split to no values at all (a crash further on), and "cpus=2," silently lost its empty value.
        for (String spec : List.of("cpus=,", "cpus=,,", "seed=,", "profile=,", "cpus=2,", "cpus=,2", "cpus=2,,4")) {
            assertThatThrownBy(() -> Sweep.axes(List.of(spec))).as(spec).isInstanceOf(UserError.class)
                    .hasMessage("--sweep " + spec + ": an empty value (expected NAME=V1,V2,..., e.g. cpus=2,4,8)");
        }
    }

    @Test
    void aSweepOfTooManyPointsIsRefusedBeforeAnyIsMade() {
        String thousand = String.join(",", java.util.stream.IntStream.range(0, 1000).mapToObj(Integer::toString).toList());
        // 1000^4 points overflow an int: the product was an ArithmeticException.
        Map<String, List<String>> axes = Sweep.axes(List.of("a=" + thousand, "b=" + thousand, "c=" + thousand, "d=" + thousand));
        assertThatThrownBy(() -> Sweep.points(axes)).isInstanceOf(UserError.class)
                .hasMessage("--sweep: more than 100000 points (a 1000 x b 1000 x c 1000 x d 1000 values)");
        assertThat(Sweep.points(Sweep.axes(List.of("a=" + thousand, "b=1,2")))).hasSize(2000);
    }

    @Test
    void runsComeBackInPointOrderWhateverTheThreads() {
        List<Sweep.Point> all = Sweep.points(Sweep.axes(List.of("n=5,1,4,2,3")));
        Sweep.Outcome<Integer> o = Sweep.run(all, 3, new AtomicBoolean(), p -> {
            try {
                Thread.sleep(Integer.parseInt(p.values().get("n")) * 5L);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return p.index();
        });
        assertThat(o.complete()).isTrue();
        assertThat(o.results()).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aFailureStartsNoOtherPointAndKeepsThoseFinished() {
        List<Sweep.Point> all = Sweep.points(Sweep.axes(List.of("n=0,1,2,3")));
        List<Integer> ran = new CopyOnWriteArrayList<>();
        // One thread: points run in order, so 0 has finished when 1 fails, and 2 and 3 come after.
        Sweep.Outcome<Integer> o = Sweep.run(all, 1, new AtomicBoolean(), p -> {
            ran.add(p.index());
            if (p.index() == 1) {
                throw new UserError("point 1 is bad");
            }
            return 10 * p.index();
        });
        assertThat(ran).containsExactly(0, 1);
        assertThat(o.finished()).extracting(Sweep.Point::index).containsExactly(0);
        assertThat(o.results()).containsExactly(0);
        assertThat(o.missing()).extracting(Sweep.Point::index).containsExactly(1, 2, 3);
        assertThat(o.failure().point().index()).isEqualTo(1);
        assertThat(o.failure().error()).hasMessage("point 1 is bad");
        assertThat(o.interrupted()).isFalse();
        assertThat(o.complete()).isFalse();
    }

    @Test
    void aPointRunningWhenAnotherFailsFinishesAndIsKept() {
        List<Sweep.Point> all = Sweep.points(Sweep.axes(List.of("n=0,1,2,3")));
        CountDownLatch zeroRunning = new CountDownLatch(1);
        CountDownLatch failing = new CountDownLatch(1);
        // Two threads: point 1 fails only once point 0 is running (so point 0 has started for sure), and
        // point 0 returns only after that failure.
        Sweep.Outcome<Integer> o = Sweep.run(all, 2, new AtomicBoolean(), p -> {
            if (p.index() == 1) {
                await(zeroRunning);
                failing.countDown();
                throw new UserError("point 1 is bad");
            }
            if (p.index() == 0) {
                zeroRunning.countDown();
                await(failing);
            }
            return 10 * p.index();
        });
        // Whether 2 and 3 start depends on whether the other thread took them before the failure was recorded.
        assertThat(o.finished()).extracting(Sweep.Point::index).startsWith(0).doesNotContain(1);
        assertThat(o.results().get(0)).isZero();
        assertThat(o.missing()).extracting(Sweep.Point::index).startsWith(1);
        assertThat(o.failure().point().index()).isEqualTo(1);
    }

    @Test
    void aStopReturnsWhatHasFinishedAndStartsNothingMore() {
        List<Sweep.Point> all = Sweep.points(Sweep.axes(List.of("n=0,1,2,3")));
        AtomicBoolean stop = new AtomicBoolean();
        // One thread: points run in order; point 1 plays Ctrl-C while it runs.
        Sweep.Outcome<Integer> o = Sweep.run(all, 1, stop, p -> {
            if (p.index() == 1) {
                stop.set(true);
            }
            return 10 * p.index();
        });
        assertThat(o.interrupted()).isTrue();
        assertThat(o.failure()).isNull();
        // Point 1 may or may not be counted, depending on whether the sweep saw the stop before it returned.
        assertThat(o.finished()).extracting(Sweep.Point::index).startsWith(0).doesNotContain(2, 3);
        assertThat(o.missing()).extracting(Sweep.Point::index).endsWith(2, 3);
        assertThat(o.finished().size() + o.missing().size()).isEqualTo(4);
        for (int i = 0; i < o.finished().size(); i++) {
            assertThat(o.results().get(i)).isEqualTo(10 * o.finished().get(i).index());
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void badSpecsAreUserErrors() {
        assertThatThrownBy(() -> Sweep.axes(List.of("cpus"))).isInstanceOf(UserError.class);
        assertThatThrownBy(() -> Sweep.axes(List.of("cpus=1,2", "cpus=3"))).isInstanceOf(UserError.class);
        assertThatThrownBy(() -> Sweep.shard(List.of(), "0/2")).isInstanceOf(UserError.class);
        assertThatThrownBy(() -> Sweep.shard(List.of(), "x")).isInstanceOf(UserError.class);
    }
}
