package dev.shootdown.sim;

import dev.shootdown.model.Event;
import org.junit.jupiter.api.Test;

import static dev.shootdown.sim.EngineTimelineTest.MUNMAP;
import static dev.shootdown.sim.EngineTimelineTest.compile;
import static dev.shootdown.sim.EngineTimelineTest.slice;
import static org.assertj.core.api.Assertions.assertThat;

/** The periodic timer tick, on timelines summed by hand from {@link EngineTimelineTest#TEST} plus a tick cost. */
class TimerTickTest {
    /** The test profile with a tick handler of 500 cycles (1 GHz: a tick rate of 100 kHz is one tick every 10,000 cycles). */
    static final Profile TICKING = withTick(500);

    static Profile withTick(long cycles) {
        Profile p = EngineTimelineTest.TEST;
        long[] costs = p.eventCycles().clone();
        costs[Event.TIMER_TICK] = cycles;
        return new Profile(p.name(), p.description(), p.ghz(), p.topology(), p.stepCycles(), costs, p.lineCycles(), p.ipiLatency(),
                p.bcastLatency(), p.broadcastInvalidation(), p.rangedFlushCycles());
    }

    static final String ONE_CPU = """
            hardware x86 { cpus 1 }
            mm A { page p -> frame f writable }
            cpu 0 runs A: WORK
            """;

    @Test
    void aTickCutsAComputeAndTheRestResumesAfterIt() {
        RecordingTrace trace = RecordingTrace.all();
        Engine engine = new Engine(compile(ONE_CPU.replace("WORK", "compute(50000)")), TICKING, new SimOptions(1e-4, 1, trace, 50_000));
        SimResult r = engine.result(engine.run(), "t", "none", "", 1);

        // Ticks every 20,000 cycles. compute 1+50000 from 0, cut at 20000 (30001 left); tick 500 -> 20500; the rest is cut
        // again at 40000 (10501 left); tick -> 40500; the rest -> 51001; then the CPU has halted and ticks no more.
        assertThat(engine.clock(0)).isEqualTo(51001);
        assertThat(r.count(Event.TIMER_TICK)).isEqualTo(2);
        assertThat(trace.of(0)).containsExactly(
                slice(0, 0, 20000, Phase.USER, "compute(50000)"),
                slice(0, 20000, 20500, Phase.KERNEL, "timer tick"),
                slice(0, 20500, 40000, Phase.USER, "compute(50000)"),
                slice(0, 40000, 40500, Phase.KERNEL, "timer tick"),
                slice(0, 40500, 51001, Phase.USER, "compute(50000)"),
                slice(0, 51001, 100_000, Phase.IDLE, "blocked"));
        // Kernel time: the two ticks, and the one cycle of the compute step itself.
        assertThat(r.phaseCycles()[Phase.KERNEL]).isEqualTo(2 * 500 + 1);
        assertThat(r.phaseCycles()[Phase.USER]).isEqualTo(50000);
        assertThat((double) Metrics.values(r).get("timer_ticks_per_second")).isEqualTo(2 / 1e-4);
    }

    static final String FOUR_CPUS = """
            hardware x86 { cpus 4 }
            mm A { page p -> frame f writable }
            cpu 0.. runs A: compute(50000)
            """;

