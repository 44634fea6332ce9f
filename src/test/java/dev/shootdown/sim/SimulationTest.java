package dev.shootdown.sim;

import dev.shootdown.lang.SourceFile;
import dev.shootdown.lang.Sources;
import dev.shootdown.lang.UserError;
import dev.shootdown.model.Event;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulationTest {
    static final SourceFile LINUX = Sources.read(Path.of("protocols/linux-ipi.sd"));
    static final SourceFile INVLPGB = Sources.read(Path.of("protocols/invlpgb.sd"));

    static SimResult run(SourceFile protocol, String workload, int cpus, String profile, double seconds, long seed) {
        return Simulation.run(protocol, Workloads.byName(workload), Map.of(), cpus, Profiles.byName(profile), SimOptions.of(seconds, seed));
    }

    @Test
    void sameSeedGivesIdenticalMetricsAndEventCounts() {
        SimResult a = run(LINUX, "tlb_flush2", 40, "skylake", 0.002, 7);
        SimResult b = run(LINUX, "tlb_flush2", 40, "skylake", 0.002, 7);
        assertThat(a.events()).isEqualTo(b.events()).isPositive();
        assertThat(a.eventCounts()).isEqualTo(b.eventCounts());
        assertThat(a.phaseCycles()).isEqualTo(b.phaseCycles());
        assertThat(a.metrics()).isEqualTo(b.metrics());
    }

    /** TLB victims are the random choice: a 2-entry TLB over 3 pages read in turn. */
    static final SourceFile SMALL_TLB = new SourceFile("small-tlb.sd", """
            hardware x86 { cpus 2; tlb_capacity 2 }
            mm A {
              page p -> frame f writable
              page r1 -> frame g1 writable
              page r2 -> frame g2 writable
              page r3 -> frame g3 writable
            }
            irq flush_one(from) { flush_tlb_page(p); ack(from) }
            proc munmap(va) {
              old = ptep_get_and_clear(va)
              targets = cpumask(A) - self
              send_ipi(targets, flush_one)
              flush_tlb_page(va)
              wait until acked(targets)
              free_frame(old.pfn)
            }
            """);

    @Test
    void differentSeedsChooseDifferentVictims(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path wl = dir.resolve("reader.sdw");
        Files.writeString(wl, """
                percpu sim_ops = 0
                cpu 0.. runs {{mm}}: loop { read(r1); read(r2); read(r3); read(r2); compute(100); sim_ops = sim_ops + 1 }
                """);
        Set<Long> misses = new HashSet<>();
        for (long seed = 1; seed <= 6; seed++) {
            SimResult r = Simulation.run(SMALL_TLB, Workloads.byName(wl.toString()), Map.of(), 2, Profiles.byName("skylake"), SimOptions.of(0.0005, seed));
            assertThat(r.ops()).isPositive();
            misses.add(r.count(Event.TLB_MISS));
            // and each seed is reproducible
            SimResult again = Simulation.run(SMALL_TLB, Workloads.byName(wl.toString()), Map.of(), 2, Profiles.byName("skylake"), SimOptions.of(0.0005, seed));
            assertThat(again.count(Event.TLB_MISS)).isEqualTo(r.count(Event.TLB_MISS));
        }
        assertThat(misses).hasSizeGreaterThan(1);
    }

    @Test
    void munmapWorkloadShootsDownEveryOtherCpuOncePerOp() {
        SimResult r = run(LINUX, "munmap", 8, "skylake", 0.001, 1);
        assertThat(r.ops()).isPositive();
        assertThat(r.violations()).isEmpty();
        // One shootdown per munmap, seven IPIs each (no CPU is lazy in this workload), each taken.
        assertThat(r.shootdowns()).isBetween(r.ops(), r.ops() + 1);
        assertThat(r.count(Event.IPI_SEND)).isBetween(7 * r.ops(), 7 * (r.ops() + 1));
        assertThat(r.count(Event.IPI_ENTER)).isBetween(r.count(Event.IPI_SEND) - 7, r.count(Event.IPI_SEND));
        assertThat(r.latencyCycles().getTotalCount()).isBetween(r.ops() - 1, r.ops() + 1);
    }

    @Test
    void theProgressHookSeesTheRunAdvanceAndCanStopItWhereItGot() {
        java.util.List<Long> seen = new java.util.ArrayList<>();
        SimOptions.Progress stopAtThird = (cycles, end) -> {
            assertThat(end).isEqualTo(Profiles.byName("skylake").secondsToCycles(0.01));
            seen.add(cycles);
            return seen.size() == 3;
        };
        SimResult r = Simulation.run(LINUX, Workloads.byName("munmap"), Map.of(), 8, Profiles.byName("skylake"),
                SimOptions.of(0.01, 1).withProgress(stopAtThird));
        assertThat(seen).hasSize(3).isSorted();
        assertThat(seen.get(0)).isPositive();
        // Stopped at the third call: the result covers the simulated time up to it and no more.
        assertThat(r.stall()).startsWith("stopped after").endsWith("of 0.010000 simulated seconds");
        assertThat(r.simulatedSeconds() * Profiles.byName("skylake").ghz() * 1e9).isCloseTo(seen.get(2), org.assertj.core.data.Offset.offset(1.0));
        assertThat(r.events()).isPositive().isLessThan(3L * Engine.PROGRESS_EVERY);
        assertThat(r.ops()).isPositive();
        // A hook that never stops leaves the run as it is without one.
        SimResult plain = run(LINUX, "munmap", 8, "skylake", 0.01, 1);
        SimResult watched = Simulation.run(LINUX, Workloads.byName("munmap"), Map.of(), 8, Profiles.byName("skylake"),
                SimOptions.of(0.01, 1).withProgress((cycles, end) -> false));
        assertThat(watched.stall()).isNull();
        assertThat(watched.metrics()).isEqualTo(plain.metrics());
    }

    @Test
    void aRunWhereEveryCpuBlocksEndsEarlyAndSaysWhy(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path wl = dir.resolve("stuck.sdw");
        Files.writeString(wl, """
                percpu sim_ops = 0
                cpu 0.. runs {{mm}}: { compute(1000); wait until sim_ops > 0 }
                """);
        // Without ticks (a spinning CPU with interrupts on would take them for ever) nothing moves once all four wait.
        SimResult r = Simulation.run(LINUX, Workloads.byName(wl.toString()), Map.of(), 4, Profiles.byName("skylake"), SimOptions.of(0.001, 1).withTickHz(0));
        assertThat(r.stall()).startsWith("no CPU can move after");
        assertThat(r.simulatedSeconds()).isPositive().isLessThan(0.001);
        // A deadlock is a liveness failure as a stall is: every CPU named with what it waits on.
        assertThat(r.liveness().deadlock()).isTrue();
        assertThat(r.liveness().blocked()).isEqualTo(4);
        assertThat(r.liveness().cpus()).extracting(SimResult.Blocked::waitsOn).containsOnly("reads sim_ops[0] = 0", "reads sim_ops[1] = 0",
                "reads sim_ops[2] = 0", "reads sim_ops[3] = 0");
        Map<String, Object> json = dev.shootdown.report.SimReport.json(r);
        assertThat(json).containsEntry("partial", true).containsEntry("stop_reason", r.stall());
        assertThat(dev.shootdown.report.SimReport.json(run(LINUX, "munmap", 2, "skylake", 0.0005, 1))).doesNotContainKeys("partial", "stop_reason");
    }

    @Test
    void runsMoreCpusThanAnActionCanName() {
        // An action packs the CPU in 10 bits; the simulator names CPUs itself, up to its own limit.
        int cpus = 2048;
        SimResult r = run(LINUX, "munmap", cpus, "skylake", 0.0005, 1);
        assertThat(r.ops()).isPositive();
        assertThat(r.violations()).isEmpty();
        assertThat(r.count(Event.IPI_SEND)).isBetween((cpus - 1L) * r.ops(), (cpus - 1L) * (r.ops() + 1));
        assertThat(r.count(Event.IPI_ENTER)).isBetween(r.count(Event.IPI_SEND) - (cpus - 1), r.count(Event.IPI_SEND));
        assertThatThrownBy(() -> run(LINUX, "munmap", Engine.MAX_CPUS + 1, "skylake", 0.0005, 1))
                .hasMessageContaining(String.valueOf(Engine.MAX_CPUS)); // the compiler's limit is the engine's
    }

    @Test
    void broadcastInvalidationSendsNoIpiAndInterruptsNobody() {
        SimResult r = run(INVLPGB, "tlb_flush2", 36, "milan", 0.0005, 1);
        assertThat(r.ops()).isPositive();
        assertThat(r.count(Event.IPI_SEND)).isZero();
        assertThat(r.phaseCycles()[Phase.HANDLER]).isZero();
        assertThat(r.count(Event.TLBIE)).isEqualTo(r.shootdowns());
        assertThat(r.count(Event.BCAST_PERFORM)).isBetween(35 * (r.shootdowns() - 36), 35 * r.shootdowns());
        assertThat(r.violations()).isEmpty();
    }

    static final SourceFile NO_LAZY = new SourceFile("no-lazy.sd",
            LINUX.text().replace("proc enter_lazy_tlb(borrowed) { is_lazy = true }", "proc enter_lazy_tlb(borrowed) { }"));

    static SimResult server(SourceFile protocol, Map<String, String> params) {
        return Simulation.run(protocol, Map.of(), Workloads.byName("server"), params, 16, Profiles.byName("skylake"), SimOptions.of(0.002, 1));
    }

    @Test
    void idleCpusAreLazyUnderLinuxAndIpidWithoutLazyTlb() {
        // No clients: CPUs 1..15 have nothing to run. Each starts in the server's mm (in its mask) and its first pick switches
        // to the idle task, which calls enter_lazy_tlb: linux-ipi's munmap skips all 15, the protocol without lazy mode IPIs all 15.
        assertThat(NO_LAZY.text()).isNotEqualTo(LINUX.text());
        SimResult lazy = server(LINUX, Map.of("clients_per_cpu", "0"));
        SimResult eager = server(NO_LAZY, Map.of("clients_per_cpu", "0"));
        assertThat(lazy.switches().contextSwitches()).isEqualTo(16);
        assertThat(lazy.count(Event.IPI_SEND)).isZero();
        assertThat(lazy.shootdowns()).isZero();
        // Each munmap is then CPU 0's own invalidation only.
        assertThat(lazy.count(Event.INVLPG)).isGreaterThan(10);
        assertThat(eager.shootdowns()).isGreaterThan(10);
        assertThat(eager.count(Event.IPI_SEND)).isEqualTo(15 * eager.shootdowns());
        // Every munmap's page is invalidated on all 16 CPUs (the last one's handlers may not all have run when the run stops).
        assertThat(eager.count(Event.INVLPG)).isBetween(16 * eager.shootdowns() - 15, 16 * eager.shootdowns());
        assertThat(lazy.violations()).isEmpty();
        assertThat(eager.violations()).isEmpty();
    }

    @Test
    void theServersPairsTakeTurnsOnTheirCpusSoNoCpuIdlesAndAShootdownIpisAllOrNone() {
        // A client wakes its server thread while it still runs: the thread's previous CPU is busy and no CPU of the die is
        // idle, so it stays in that CPU's queue (select_idle_sibling) and the pair takes turns there. No CPU ever idles,
        // lazy mode is never entered, and the run without lazy mode is the same run event for event.
        SimResult lazy = server(LINUX, Map.of());
        SimResult eager = server(NO_LAZY, Map.of());
        assertThat(lazy.ops()).isPositive();
        assertThat(lazy.phaseCycles()[Phase.IDLE]).isZero();
        assertThat(eager.eventCounts()).isEqualTo(lazy.eventCounts());
        assertThat(eager.phaseCycles()).isEqualTo(lazy.phaseCycles());
        // Two wake-ups per request, and at most one more per pair whose request was in flight when the run stopped.
        assertThat(lazy.switches().wakeups()).isBetween(2 * lazy.ops(), 2 * lazy.ops() + 16);
        // CPUs 1..15 run the same pair from the same start at the same costs; an IPI reaches CPU 1 (CPU 0's SMT sibling)
        // 200 cycles before the others, far less than a 50000-cycle phase, so they stay in step. A switch to a client leaves
        // the server's mask: at each munmap all 15 run their server thread (15 IPIs) or all run their client (none, and no
        // shootdown is counted).
        assertThat(lazy.shootdowns()).isPositive();
        assertThat(lazy.count(Event.IPI_SEND)).isEqualTo(15 * lazy.shootdowns());
        assertThat(lazy.violations()).isEmpty();
    }

    @Test
    void reclaimFlushesOncePerBatch() {
        SimResult r = run(LINUX, "reclaim", 8, "skylake", 0.002, 1);
        assertThat(r.violations()).isEmpty();
        assertThat(r.ops()).isPositive();
        // 32 pages reclaimed per flush_batch, each batch one full flush on each of the 7 other CPUs.
        assertThat(r.shootdowns()).isBetween(r.ops() / 32, r.ops() / 32 + 1);
        assertThat(r.count(Event.FLUSH_ALL)).isGreaterThanOrEqualTo(7 * (r.ops() / 32));
        assertThat(r.count(Event.WRITEBACK)).isPositive();
        // The batch's pages come back on new frames: their misses are not refills an invalidation caused.
        assertThat(r.missesCaused()).isZero();
    }

    @Test
    void fullFlushesCauseRefillsOfPagesThatStayedMapped() {
        SourceFile full = new SourceFile("full.sd", LINUX.text().replace("  flush_page = va\n", "  flush_page = va\n  flush_full = true\n"));
        SimResult r = run(full, "munmap", 4, "skylake", 0.003, 1);
        SimResult precise = run(LINUX, "munmap", 4, "skylake", 0.003, 1);
        // Responders reread wl_data after each chunk of compute: after a full flush that read walks again.
        assertThat(r.missesCaused()).isPositive();
        assertThat(r.missCausedCycles()).isPositive();
        assertThat(precise.missesCaused()).isZero();
    }

    @Test
    void aWorkloadNeedsTheProceduresItCalls() {
        assertThatThrownBy(() -> run(INVLPGB, "reclaim", 4, "milan", 0.001, 1))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("flush_batch").hasMessageContaining("does not define");
        assertThatThrownBy(() -> run(INVLPGB, "munmap", 4, "skylake", 0.001, 1))
                .isInstanceOf(UserError.class).hasMessageContaining("broadcast invalidation");
        assertThatThrownBy(() -> Simulation.run(LINUX, Workloads.byName("munmap"), Map.of("nope", "1"), 4, Profiles.byName("skylake"), SimOptions.of(0.001, 1)))
                .isInstanceOf(UserError.class).hasMessageContaining("no parameter 'nope'");
        assertThatThrownBy(() -> Workloads.byName("no-such-workload")).isInstanceOf(UserError.class).hasMessageContaining("unknown workload");
    }
}
