package dev.shootdown.sim;

import dev.shootdown.lang.SourceFile;
import dev.shootdown.model.Layout;
import dev.shootdown.model.Program;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs in which CPUs with work left make no progress are reported as stalls, never as clean results; healthy ones are not. */
class StallTest {
    /** linux-ipi whose handler flushes and returns without acking: the initiator waits for ever, the others run on. */
    static final SourceFile NO_ACK = new SourceFile("no-ack.sd", SimulationTest.LINUX.text().replace("""
                loaded_gen = mm_context_id(loaded_mm)
              }
              ack(from)
            """, """
                loaded_gen = mm_context_id(loaded_mm)
              }
            """));

    @Test
    void anIpiHandlerThatNeverAcksStallsTheInitiatorAndOnlyIt() {
        assertThat(NO_ACK.text()).doesNotContain("ack(from)");
        SimResult r = SimulationTest.run(NO_ACK, "munmap", 8, "skylake", 0.1, 1);
        SimResult.Liveness l = r.liveness();
        assertThat(l).isNotNull();
        assertThat(l.deadlock()).isFalse();
        // The default bound (10 ms; the run's longest compute is 1M cycles, 0.48 ms, which times 10 is less), checked
        // every quarter of it: the initiator blocked within its first microseconds is found between 10 and 12.5 ms.
        assertThat(l.boundMicros()).isCloseTo(10_000, org.assertj.core.data.Offset.offset(1.0));
        assertThat(l.atMicros()).isBetween(10_000.0, 12_500.0);
        assertThat(l.blocked()).isEqualTo(1);
        SimResult.Blocked b = l.cpus().get(0);
        assertThat(b.cpu()).isZero();
        assertThat(b.at()).isEqualTo("wait until acked(targets)");
        assertThat(b.where()).isEqualTo("no-ack.sd:" + lineOf(NO_ACK, "wait until acked(targets)"));
        assertThat(b.waitsOn()).isEqualTo("acks outstanding from cpu1-7");
        assertThat(b.sinceMicros()).isLessThan(10.0);
        // The run stops there: its figures cover the time up to the stall, and say so.
        assertThat(r.stall()).startsWith("stall: 1 CPU with work left made no progress for 10000 us or more")
                .contains("cpu0 at wait until acked(targets) [no-ack.sd:");
        assertThat(r.simulatedSeconds()).isLessThan(0.0126);
        assertThat(r.ops()).isZero();
        Map<String, Object> json = dev.shootdown.report.SimReport.json(r);
        assertThat(json).containsEntry("partial", true).containsKey("stall");
        @SuppressWarnings("unchecked")
        Map<String, Object> stall = (Map<String, Object>) json.get("stall");
        assertThat(stall).containsEntry("kind", "stall").containsEntry("blocked_cpus", 1);
        assertThat(String.valueOf(stall.get("cpus"))).contains("cpu=0", "at=wait until acked(targets)", "waits_on=acks outstanding from cpu1-7");
        assertThat(dev.shootdown.report.SimReport.text(r)).contains("STALL at ", "cpu0 at wait until acked(targets)")
                .doesNotContain("no property broken during the run");
    }