    @Test
    void skewTickOffsetsEachCpusTickByItsShareOfHalfAPeriod() {
        RecordingTrace trace = RecordingTrace.all();
        Engine engine = new Engine(compile(FOUR_CPUS), TICKING, new SimOptions(1e-4, 1, trace, 50_000, true));
        SimResult r = engine.result(engine.run(), "t", "none", "", 1);

        // Period 20,000; skew_tick=1 puts CPU c's ticks at 20000k + c x (20000 / 2 / 4) = + 2500c. CPU 3: compute 1+50000
        // from 0, cut at 27500 (22501 left); tick 500 -> 28000; cut again at 47500 (3001 left); tick -> 48000; the rest
        // -> 51001. Every CPU does the same work and takes two ticks, so every CPU ends at 51001; CPU 0 ticks as without skew.
        assertThat(trace.of(3)).startsWith(
                slice(3, 0, 27500, Phase.USER, "compute(50000)"),
                slice(3, 27500, 28000, Phase.KERNEL, "timer tick"),
                slice(3, 28000, 47500, Phase.USER, "compute(50000)"),
                slice(3, 47500, 48000, Phase.KERNEL, "timer tick"),
                slice(3, 48000, 51001, Phase.USER, "compute(50000)"));
        for (int c = 0; c < 4; c++) {
            assertThat(trace.of(c)).filteredOn(s -> s.label().equals("timer tick")).extracting(s -> s.start())
                    .containsExactly(20000L + 2500L * c, 40000L + 2500L * c);
            assertThat(engine.clock(c)).isEqualTo(51001);
        }
        assertThat(r.count(Event.TIMER_TICK)).isEqualTo(8);

        // Without skew every CPU ticks on the same edges.
        RecordingTrace aligned = RecordingTrace.all();
        new Engine(compile(FOUR_CPUS), TICKING, new SimOptions(1e-4, 1, aligned, 50_000, false)).run();
        for (int c = 0; c < 4; c++) {
            assertThat(aligned.of(c)).filteredOn(s -> s.label().equals("timer tick")).extracting(s -> s.start()).containsExactly(20000L, 40000L);
        }
    }

    @Test
    void idleDoesNotTickAndNoTickRateMeansNoTicks() {
        Engine idle = new Engine(compile(ONE_CPU.replace("WORK", "idle(50000)")), TICKING, SimOptions.of(1e-4, 1).withTickHz(50_000));
        SimResult r = idle.result(idle.run(), "t", "none", "", 1);
        assertThat(idle.clock(0)).isEqualTo(50001);
        assertThat(r.count(Event.TIMER_TICK)).isZero();

        Engine off = new Engine(compile(ONE_CPU.replace("WORK", "compute(50000)")), TICKING, SimOptions.of(1e-4, 1).withTickHz(0));
        SimResult r2 = off.result(off.run(), "t", "none", "", 1);
        assertThat(off.clock(0)).isEqualTo(50001);
        assertThat(r2.count(Event.TIMER_TICK)).isZero();
    }

    @Test
    void anIpiThatLandsDuringATickWaitsForItsEnd() {
        RecordingTrace trace = RecordingTrace.all();
        String text = MUNMAP.replace("cpu 0 runs A: munmap(p)", "cpu 0 runs A: { compute(9000); munmap(p) }");
        Engine engine = new Engine(compile(text), withTick(2000), new SimOptions(1e-4, 1, trace, 100_000));
        SimResult r = engine.result(engine.run(), "t", "none", "", 1);

        // cpu0: compute 1+9000 -> 9001; ptep_get_and_clear 25 -> 9026; targets 1 -> 9027; send 105 (the send itself at
        // 9028) -> 9132, the IPI lands at 9027+105+2000 = 11132. cpu1: compute from 0, cut by the tick at 10000, which
        // runs with interrupts off to 12000: the IPI waits 868 cycles. Entry 300 -> 12300; flush 201 -> 12501; ack 42
        // -> 12543 (the end of the shootdown); iret 400 -> 12943; the rest of the compute, until the next tick at 20000.
        assertThat(trace.of(1)).startsWith(
                slice(1, 0, 10000, Phase.USER, "compute(100000)"),
                slice(1, 10000, 12000, Phase.KERNEL, "timer tick"),
                slice(1, 12000, 12300, Phase.HANDLER, "<IPI flush_one from cpu0>"),
                slice(1, 12300, 12501, Phase.HANDLER, "flush_tlb_page(p)"),
                slice(1, 12501, 12943, Phase.HANDLER, "ack(from)"),
                slice(1, 12943, 20000, Phase.USER, "compute(100000)"),
                slice(1, 20000, 22000, Phase.KERNEL, "timer tick"));
        // Without the tick the same shootdown takes 2647 cycles (EngineTimelineTest): here 868 more.
        assertThat(r.latencyCycles().getMaxValue()).isEqualTo(12543 - 9028).isEqualTo(2647 + 868);
        // cpu0 parked in its wait with interrupts on takes its own tick (10000 to 12000), waits again, sees the ack at
        // 12543: wait 41 -> 12584, free 51 -> 12635.
        assertThat(engine.clock(0)).isEqualTo(12635);
        assertThat(trace.of(0)).contains(slice(0, 10000, 12000, Phase.KERNEL, "timer tick"));
    }
}
