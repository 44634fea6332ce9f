package dev.shootdown.model;

import dev.shootdown.check.Catalog;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole machine as the reader sees it, read off the typed layout. */
class StateViewTest {
    /** Every mechanism with state at once: TSO, IPIs, broadcast invalidation, walk caches, RCU, Xen queues, i-caches. */
    private static final String EVERYTHING = """
            hardware x86 { cpus 2; memory tso; store_buffer 2; speculative_walks; paging_cache x86; rcu_slots 1; xen_queue 2; icache incoherent }
            mm A { table t -> frame ft { page p -> frame f writable; page q -> frame g } }
            shared n = 0
            percpu seen = false, loaded: mm = A
            irq h(from, va: page) { seen = true; flush_tlb_page(va); ack(from) }
            cpu 0 runs A: { n = 1; targets = cpumask(A) - self; send_ipi(targets, h, q); tlbie(p); tlbsync(); wait until acked(targets); rcu_free(g) }
            cpu 1 runs A: { read(p); rcu_read_lock(); write(q); rcu_read_unlock(); xen_flush_queue() }
            check no_use_after_free
            """;

    private static List<Program> programs() {
        List<Program> programs = new ArrayList<>();
        programs.add(Compiler.compile(Parser.parse(new SourceFile("everything.sd", EVERYTHING))));
        for (Catalog.Entry e : Catalog.builtIn()) {
            programs.add(Compiler.compile(Parser.parse(e.source())));
        }
        return programs;
    }

    @Test
    @DisplayName("every bit of every word of a state is in exactly one item (catalog and a model with every mechanism)")
    void everyWordIsShown() {
        for (Program program : programs()) {
            Machine m = new Machine(program);
            int[] covered = new int[m.layout().size];
            for (StateView.Item it : m.view().items()) {
                for (int w : it.words()) {
                    assertThat(covered[w] & it.mask()).as("%s: %s in two items", program.source().name(), m.layout().word(w).name()).isZero();
                    covered[w] |= it.mask();
                }
            }
            for (int w = 0; w < covered.length; w++) {
                assertThat(covered[w]).as("%s: %s in no item", program.source().name(), m.layout().word(w).name()).isNotZero();
            }
        }
    }

    @Test
    @DisplayName("in states reached (2,000 per model), the parts have one path each and agree with the snapshot's PTEs, frames, variables, TLBs, store buffers and IPIs")
    void partsAgreeWithTheSnapshot() {
        for (Program program : programs()) {
            Machine m = new Machine(program);
            for (int[] s : reached(m, 2_000)) {
                Snapshot snap = m.snapshot(s);
                Map<String, Snapshot.Part> parts = snap.byPath();
                assertThat(parts).as("paths of %s are unique", program.source().name()).hasSameSizeAs(snap.parts());
                snap.ptes().forEach((page, pte) -> assertThat(parts.get("ptes." + page).value()).isEqualTo(pte));
                snap.frames().forEach((frame, st) -> assertThat(parts.get("frames." + frame).value()).isEqualTo(st));
                snap.shared().forEach((v, val) -> assertThat(parts.get("vars." + v).value()).isEqualTo(val));
                for (Snapshot.CpuView cpu : snap.cpus()) {
                    String at = "cpus[" + cpu.cpu() + "].";
                    assertThat(parts.get(at + "at").value()).isEqualTo(cpu.where());
                    assertThat(parts.get(at + "irq").value()).isEqualTo(cpu.interruptsOn() ? "on" : "off");
                    assertThat(parts.get(at + "store_buffer").items()).isEqualTo(cpu.storeBuffer());
                    assertThat(parts.get(at + "pending_ipis").items()).isEqualTo(cpu.pendingIpis());
                    cpu.vars().forEach((v, val) -> assertThat(parts.get(at + "vars." + v).value()).isEqualTo(val));
                    Set<String> tlb = new HashSet<>();
                    cpu.tlb().forEach((page, e) -> {
                        assertThat(parts.get(at + "tlb." + page).value()).isEqualTo(e);
                        tlb.add(at + "tlb." + page);
                    });
                    assertThat(parts.keySet()).filteredOn(p -> p.startsWith(at + "tlb.")).containsExactlyInAnyOrderElementsOf(tlb);
                    assertThat(parts).containsKeys(at + "cr3", at + "acks_awaited");
                }
            }
        }
    }