    static int lineOf(SourceFile f, String text) {
        String[] lines = f.text().split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text);
    }

    @Test
    void aSpinOnAVariableNobodySetsIsReportedWithWhatItReads(@TempDir Path dir) throws Exception {
        Path wl = dir.resolve("spin.sdw");
        Files.writeString(wl, """
                percpu sim_ops = 0
                shared wl_go = 0
                cpu 0, 1 runs {{mm}}: loop { compute(2000); sim_ops = sim_ops + 1 }
                cpu 2 runs {{mm}}: { compute(100); wait until wl_go == 1; sim_ops = sim_ops + 1 }
                cpu 3 runs {{mm}}: { sim_ops = sim_ops + 1 }
                """);
        // The floor lowered to 1 ms: the others' computes are short, so that is the bound, and cpu3 has simply finished.
        SimResult r = Simulation.run(SimulationTest.LINUX, Workloads.byName(wl.toString()), Map.of(), 4, Profiles.byName("skylake"),
                SimOptions.of(0.01, 1).withStallSeconds(0.001));
        SimResult.Liveness l = r.liveness();
        assertThat(l).isNotNull();
        assertThat(l.boundMicros()).isCloseTo(1000, org.assertj.core.data.Offset.offset(1.0));
        assertThat(l.cpus()).extracting(SimResult.Blocked::cpu).containsExactly(2);
        assertThat(l.cpus().get(0).at()).isEqualTo("wait until wl_go == 1");
        assertThat(l.cpus().get(0).waitsOn()).isEqualTo("reads wl_go = 0");
        assertThat(r.ops()).isPositive(); // cpus 0 and 1 made progress all along
        // With the default floor the same 10 ms run is too short to call it: a wait is a stall only past the bound.
        SimResult shortRun = Simulation.run(SimulationTest.LINUX, Workloads.byName(wl.toString()), Map.of(), 4, Profiles.byName("skylake"),
                SimOptions.of(0.005, 1));
        assertThat(shortRun.liveness()).isNull();
        assertThat(shortRun.stall()).isNull();
    }

    @Test
    void aStallStillBlockedAtTheEndOfTheRunIsReportedButTheRunIsWhole(@TempDir Path dir) throws Exception {
        Path wl = dir.resolve("late.sdw");
        // cpu1 blocks at 1.2 ms (twelve 0.1 ms steps: the bound stays at the 4 ms floor). The engine looks at 4 ms, then
        // every 1 ms: at 5 ms cpu1 has waited 3.8 ms; the run ends at 5.5 ms, when it has waited 4.3: the end's own look finds it.
        Files.writeString(wl, """
                percpu sim_ops = 0
                shared wl_go = 0
                cpu 0 runs {{mm}}: loop { compute(2000); sim_ops = sim_ops + 1 }
                cpu 1 runs {{mm}}: { repeat 12 { compute(210000) }; wait until wl_go == 1 }
                """);
        SimResult r = Simulation.run(SimulationTest.LINUX, Workloads.byName(wl.toString()), Map.of(), 2, Profiles.byName("skylake"),
                SimOptions.of(0.0055, 1).withStallSeconds(0.004));
        assertThat(r.liveness()).isNotNull();
        assertThat(r.liveness().atMicros()).isCloseTo(5500, org.assertj.core.data.Offset.offset(0.01));
        assertThat(r.liveness().cpus().get(0).sinceMicros()).isBetween(1200.0, 1300.0);
        assertThat(r.stall()).isNull();
        assertThat(r.simulatedSeconds()).isCloseTo(0.0055, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(dev.shootdown.report.SimReport.json(r)).doesNotContainKeys("partial", "stop_reason").containsKey("stall");
    }

    @Test
    void theBoundStretchesToTenTimesTheLongestComputeOfTheRun(@TempDir Path dir) throws Exception {
        Path wl = dir.resolve("slow.sdw");
        // cpu0 takes 4 ms (8.4M cycles on skylake) before it sets the flag cpu1 waits for: a long but healthy wait.
        Files.writeString(wl, """
                percpu sim_ops = 0
                shared wl_go = 0
                cpu 0 runs {{mm}}: { compute(8400000); wl_go = 1; loop { compute(1000); sim_ops = sim_ops + 1 } }
                cpu 1 runs {{mm}}: { wait until wl_go == 1; loop { compute(1000); sim_ops = sim_ops + 1 } }
                """);
        SimResult r = Simulation.run(SimulationTest.LINUX, Workloads.byName(wl.toString()), Map.of(), 2, Profiles.byName("skylake"),
                SimOptions.of(0.01, 1).withStallSeconds(0.001));
        assertThat(r.liveness()).isNull();
        assertThat(r.ops()).isPositive();
    }

    /** The shipped protocols under every workload they define, each run past a 1 ms floor: none may stall. */
    @Test
    void healthyProtocolsAndWorkloadsDoNotStall() {
        String[][] runs = {
            {"linux-ipi", "munmap", "skylake"}, {"linux-ipi", "tlb_flush2", "skylake"}, {"linux-ipi", "server", "skylake"}, {"linux-ipi", "reclaim", "skylake"},
            {"dfly-cpusync", "munmap", "skylake"}, {"dfly-cpusync", "tlb_flush2", "skylake"}, {"dfly-cpusync", "server", "skylake"},
            {"invlpgb", "munmap", "milan"}, {"invlpgb", "tlb_flush2", "milan"}, {"invlpgb", "server", "milan"},
        };
        for (String[] run : runs) {
            SimResult r = Simulation.run(Protocols.load(run[0]), Workloads.byName(run[1]), Map.of(), 36, Profiles.byName(run[2]),
                    SimOptions.of(0.004, 1).withStallSeconds(0.001));
            assertThat(r.liveness()).as("%s under %s on 36 CPUs: %s", run[0], run[1], r.liveness() == null ? "" : r.liveness().summary()).isNull();
            assertThat(r.ops()).as("%s under %s", run[0], run[1]).isPositive();
        }
    }

    @Test
    void everyCpuContendingForTheLruLockGetsItInTurn() {
        // tlb_flush2 on 36 CPUs: all of them take the LRU lock once an iteration. Handed over in arrival order, as
        // Linux's queued spin locks do, every CPU gets its turns; woken all at once, the lowest CPU would always win.
        Program program = WorkloadComposer.compose(SimulationTest.LINUX, Workloads.byName("tlb_flush2"), Map.of(), 36);
        Engine engine = new Engine(program, Profiles.byName("skylake"), SimOptions.of(0.01, 1));
        engine.run();
        int opsVar = -1;
        for (int v = 0; v < program.perCpu().size(); v++) {
            if (program.perCpu().get(v).name().equals("sim_ops")) {
                opsVar = v;
            }
        }
        Layout layout = engine.machine().layout();
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int c = 0; c < 36; c++) {
            long ops = engine.state()[layout.cpu(c) + layout.perCpu + opsVar];
            min = Math.min(min, ops);
            max = Math.max(max, ops);
        }
        assertThat(min).isPositive();
        assertThat((double) min / max).isGreaterThan(0.5);
    }
}
