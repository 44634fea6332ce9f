package dev.shootdown.sim;

import dev.shootdown.model.Event;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The trace hook gives what a Perfetto writer needs: per CPU, slices in order that never overlap; IPIs from send to entry. */
class SimTraceTest {
    record Slice(int cpu, long start, long end, int phase, String label) {}

    record Ev(long time, int cpu, int kind, int a, int b) {}

    @Test
    void slicesOfACpuNeverOverlapAndEveryIpiEntersAfterItWasSent() {
        List<Slice> slices = new ArrayList<>();
        List<Ev> events = new ArrayList<>();
        SimTrace trace = new SimTrace() {
            @Override
            public void slice(int cpu, long start, long end, int phase, String label) {
                slices.add(new Slice(cpu, start, end, phase, label));
            }

            @Override
            public void event(long time, int cpu, int kind, int a, int b) {
                events.add(new Ev(time, cpu, kind, a, b));
            }
        };
        int cpus = 6;
        SimResult r = Simulation.run(SimulationTest.LINUX, Workloads.byName("munmap"), Map.of("user_cycles", "20000"), cpus, Profiles.byName("skylake"),
                new SimOptions(0.0002, 1, trace));
        assertThat(r.shootdowns()).isPositive();
        for (int c = 0; c < cpus; c++) {
            long last = 0;
            int cpu = c;
            List<Slice> mine = slices.stream().filter(x -> x.cpu() == cpu).sorted((x, y) -> Long.compare(x.start(), y.start())).toList();
            assertThat(mine).isNotEmpty();
            for (Slice x : mine) {
                assertThat(x.end()).isGreaterThan(x.start());
                assertThat(x.start()).as("cpu%d slice %s starts before the previous one ended", cpu, x).isGreaterThanOrEqualTo(last);
                last = x.end();
            }
        }
        // Responders' compute is interrupted: a handler slice sits between two compute slices of the same statement.
        assertThat(slices).anySatisfy(x -> assertThat(x.phase()).isEqualTo(Phase.HANDLER));
        List<Ev> sends = events.stream().filter(e -> e.kind() == Event.IPI_SEND).toList();
        List<Ev> enters = events.stream().filter(e -> e.kind() == Event.IPI_ENTER).toList();
        assertThat(sends).isNotEmpty();
        for (Ev enter : enters) {
            assertThat(sends).anySatisfy(send -> {
                assertThat(send.cpu()).isEqualTo(enter.a());
                assertThat(send.a()).isEqualTo(enter.cpu());
                assertThat(send.time()).isLessThan(enter.time());
            });
        }
    }
}