    @Test
    @DisplayName("seed 003's page-table race: the PMD, mm_cpumask and CR3 at the start; a speculative walk fills the paging-structure cache")
    void pageTableState() {
        Program program = Compiler.compile(Parser.parse(Catalog.builtIn().stream()
                .filter(e -> e.name().equals("003-lazy-2016-cpumask-clear")).findFirst().orElseThrow().source()));
        Machine m = new Machine(program);
        int[] s = m.initialState();
        Map<String, Snapshot.Part> parts = m.snapshot(s).byPath();
        assertThat(parts.get("pmds.t0").value()).isEqualTo("pt0 RW");
        assertThat(parts.get("mm_cpumask.A").value()).isEqualTo("{cpu0,cpu1}");
        assertThat(parts.get("cpus[1].cr3").value()).isEqualTo("A");
        assertThat(parts.get("cpus[1].vars.is_lazy").value()).isEqualTo("false");
        assertThat(parts).doesNotContainKey("cpus[1].pwc.t0");

        m.apply(s, Action.of(Action.SPECULATE, 1, 0), null);
        parts = m.snapshot(s).byPath();
        assertThat(parts.get("cpus[1].pwc.t0").value()).isEqualTo("pt0 RW");
        assertThat(parts.get("cpus[1].tlb.p").value()).startsWith("f RW");
    }

    @Test
    @DisplayName("locals show by name while live, a handler's locals while it runs, and what the CPU owes and awaits")
    void localsAndHandlers() {
        Program program = Compiler.compile(Parser.parse(new SourceFile("everything.sd", EVERYTHING)));
        Machine m = new Machine(program);
        int[] s = m.initialState();
        Map<String, Snapshot.Part> parts = m.snapshot(s).byPath();
        assertThat(parts).doesNotContainKey("cpus[0].locals.targets");
        m.apply(s, Action.of(Action.STEP, 0, 0), null); // n = 1, buffered
        m.apply(s, Action.of(Action.STEP, 0, 0), null); // targets = ...
        parts = m.snapshot(s).byPath();
        assertThat(parts.get("cpus[0].locals.targets").value()).isEqualTo("{cpu1}");
        assertThat(parts.get("cpus[0].store_buffer").items()).containsExactly("n = 1");
        m.apply(s, Action.of(Action.STEP, 0, 0), null); // send_ipi
        parts = m.snapshot(s).byPath();
        assertThat(parts.get("cpus[0].acks_awaited").value()).isEqualTo("{cpu1}");
        assertThat(parts.get("cpus[1].pending_ipis").items()).containsExactly("h from cpu0");
        m.apply(s, Action.of(Action.IPI, 1, 0), null);
        parts = m.snapshot(s).byPath();
        assertThat(parts.get("cpus[1].handler").value()).isEqualTo("h");
        assertThat(parts.get("cpus[1].handler_locals.from").value()).isEqualTo("cpu0");
        assertThat(parts.get("cpus[1].handler_locals.va").value()).isEqualTo("q");
        assertThat(parts.get("cpus[0].ipi_arg.h").value()).isEqualTo("q");
        assertThat(parts.get("cpus[1].vars.loaded").value()).isEqualTo("A");
        assertThat(parts.get("cpus[1].irq").value()).isEqualTo("off");
        assertThat(parts.get("cpus[1].irq_on_return").value()).isEqualTo("on");
        assertThat(parts.get("cpus[1].returns_to").value()).isEqualTo("read(p)");
        assertThat(parts.get("cpus[1].at").value()).startsWith("in h: ");
    }

    /** Up to {@code limit} states reached breadth first from the initial one. */
    static List<int[]> reached(Machine m, int limit) {
        Set<java.nio.IntBuffer> seen = new HashSet<>();
        List<int[]> todo = new ArrayList<>();
        int[] init = m.initialState();
        seen.add(java.nio.IntBuffer.wrap(init));
        todo.add(init);
        int[] actions = new int[m.maxActions()];
        for (int at = 0; at < todo.size() && todo.size() < limit; at++) {
            int[] s = todo.get(at);
            int n = m.enabled(s, actions);
            for (int k = 0; k < n; k++) {
                int[] next = s.clone();
                if (m.apply(next, actions[k], null) < 0 && seen.add(java.nio.IntBuffer.wrap(next))) {
                    todo.add(next);
                }
            }
        }
        return todo;
    }
}
