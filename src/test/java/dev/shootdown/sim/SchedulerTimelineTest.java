package dev.shootdown.sim;

import dev.shootdown.lang.SourceFile;
import dev.shootdown.model.Event;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Context switches, lazy TLB and wake-ups on timelines whose costs are read off the profile below. */
class SchedulerTimelineTest {
    /** Round numbers: a CR3 load 96 cycles, a page walk 30, a locked operation 10. Two CPUs on two sockets. */
    static final Profile SCHED = sched(new Topology(2, 1, 1, 1));

    /** The same costs on another topology: an IPI reaches a CPU of the same die after 1000 cycles. */
    static Profile sched(Topology topology) {
        return Profile.builder("sched", "hand-checkable costs")
            .ghz(1.0)
            .topology(topology)
            .step(1)
            .cost(Event.FLUSH_ALL, 96)
            .cost(Event.TLB_MISS, 30)
            .cost(Event.LOCK, 10)
            .cost(Event.IPI_SEND, 100)
            .cost(Event.IPI_ENTER, 300)
            .cost(Event.IRET, 400)
            .lines(4, 10, 20, 30, 40)
            .ipiLatency(0, 1000, 1000, 1000, 2000)
            .broadcastLatency(0, 500, 500, 500, 600)
            .build();
    }

    /** Two tasks on one CPU, a slice each in turn: each reads its page and computes. */
    static final String TWO_TASKS = """
            task a body 1 user A p on 0
            task b body 1 user MM_B PAGE_B on 0
            cpu 0 runs A: {
              sim_yield = 1
              loop {
                sim_context_switch()
                read(sim_page)
                compute(10000)
                sim_yield = 1
              }
            }
            """;

    static final String TWO_MMS = """
            hardware x86 { cpus 1 }
            mm A { page p -> frame f writable; page p2 -> frame f2 writable }
            mm B { page q -> frame g writable }
            """;

    static RecordingTrace run(String protocol, String workload, int cpus, double seconds, SimResult[] result) {
        return run(protocol, workload, cpus, seconds, SCHED, result);
    }

    static RecordingTrace run(String protocol, String workload, int cpus, double seconds, Profile profile, SimResult[] result) {
        Workload w = new Workload("t", "test workload", "op", List.of(), List.of(), Map.of(), "text:" + workload, 1);
        WorkloadComposer.Composed composed = WorkloadComposer.composeWithTasks(new SourceFile("p.sd", protocol), Map.of(), w,
                Map.of("switch_cycles", "500"), cpus);
        RecordingTrace trace = RecordingTrace.all();
        Engine engine = new Engine(composed.program(), composed.tasks(), profile, new SimOptions(seconds, 1, trace, 0));
        result[0] = engine.result(engine.run(), "p.sd", "t", "op", 1);
        return trace;
    }

    static List<RecordingTrace.Slice> slices(RecordingTrace t, int cpu, String label) {
        return t.slices.stream().filter(s -> s.cpu() == cpu && s.label() != null && s.label().startsWith(label)).toList();
    }

    static long events(RecordingTrace t, int cpu, int kind) {
        return t.events.stream().filter(e -> e.cpu() == cpu && e.kind() == kind).count();
    }

