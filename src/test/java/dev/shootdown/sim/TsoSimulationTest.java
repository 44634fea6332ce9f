package dev.shootdown.sim;

import dev.shootdown.lang.SourceFile;
import dev.shootdown.model.Event;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** memory tso on the timed engine: store buffers drain by time, and what waits for them waits that long. */
class TsoSimulationTest {
    /** {@link EngineTimelineTest#TEST}'s round numbers, with a drain of 50 cycles. */
    static final Profile TSO = Profile.builder("tso-test", "hand-checkable costs")
            .ghz(1.0)
            .topology(new dev.shootdown.sim.Topology(2, 1, 1, 1))
            .step(1)
            .cost(Event.STORE_DRAIN, 50)
            .lines(4, 10, 20, 30, 40)
            .ipiLatency(0, 1000, 1000, 1000, 2000)
            .build();

    static final String FENCED = """
            hardware x86 { cpus 2; memory tso }
            mm A { page p -> frame f writable }
            shared x = 0
            shared y = 0
            cpu 0 runs A: { x = 1; smp_mb(); y = 2 }
            cpu 1 runs A: { wait until x == 1; compute(10) }
            """;

    @Test
    void aStoreIsSeenOnlyWhenItDrainsAndAnAccessAfterSmpMbWaitsForThat() {
        Engine engine = new Engine(EngineTimelineTest.compile(FENCED), TSO, new SimOptions(1e-3, 1, null, 0));
        SimResult r = engine.result(engine.run(), "t", "none", "", 1);
        // cpu0: x = 1 at 0: step 1 + the line (never held: 4) = 5, buffered; it drains at 5 + 50 = 55. smp_mb touches no
        // memory and runs in the same step; with the buffer not empty, y = 2 waits (parked 5..55), then 1 + y's line 4 -> 60.
        assertThat(engine.clock(0)).isEqualTo(60);
        // cpu1 polls x: the buffered store wakes it at 5 to no avail (memory still holds 0); the drain at 55 does:
        // the wait 1 + x's line from cpu0 on the other socket 40 -> 96; compute 1 + 10 -> 107.
        assertThat(engine.clock(1)).isEqualTo(107);
        assertThat(r.count(Event.STORE_DRAIN)).isEqualTo(2);
        assertThat(engine.state()[1]).isEqualTo(2); // y drained to memory by the end
        assertThat(r.liveness()).isNull();
    }

    @Test
    void underScTheSameProgramSeesTheStoreAtOnce() {
        Engine engine = new Engine(EngineTimelineTest.compile(FENCED.replace("; memory tso", "")), TSO, new SimOptions(1e-3, 1, null, 0));
        SimResult r = engine.result(engine.run(), "t", "none", "", 1);
        // cpu0: x = 1 and smp_mb 5, y = 2: 5 -> 10. cpu1 steps at 0 right after cpu0 (a tie goes to the lower CPU) and a
        // step takes effect at its start, so it sees x = 1 at once: 1 + the line from cpu0 40 -> 41, compute 11 -> 52.
        assertThat(engine.clock(0)).isEqualTo(10);
        assertThat(engine.clock(1)).isEqualTo(52);
        assertThat(r.count(Event.STORE_DRAIN)).isZero();
    }

    @Test
    void aStoreIntoAFullBufferWaitsForTheOldestToDrain() {
        Engine engine = new Engine(EngineTimelineTest.compile("""
                hardware x86 { cpus 1; memory tso; store_buffer 1 }
                mm A { page p -> frame f writable }
                shared x = 0
                shared y = 0
                cpu 0 runs A: { x = 1; y = 2; x = 3 }
                """), TSO, new SimOptions(1e-3, 1, null, 0));
        SimResult r = engine.result(engine.run(), "t", "none", "", 1);
        // x = 1: 5, drains at 55; y = 2 waits for it, 55 + 5 -> 60, drains at 110; x = 3 -> 115, drains at 165.
        assertThat(engine.clock(0)).isEqualTo(115);
        assertThat(r.count(Event.STORE_DRAIN)).isEqualTo(3);
        assertThat(engine.state()[0]).isEqualTo(3);
    }

    /** protocols/linux-ipi.sd with {@code memory tso} in its hardware block: the model that once stalled at 0 operations. */
    static final SourceFile LINUX_TSO = new SourceFile("linux-ipi-tso.sd",
            SimulationTest.LINUX.text().replace("hardware x86 { cpus 3 }", "hardware x86 { cpus 3; memory tso }"));

    @Test
    void linuxIpiUnderTsoRunsAtAboutItsScThroughput() {
        assertThat(LINUX_TSO.text()).contains("memory tso");
        for (int cpus : new int[] {8, 32}) {
            SimResult tso = SimulationTest.run(LINUX_TSO, "munmap", cpus, "skylake", 0.02, 1);
            SimResult sc = SimulationTest.run(SimulationTest.LINUX, "munmap", cpus, "skylake", 0.02, 1);
            assertThat(tso.liveness()).as("stall at %d CPUs", cpus).isNull();
            assertThat(tso.stall()).isNull();
            assertThat(tso.violations()).isEmpty();
            assertThat(tso.count(Event.STORE_DRAIN)).isPositive();
            // One shootdown per op as under SC; the stores drain behind it (20 cycles each on skylake), and the
            // workload's touch right after its set_pte walks before the PTE store drains (walkers read memory) and faults.
            assertThat(tso.shootdowns()).isBetween(tso.ops(), tso.ops() + 1);
            double ratio = (double) tso.ops() / sc.ops();
            assertThat(ratio).as("TSO/SC throughput at %d CPUs", cpus).isBetween(0.7, 1.0);
            // The acks are stores too: the initiator sees the last one a drain later than under SC.
            assertThat(tso.callCycles().getValueAtPercentile(50)).isGreaterThan(sc.callCycles().getValueAtPercentile(50));
        }
    }

    @Test
    void theDrainCostsWhatTheProfileSaysAndAFileCanSayOtherwise(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertThat(Profiles.byName("skylake").cycles(Event.STORE_DRAIN)).isEqualTo(20);
        assertThat(((java.util.Map<?, ?>) ProfileFile.json(Profiles.byName("skylake"), "skylake").get("costs")).get("store_drain")).isEqualTo(20L);
        java.nio.file.Path slow = dir.resolve("slow-drain.json");
        java.nio.file.Files.writeString(slow, "{\"base\": \"skylake\", \"costs\": {\"store_drain\": 2000}}");
        Profile p = Profiles.byName(slow.toString());
        assertThat(p.cycles(Event.STORE_DRAIN)).isEqualTo(2000);
        SimResult fast = SimulationTest.run(LINUX_TSO, "munmap", 4, "skylake", 0.005, 1);
        SimResult slowRun = Simulation.run(LINUX_TSO, Workloads.byName("munmap"), java.util.Map.of(), 4, p, SimOptions.of(0.005, 1));
        // The initiator waits for the responders' acks to drain, and its own locked instructions for its stores:
        // at least one more drain's difference (1980 cycles) in every call.
        assertThat(slowRun.callCycles().getValueAtPercentile(50) - fast.callCycles().getValueAtPercentile(50)).isGreaterThanOrEqualTo(1980);
        assertThat(slowRun.liveness()).isNull();
    }
}
