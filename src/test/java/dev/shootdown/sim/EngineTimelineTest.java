package dev.shootdown.sim;

import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import dev.shootdown.model.Compiler;
import dev.shootdown.model.Event;
import dev.shootdown.model.Program;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Tiny timelines whose every cycle is summed by hand from the profile below. */
class EngineTimelineTest {
    /** Round numbers, so that each sum in the tests can be checked by eye. Two CPUs on two sockets. */
    static final Profile TEST = Profile.builder("test", "hand-checkable costs")
            .ghz(1.0)
            .topology(new Topology(2, 1, 1, 1))
            .step(1)
            .cost(Event.PTE_ATOMIC, 20)
            .cost(Event.IPI_SEND, 100)
            .cost(Event.INVLPG, 200)
            .cost(Event.IPI_ENTER, 300)
            .cost(Event.IRET, 400)
            .cost(Event.ACK, 1)
            .cost(Event.FRAME_FREE, 50)
            .cost(Event.TLBIE, 70)
            .cost(Event.TLBSYNC, 9)
            .lines(4, 10, 20, 30, 40)
            .ipiLatency(0, 1000, 1000, 1000, 2000)
            .broadcastLatency(0, 500, 500, 500, 600)
            .build();

    static Program compile(String text) {
        return Compiler.compile(Parser.parse(new SourceFile("timeline.sd", text)));
    }

    static final String MUNMAP = """
            hardware x86 { cpus 2 }
            mm A { page p -> frame f writable }
            irq flush_one(from) { flush_tlb_page(p); ack(from) }
            proc munmap(va) {
              old = ptep_get_and_clear(va)
              targets = cpumask(A) - self
              send_ipi(targets, flush_one)
              flush_tlb_page(va)
              wait until acked(targets)
              free_frame(old.pfn)
            }
            cpu 0 runs A: munmap(p)
            cpu 1 runs A: compute(100000)
            """;

    @Test
    void oneMunmapWithOneResponderCostsTheHandSumOfTheProfile() {
        Engine engine = new Engine(compile(MUNMAP), TEST, SimOptions.of(1e-3, 1));
        Engine.Run run = engine.run();
        SimResult r = engine.result(run, "t", "none", "", 1);

        // cpu0: ptep_get_and_clear 1+20+4 (own line) = 25; the read of mm_cpumask(A) 1 -> 26; send_ipi 1+100+4 (ack word) = 105
        // -> 131, IPI lands at 26+105+2000 = 2131; flush 1+200 -> 332; parked until the ack at 2674; wait 1 + 40 (ack word from
        // the other socket) -> 2715; free 1+50 -> 2766.
        assertThat(engine.clock(0)).isEqualTo(2766);
        // cpu1: compute 1+100000 until 100001, interrupted at 2131 (97870 left); entry 300 -> 2431; flush 1+200 -> 2632;
        // ack 1+1+40 (RFO of cpu0's ack word) = 42 -> 2674, iret 400 -> 3074; the rest of the compute -> 100944.
        assertThat(engine.clock(1)).isEqualTo(100944);
        // The shootdown runs from the send (26+1) to the ack (2674).
        assertThat(r.latencyCycles().getMaxValue()).isEqualTo(2647);
        assertThat(r.shootdowns()).isEqualTo(1);
        assertThat(r.count(Event.IPI_SEND)).isEqualTo(1);
        assertThat(r.count(Event.IPI_ENTER)).isEqualTo(1);
        assertThat(r.count(Event.IRET)).isEqualTo(1);
        // Handler time: entry 300 + flush 201 + ack and iret 442.
        assertThat(r.phaseCycles()[Phase.HANDLER]).isEqualTo(943);
        // Initiator: send 104 + flush 200 + parked 332..2674 + the completing wait 41.
        assertThat(r.phaseCycles()[Phase.SHOOTDOWN]).isEqualTo(104 + 200 + 2342 + 41);
        assertThat(r.violations()).isEmpty();
    }

    /** {@link #MUNMAP} with a shorter compute on cpu1, run for {@code seconds} with a recording trace. */
    static RecordingTrace traced(double seconds) {
        RecordingTrace trace = RecordingTrace.all();
        new Engine(compile(MUNMAP.replace("compute(100000)", "compute(10000)")), TEST, new SimOptions(seconds, 1, trace)).run();
        return trace;
    }