    @Test
    void aSwitchBetweenProcessesLoadsCr3AndEverySliceRefillsItsPage() {
        SimResult[] two = new SimResult[1];
        RecordingTrace t = run(TWO_MMS, TWO_TASKS.replace("MM_B", "B").replace("PAGE_B", "q"), 1, 1e-4, two);
        SimResult r = two[0];
        // The first pick (idle to a) keeps A loaded; every later switch is between A and B.
        assertThat(r.switches().contextSwitches()).isGreaterThan(4);
        assertThat(r.switches().mmSwitches()).isEqualTo(r.switches().contextSwitches() - 1);
        // The default switch_mm_irqs_off: cpumask_set, the CR3 load, cpumask_clear (two locked operations) per mm switch.
        List<RecordingTrace.Slice> loads = slices(t, 0, "switch_mm(next)");
        assertThat(loads).hasSize((int) r.switches().mmSwitches());
        // A CR3 load without PCID: one step (1) and the profile's 96, the whole TLB flushed.
        assertThat(loads).allSatisfy(s -> assertThat(s.end() - s.start()).isEqualTo(1 + 96));
        assertThat(r.count(Event.FLUSH_ALL)).isEqualTo(loads.size());
        assertThat(slices(t, 0, "cpumask_set(next, self)")).hasSize(loads.size());
        assertThat(slices(t, 0, "cpumask_clear(prev, self)")).hasSize(loads.size());
        // So every slice's first access misses: one walk per slice.
        List<RecordingTrace.Slice> reads = slices(t, 0, "read(sim_page)");
        assertThat(r.count(Event.TLB_MISS)).isEqualTo(reads.size());

        // The same two tasks as threads of A: no CR3 load, the two pages miss once each and then hit.
        SimResult[] one = new SimResult[1];
        RecordingTrace u = run(TWO_MMS, TWO_TASKS.replace("MM_B", "A").replace("PAGE_B", "p2"), 1, 1e-4, one);
        assertThat(one[0].switches().contextSwitches()).isEqualTo(r.switches().contextSwitches());
        assertThat(one[0].switches().mmSwitches()).isZero();
        assertThat(one[0].count(Event.FLUSH_ALL)).isZero();
        assertThat(one[0].count(Event.TLB_MISS)).isEqualTo(2);
        List<RecordingTrace.Slice> hits = slices(u, 0, "read(sim_page)");
        long hit = hits.get(hits.size() - 1).end() - hits.get(hits.size() - 1).start();
        // A miss costs the hit's step plus the walk: 30 and the PTE's line, which no other CPU wrote (self: 4).
        assertThat(reads).allSatisfy(s -> assertThat(s.end() - s.start()).isEqualTo(hit + 30 + 4));
    }

    /** linux-ipi's munmap on CPU 0 against a kernel thread (or a thread of A) on CPU 1. */
    static final String UNMAP_AGAINST = """
            frames wl_spare
            task unmapper body 1 user A p on 0
            CPU1_TASKS
            cpu 0.. runs A: {
              sim_yield = 1
              loop {
                sim_context_switch()
                if (sim_body == 1) {
                  write(p)
                  munmap(p)
                  wl_new = alloc_frame()
                  set_pte(p, mk_pte(wl_new, true))
                  sim_ops = sim_ops + 1
                } else if (sim_body == 2) {
                  compute(50000)
                } else {
                  read(q)
                  compute(50000)
                }
                sim_yield = 1
              }
            }
            percpu sim_ops = 0
            """;

    static String linux() {
        return SimulationTest.LINUX.text().replace("hardware x86 { cpus 3 }", "hardware x86 { cpus 2 }");
    }

    @Test
    void aKernelThreadEntersLazyModeAndLinuxSkipsItsCpu() {
        SimResult[] r = new SimResult[1];
        RecordingTrace t = run(linux(), UNMAP_AGAINST.replace("CPU1_TASKS", "task kthread body 2 kernel on 1"), 2, 2e-4, r);
        // CPU 1 switched once, from idle to the kernel thread: enter_lazy_tlb(A), is_lazy set; A stays in its CR3 and mask.
        assertThat(slices(t, 1, "enter_lazy_tlb(sim_prev)")).hasSize(1);
        assertThat(r[0].switches().mmSwitches()).isZero();
        assertThat(r[0].ops()).isGreaterThan(10);
        // Every munmap skips the lazy CPU: no IPI at all, and CPU 1's TLB is never touched.
        assertThat(r[0].count(Event.IPI_SEND)).isZero();
        assertThat(events(t, 1, Event.INVLPG) + events(t, 1, Event.FLUSH_ALL)).isZero();
        assertThat(r[0].violations()).isEmpty();
    }

