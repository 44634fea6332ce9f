package dev.shootdown.sim;

import dev.shootdown.model.Event;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trace hook gives what a Perfetto writer needs: per CPU, slices in order that never overlap;
 * IPIs from send to entry; and no labels built for slices the trace does not want.
 */
class SimTraceTest {
    static SimResult munmap(int cpus, double seconds, SimTrace trace) {
        return Simulation.run(SimulationTest.LINUX, Workloads.byName("munmap"), Map.of("user_cycles", "20000"), cpus, Profiles.byName("skylake"),
                new SimOptions(seconds, 1, trace));
    }

    @Test
    void slicesOfACpuNeverOverlapNorPassTheEndAndEveryIpiEntersAfterItWasSent() {
        RecordingTrace trace = RecordingTrace.all();
        int cpus = 6;
        SimResult r = munmap(cpus, 0.0002, trace);
        assertThat(r.shootdowns()).isPositive();
        long end = Profiles.byName("skylake").secondsToCycles(r.simulatedSeconds());
        for (int c = 0; c < cpus; c++) {
            long last = 0;
            List<RecordingTrace.Slice> mine = trace.of(c);
            assertThat(mine).isNotEmpty();
            for (RecordingTrace.Slice x : mine) {
                assertThat(x.end()).isGreaterThan(x.start()).isLessThanOrEqualTo(end);
                assertThat(x.start()).as("cpu%d slice %s starts before the previous one ended", c, x).isGreaterThanOrEqualTo(last);
                last = x.end();
            }
        }
        // Responders' compute is interrupted: a handler slice sits between two compute slices of the same statement.
        assertThat(trace.slices).anySatisfy(x -> assertThat(x.phase()).isEqualTo(Phase.HANDLER));
        List<RecordingTrace.Ev> sends = trace.events.stream().filter(e -> e.kind() == Event.IPI_SEND).toList();
        List<RecordingTrace.Ev> enters = trace.events.stream().filter(e -> e.kind() == Event.IPI_ENTER).toList();
        assertThat(sends).isNotEmpty();
        for (RecordingTrace.Ev enter : enters) {
            assertThat(sends).anySatisfy(send -> {
                assertThat(send.cpu()).isEqualTo(enter.a());
                assertThat(send.a()).isEqualTo(enter.cpu());
                assertThat(send.time()).isLessThan(enter.time());
            });
        }
    }

    @Test
    void aTraceThatWantsNothingGetsEverySliceWithoutALabelAndTheRunIsUnchanged() {
        RecordingTrace trace = RecordingTrace.wanting(t -> false);
        SimResult r = munmap(4, 0.0002, trace);

        assertThat(trace.slices).isNotEmpty();
        assertThat(trace.slices).allSatisfy(x -> assertThat(x.label()).isIn(null, "blocked"));
        SimResult untraced = munmap(4, 0.0002, null);
        assertThat(r.eventCounts()).isEqualTo(untraced.eventCounts());
        assertThat(r.metrics()).isEqualTo(untraced.metrics());
    }

    @Test
    void fromWhereTheTraceStopsWantingOnlyTheRestsOfInterruptedStepsKeepTheirLabels() {
        long from = Profiles.byName("skylake").secondsToCycles(0.0001);
        RecordingTrace trace = RecordingTrace.wanting(t -> t < from);
        munmap(6, 0.0002, trace);

        assertThat(trace.refusedFrom()).isGreaterThanOrEqualTo(from);
        assertThat(trace.slices).anySatisfy(x -> assertThat(x.start()).isLessThan(from));
        assertThat(trace.slices).anySatisfy(x -> assertThat(x.label()).isNull());
        assertThat(trace.labelledFrom(trace.refusedFrom(), 6)).isEmpty();
        // The check can fail: with every label wanted, slices after that time carry theirs.
        RecordingTrace all = RecordingTrace.all();
        munmap(6, 0.0002, all);
        assertThat(all.labelledFrom(from, 6)).isNotEmpty();
    }
}