    static RecordingTrace.Slice slice(int cpu, long start, long end, int phase, String label) {
        return new RecordingTrace.Slice(cpu, start, end, phase, label);
    }

    @Test
    void anInterruptedComputeIsReportedCutAtTheHandlerAndItsRestAfterTheReturn() {
        RecordingTrace trace = traced(1e-3);

        // The sums of the test above: the IPI sent at 131 lands at 2131, in the middle of cpu1's compute.
        assertThat(trace.of(0)).containsExactly(
                slice(0, 0, 25, Phase.KERNEL, "old = ptep_get_and_clear(va)"),
                slice(0, 25, 26, Phase.KERNEL, "targets = cpumask(A) - self"),
                slice(0, 26, 131, Phase.SHOOTDOWN, "send_ipi(targets, flush_one)"),
                slice(0, 131, 332, Phase.SHOOTDOWN, "flush_tlb_page(va)"),
                slice(0, 332, 2674, Phase.SHOOTDOWN, "blocked"),
                slice(0, 2674, 2715, Phase.SHOOTDOWN, "wait until acked(targets)"),
                slice(0, 2715, 2766, Phase.KERNEL, "free_frame(old.pfn)"),
                slice(0, 2766, 1_000_000, Phase.IDLE, "blocked"));
        // cpu1: compute 1+10000 from 0, cut at 2131 with 7870 left; entry 300 -> 2431; flush 1+200 -> 2632; ack 42 and
        // iret 400 -> 3074; the rest of the compute, same label and phase, 3074+7870 -> 10944; then halted.
        assertThat(trace.of(1)).containsExactly(
                slice(1, 0, 2131, Phase.USER, "compute(10000)"),
                slice(1, 2131, 2431, Phase.HANDLER, "<IPI flush_one from cpu0>"),
                slice(1, 2431, 2632, Phase.HANDLER, "flush_tlb_page(p)"),
                slice(1, 2632, 3074, Phase.HANDLER, "ack(from)"),
                slice(1, 3074, 10944, Phase.USER, "compute(10000)"),
                slice(1, 10944, 1_000_000, Phase.IDLE, "blocked"));
    }

    @Test
    void theRunsEndCutsTheSlicesItFallsIn() {
        // The run ends at 3000 cycles, during cpu1's return from the handler (2632 to 3074): the rest of its compute is never reached.
        RecordingTrace trace = traced(3e-6);

        assertThat(trace.of(1)).endsWith(
                slice(1, 2431, 2632, Phase.HANDLER, "flush_tlb_page(p)"),
                slice(1, 2632, 3000, Phase.HANDLER, "ack(from)"));
        assertThat(trace.of(0)).endsWith(slice(0, 2766, 3000, Phase.IDLE, "blocked"));
    }

    @Test
    void broadcastInvalidationCostsTheIssuerOnlyAndCompletesAtTheSync() {
        Engine engine = new Engine(compile("""
                hardware x86 { cpus 2 }
                mm A { page p -> frame f writable }
                proc munmap(va) {
                  old = ptep_get_and_clear(va)
                  tlbie(va)
                  tlbsync()
                  free_frame(old.pfn)
                }
                cpu 0 runs A: { compute(10); munmap(p) }
                cpu 1 runs A: { read(p); compute(100000) }
                """), TEST, SimOptions.of(1e-3, 1));
        Engine.Run run = engine.run();
        SimResult r = engine.result(run, "t", "none", "", 1);
        // cpu1 at 0: read(p) misses (walk 0 + the PTE line, never written: 4): 1+4 -> 5; compute 1+100000 -> 100006, never interrupted.
        assertThat(engine.clock(1)).isEqualTo(100006);
        // cpu0: compute 1+10 -> 11; get_and_clear 1+20+4 -> 36; tlbie 1+70 -> 107, performed at cpu1 at 107+600 = 707;
        // tlbsync parks at 107 and wakes at 707: 1+9 -> 717; free 1+50 -> 768.
        assertThat(engine.clock(0)).isEqualTo(768);
        assertThat(r.latencyCycles().getMaxValue()).isEqualTo(707 - 37);
        assertThat(r.phaseCycles()[Phase.HANDLER]).isZero();
        assertThat(r.count(Event.BCAST_PERFORM)).isEqualTo(1);
        assertThat(r.missesCaused()).isZero();
    }
}