    @Test
    void aProtocolWithoutLazyModeIpisTheKernelThreadsCpuForEveryMunmap() {
        String eager = linux().replace("proc enter_lazy_tlb(borrowed) { is_lazy = true }", "proc enter_lazy_tlb(borrowed) { }");
        assertThat(eager).isNotEqualTo(linux());
        SimResult[] r = new SimResult[1];
        RecordingTrace t = run(eager, UNMAP_AGAINST.replace("CPU1_TASKS", "task kthread body 2 kernel on 1"), 2, 2e-4, r);
        // The CPU stays in A's mask and not lazy: each munmap that finished sent it one IPI and it flushed the page.
        assertThat(r[0].ops()).isGreaterThan(10);
        assertThat(r[0].count(Event.IPI_SEND)).isBetween(r[0].ops(), r[0].ops() + 1);
        assertThat(events(t, 1, Event.IPI_ENTER)).isBetween(r[0].ops(), r[0].ops() + 1);
        assertThat(r[0].violations()).isEmpty();
    }

    @Test
    void leavingLazyModeFlushesWhenTheMmsGenerationMovedOn() {
        SimResult[] r = new SimResult[1];
        RecordingTrace t = run(linux(), UNMAP_AGAINST.replace("CPU1_TASKS", "task kthread body 2 kernel on 1\ntask user body 3 user A q on 1"), 2, 1e-3, r);
        // CPU 1 alternates: the kernel thread (lazy: enter_lazy_tlb) and the thread of A (switch_mm_irqs_off(A, A)).
        List<RecordingTrace.Slice> lazy = slices(t, 1, "enter_lazy_tlb(sim_prev)");
        List<RecordingTrace.Slice> back = slices(t, 1, "was_lazy = is_lazy");
        assertThat(lazy.size()).isGreaterThan(3);
        assertThat(back.size()).isBetween(lazy.size() - 1, lazy.size());
        // No CR3 load (same mm): each return found A's tlb_gen ahead (munmaps ran during the 50000-cycle lazy slice) and
        // flushed everything once, 1 + 96 cycles; while lazy CPU 1 took no IPI, while running A's thread one per munmap.
        assertThat(r[0].switches().mmSwitches()).isZero();
        List<RecordingTrace.Slice> flushes = slices(t, 1, "flush_tlb_all()");
        assertThat(flushes).hasSize(back.size());
        assertThat(flushes).allSatisfy(s -> assertThat(s.end() - s.start()).isEqualTo(1 + 96));
        for (RecordingTrace.Slice handler : slices(t, 1, "flush_tlb_func")) {
            boolean inLazySlice = lazy.stream().anyMatch(l -> {
                long nextBack = back.stream().mapToLong(RecordingTrace.Slice::start).filter(b -> b > l.start()).min().orElse(Long.MAX_VALUE);
                return handler.start() > l.end() && handler.start() < nextBack;
            });
            assertThat(inLazySlice).as("IPI at %d while lazy", handler.start()).isFalse();
        }
        assertThat(r[0].count(Event.IPI_SEND)).isPositive().isLessThan(r[0].ops());
        assertThat(r[0].violations()).isEmpty();
    }

    /**
     * Task w sleeps with CPU W_CPU as its previous one; the waker on CPU 0 computes 20000 cycles, wakes it and computes on;
     * a busy task keeps CPU 1 running; CPUs 2 and 3 have nothing to run and idle in long idle()s.
     */
    static final String WAKE = """
            task waker body 1 user A p on 0 wakes w
            task busy body 2 user A p on 1
            task w body 3 user A q on W_CPU asleep
            cpu 0.. runs A: {
              sim_yield = 1
              loop {
                sim_context_switch()
                if (sim_body == 0) {
                  idle(1000000)
                  sim_yield = 1
                } else if (sim_body == 1) {
                  compute(20000)
                  sim_wake = 1
                  compute(100000)
                  sim_block = 1
                } else if (sim_body == 2) {
                  compute(100000)
                  sim_yield = 1
                } else {
                  read(q)
                  compute(5000)
                  sim_block = 1
                }
              }
            }
            """;

