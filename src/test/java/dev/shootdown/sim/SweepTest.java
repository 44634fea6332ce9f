package dev.shootdown.sim;

import dev.shootdown.lang.UserError;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

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
    void runsComeBackInPointOrderWhateverTheThreads() {
        List<Sweep.Point> all = Sweep.points(Sweep.axes(List.of("n=5,1,4,2,3")));
        List<Integer> out = Sweep.run(all, 3, p -> {
            try {
                Thread.sleep(Integer.parseInt(p.values().get("n")) * 5L);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return p.index();
        });
        assertThat(out).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void badSpecsAreUserErrors() {
        assertThatThrownBy(() -> Sweep.axes(List.of("cpus"))).isInstanceOf(UserError.class);
        assertThatThrownBy(() -> Sweep.axes(List.of("cpus=1,2", "cpus=3"))).isInstanceOf(UserError.class);
        assertThatThrownBy(() -> Sweep.shard(List.of(), "0/2")).isInstanceOf(UserError.class);
        assertThatThrownBy(() -> Sweep.shard(List.of(), "x")).isInstanceOf(UserError.class);
    }
}
