package dev.shootdown.model;

import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import dev.shootdown.lang.Type;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The typed state layout: every word of a state says what it holds and whose it is. */
class LayoutWordsTest {
    private static final String MODEL = """
            hardware x86 { cpus 3; memory tso; store_buffer 2; rcu_slots 1 }
            mm A { table t -> frame ft { page p -> frame f writable; page q -> frame g } }
            shared owner: cpu, seen: cpuset, n = 0
            percpu last: cpu
            irq h(from) { last = from; ack(from) }
            cpu 0 runs A: { me = self; k = 1; targets = cpumask(A) - me; send_ipi(targets, h); wait until acked(targets); rcu_free(f) }
            cpu 1.. runs A: { read(p); write(q) }
            check no_use_after_free
            """;

    @Test
    @DisplayName("every word of the state has a kind, an owner and a name of its own")
    void everyWordIsDescribed() {
        Program program = Compiler.compile(Parser.parse(new SourceFile("m.sd", MODEL)));
        Layout layout = new Layout(program);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < layout.size; i++) {
            StateWord w = layout.word(i);
            assertThat(names.add(w.name())).as("word %d: %s named once", i, w.name()).isTrue();
        }
        assertThat(names).hasSize(layout.size);
    }

    @Test
    @DisplayName("variables, CPU blocks and memory words say what they hold, and cpu-typed ones renumber")
    void wordsSayWhatTheyHold() {
        Program program = Compiler.compile(Parser.parse(new SourceFile("m.sd", MODEL)));
        Layout layout = new Layout(program);
        StateWord owner = layout.word(0);
        assertThat(owner.kind()).isEqualTo(StateWord.Kind.VARIABLE);
        assertThat(owner.type()).isEqualTo(Type.CPU);
        assertThat(owner.name()).isEqualTo("owner");
        assertThat(layout.word(1).type()).isEqualTo(Type.CPUSET);
        assertThat(layout.word(2).type()).isEqualTo(Type.INT);

        StateWord ackWait = layout.word(layout.cpu(2) + Layout.ACK_WAIT);
        assertThat(ackWait.kind()).isEqualTo(StateWord.Kind.ACK_WAIT);
        assertThat(ackWait.owner()).isEqualTo(StateWord.Owner.CPU);
        assertThat(ackWait.index()).isEqualTo(2);
        assertThat(ackWait.kind().holds()).isEqualTo(StateWord.Holds.CPU_SET);

        StateWord last = layout.word(layout.cpu(1) + layout.perCpu);
        assertThat(last.name()).isEqualTo("last[1]");
        assertThat(last.type()).isEqualTo(Type.CPU);

        assertThat(layout.word(layout.cpu(0) + layout.tlb).name()).isEqualTo("cpu0.tlb[p]");
        assertThat(layout.word(layout.cpu(0) + layout.storeBuffer).kind()).isEqualTo(StateWord.Kind.STORE_ADDRESS);
        assertThat(layout.word(layout.cpu(0) + layout.storeBuffer + 1).kind()).isEqualTo(StateWord.Kind.STORE_VALUE);
        assertThat(layout.word(layout.pteBase + 1).name()).isEqualTo("pte[q]");
        assertThat(layout.word(layout.pmdBase).kind()).isEqualTo(StateWord.Kind.PMD);
        assertThat(layout.word(layout.mmMaskBase).kind()).isEqualTo(StateWord.Kind.MM_CPUMASK);
        assertThat(layout.word(layout.rcuBase + 1).kind()).isEqualTo(StateWord.Kind.RCU_WAITING);
        assertThat(layout.word(layout.frameBase).kind()).isEqualTo(StateWord.Kind.FRAME_STATE);

        // cpu 0's locals: me (a cpu), k (an int), targets (a cpuset).
        Code prog = program.cpuPrograms().get(0);
        assertThat(prog.slotTypes()).startsWith(Type.CPU, Type.INT, Type.CPUSET);
        StateWord me = layout.word(layout.cpu(0) + layout.locals);
        assertThat(me.kind()).isEqualTo(StateWord.Kind.PROGRAM_LOCAL);
        assertThat(me.type()).isEqualTo(Type.CPU);
        // The handler's sender is a cpu.
        assertThat(layout.handlerSlotType(0, 0)).isEqualTo(Type.CPU);
        assertThat(layout.word(layout.cpu(1) + layout.handlerLocals).kind()).isEqualTo(StateWord.Kind.HANDLER_LOCAL);
    }

    @Test
    @DisplayName("in every state reached (up to 20,000 per catalog entry, and the model above), every word lies in its declared range")
    void rangesHold() {
        java.util.List<Program> programs = new java.util.ArrayList<>();
        programs.add(Compiler.compile(Parser.parse(new SourceFile("m.sd", MODEL))));
        for (dev.shootdown.check.Catalog.Entry e : dev.shootdown.check.Catalog.builtIn()) {
            programs.add(Compiler.compile(Parser.parse(e.source())));
        }
        int bounded = 0;
        for (Program program : programs) {
            Machine m = new Machine(program);
            Layout layout = m.layout();
            int[][] ranges = new int[layout.size][];
            for (int i = 0; i < layout.size; i++) {
                ranges[i] = layout.range(i);
                bounded += ranges[i][0] != Integer.MIN_VALUE || ranges[i][1] != Integer.MAX_VALUE ? 1 : 0;
            }
            java.util.Set<java.nio.IntBuffer> seen = new java.util.HashSet<>();
            java.util.List<int[]> todo = new java.util.ArrayList<>();
            int[] init = m.initialState();
            seen.add(java.nio.IntBuffer.wrap(init));
            todo.add(init);
            int[] actions = new int[m.maxActions()];
            for (int at = 0; at < todo.size() && at < 20_000; at++) {
                int[] s = todo.get(at);
                for (int i = 0; i < s.length; i++) {
                    assertThat(s[i]).as("%s: %s", program.source().name(), layout.word(i).name()).isBetween(ranges[i][0], ranges[i][1]);
                }
                int n = m.enabled(s, actions);
                for (int k = 0; k < n; k++) {
                    int[] next = s.clone();
                    if (m.apply(next, actions[k], null) < 0 && seen.add(java.nio.IntBuffer.wrap(next))) {
                        todo.add(next);
                    }
                }
            }
        }
        assertThat(bounded).as("most words have a bound").isGreaterThan(1000);
    }

    @Test
    @DisplayName("the compiler notes where a model tells CPUs apart")
    void cpuUses() {
        Program program = Compiler.compile(Parser.parse(new SourceFile("m.sd", MODEL)));
        // The two cpu variables start at CPU 0 (no initial value): they name CPU 0 and nothing else.
        assertThat(program.cpuUses()).extracting(CpuUse::named).containsOnly(1L);
        assertThat(program.cpuUses()).noneMatch(CpuUse::anyCpu);
        Program ordered = Compiler.compile(Parser.parse(new SourceFile("m.sd", MODEL.replace("k = 1", "k = self * 2"))));
        assertThat(ordered.cpuUses()).anySatisfy(u -> {
            assertThat(u.anyCpu()).isTrue();
            assertThat(u.what()).contains("'*'");
            assertThat(u.at().line()).isEqualTo(6);
        });
    }
}