    static final String ONE_MM = """
            hardware x86 { cpus 1 }
            mm A { page p -> frame f writable; page q -> frame g writable }
            """;

    static List<Integer> cpusThatRan(RecordingTrace t, String label) {
        return t.slices.stream().filter(s -> label.equals(s.label())).map(RecordingTrace.Slice::cpu).distinct().toList();
    }

    @Test
    void aWakeUpGoesToThePreviousCpuIfIdleElseToAnIdleCpuOfItsDieElseItWaitsOnThePreviousCpu() {
        SimResult[] r = new SimResult[1];
        // One die of four CPUs; w last ran on CPU 0, busy with the waker: CPU 1 is busy too, CPU 2 the first idle one from CPU 0.
        RecordingTrace die = run(ONE_MM, WAKE.replace("W_CPU", "0"), 4, 3e-4, sched(new Topology(1, 1, 4, 1)), r);
        assertThat(r[0].switches().wakeups()).isEqualTo(1);
        assertThat(cpusThatRan(die, "read(q)")).containsExactly(2);
        // w last ran on CPU 3, idle: it goes back there, though CPU 2 is idle too.
        RecordingTrace prev = run(ONE_MM, WAKE.replace("W_CPU", "3"), 4, 3e-4, sched(new Topology(1, 1, 4, 1)), r);
        assertThat(cpusThatRan(prev, "read(q)")).containsExactly(3);
        // Two dies of two CPUs: CPU 0's die has no idle CPU (CPU 1 is busy), and the idle CPUs 2 and 3 share no cache with it:
        // w waits in CPU 0's queue and runs when the waker blocks, 20000 + 100000 cycles of compute after its pick.
        RecordingTrace far = run(ONE_MM, WAKE.replace("W_CPU", "0"), 4, 3e-4, sched(new Topology(2, 1, 2, 1)), r);
        assertThat(cpusThatRan(far, "read(q)")).containsExactly(0);
        RecordingTrace.Slice block = slices(far, 0, "sim_block = 1").get(0);
        assertThat(slices(far, 0, "read(q)").get(0).start()).isGreaterThan(block.end());
        assertThat(slices(far, 2, "read(q)")).isEmpty();
        assertThat(slices(far, 3, "read(q)")).isEmpty();
    }

    @Test
    void aWakeUpCutsTheIdleCpusIdleAfterTheIpiLatency() {
        SimResult[] r = new SimResult[1];
        RecordingTrace t = run(ONE_MM, WAKE.replace("W_CPU", "0"), 4, 3e-4, sched(new Topology(1, 1, 4, 1)), r);
        // CPU 2 went idle at its first pick, for 1000000 cycles; the wake-up at the end of CPU 0's sim_wake step reaches it
        // 1000 cycles later (the reschedule IPI on one die), and its idle() ends there, not at the million.
        long woken = slices(t, 0, "sim_wake = 1").get(0).end();
        List<RecordingTrace.Slice> idle = slices(t, 2, "idle(1000000)");
        assertThat(idle).isNotEmpty();
        assertThat(idle.get(0).start()).isLessThan(woken);
        assertThat(idle.get(0).end()).isEqualTo(woken + 1000);
        // It then rings sim_yield, picks w and switches: w's read starts after the switch's 500 cycles of scheduler work.
        assertThat(slices(t, 2, "read(q)").get(0).start()).isGreaterThan(woken + 1000 + 500);
        // What was cut is not idle time: CPU 3, never woken, idles the whole run; CPU 2 idles until the cut and again after w blocks.
        List<RecordingTrace.Slice> idle3 = slices(t, 3, "idle(1000000)");
        assertThat(idle3).hasSize(1);
        assertThat(r[0].violations()).isEmpty();
    }
}
