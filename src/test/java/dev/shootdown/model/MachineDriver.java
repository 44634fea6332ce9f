package dev.shootdown.model;

import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Drives {@link Machine} by hand for semantics tests: compile a small model, then take chosen
 * actions one at a time and look at TLBs, PTEs, frames and flags through the {@link Layout}.
 */
final class MachineDriver {
    final Program program;
    final Machine machine;
    final Layout layout;
    final int[] state;
    /** What the machine narrated for the last action. */
    final List<String> notes = new ArrayList<>();

    private MachineDriver(Program program) {
        this.program = program;
        // The whole hardware model, accessed bits included whether or not the model reads them.
        this.machine = Machine.unreduced(program);
        this.layout = machine.layout();
        this.state = machine.initialState();
    }

    static MachineDriver of(Program program) {
        return new MachineDriver(program);
    }

    static MachineDriver of(String source) {
        return new MachineDriver(compile(source));
    }

    static Program compile(String source) {
        return Compiler.compile(Parser.parse(new SourceFile("test.sd", source)));
    }

    // ---- actions

    List<Integer> enabled() {
        int[] out = new int[machine.maxActions()];
        int n = machine.enabled(state, out);
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(out[i]);
        }
        return list;
    }

    /** The enabled actions of one kind for one CPU. */
    List<Integer> enabled(int kind, int cpu) {
        return enabled().stream().filter(a -> Action.kind(a) == kind && Action.cpu(a) == cpu).toList();
    }

    boolean canStep(int cpu) {
        return !enabled(Action.STEP, cpu).isEmpty();
    }

    /** Applies {@code action}, which must be enabled; returns the violated verdict or null. */
    Verdict apply(int action) {
        assertThat(enabled()).as("enabled actions (%s) contain %s", describe(enabled()), describe(List.of(action))).contains(action);
        notes.clear();
        int v = machine.apply(state, action, notes::add);
        return v < 0 ? null : Verdict.values()[v];
    }

    /** One step of {@code cpu}'s code (no TLB victim). */
    Verdict step(int cpu) {
        return apply(Action.of(Action.STEP, cpu, 0));
    }

    /** {@code n} steps of {@code cpu}, none of which may violate a property. */
    void steps(int cpu, int n) {
        for (int i = 0; i < n; i++) {
            assertThat(step(cpu)).as("step %d of %d on cpu%d", i + 1, n, cpu).isNull();
        }
    }

    Verdict stepEvicting(int cpu, String victimPage) {
        return apply(Action.of(Action.STEP, cpu, page(victimPage) + 1));
    }

    /** Drops {@code cpu}'s TLB entry of the page (knob evictions), leaving its paging-structure cache as it is. */
    Verdict evict(int cpu, String page) {
        return apply(Action.of(Action.EVICT, cpu, page(page)));
    }

    Verdict takeIpi(int cpu, String handler, int from) {
        return apply(Action.of(Action.IPI, cpu, (handler(handler) << 8) | from));
    }

    /** Under TSO: the oldest entry of {@code cpu}'s store buffer becomes visible. */
    Verdict drain(int cpu) {
        return apply(Action.of(Action.DRAIN, cpu, 0));
    }

    boolean canDrain(int cpu) {
        return !enabled(Action.DRAIN, cpu).isEmpty();
    }

    /** RCU: {@code cpu} passes a quiescent state. */
    Verdict quiescent(int cpu) {
        return apply(Action.of(Action.RCU_QS, cpu, 0));
    }

    boolean canBeQuiescent(int cpu) {
        return !enabled(Action.RCU_QS, cpu).isEmpty();
    }

    /** With speculative_walks: {@code cpu}'s walker walks {@code page}. */
    Verdict speculate(int cpu, String page) {
        return apply(Action.of(Action.SPECULATE, cpu, page(page)));
    }

    /** The pages {@code cpu}'s walker may walk speculatively now. */
    List<String> speculable(int cpu) {
        return enabled(Action.SPECULATE, cpu).stream().map(a -> program.pageNames().get(Action.arg(a))).toList();
    }

    /** The violation note of the last action that violated a property. */
    String violationNote() {
        return machine.violationNote();
    }

    String notesText() {
        return String.join("; ", notes);
    }

    // ---- names

    int page(String name) {
        int p = program.pageNames().indexOf(name);
        if (p < 0) {
            fail("no page " + name);
        }
        return p;
    }

    int frame(String name) {
        int f = program.frameNames().indexOf(name);
        if (f < 0) {
            fail("no frame " + name);
        }
        return f;
    }

    int handler(String name) {
        for (int h = 0; h < program.handlers().size(); h++) {
            if (program.handlers().get(h).name().equals(name)) {
                return h;
            }
        }
        return fail("no handler " + name);
    }

    // ---- state

    int tlb(int cpu, String page) {
        return state[layout.cpu(cpu) + layout.tlb + page(page)];
    }

    /** With ASIDs: {@code cpu}'s entry for the page filled under ASID {@code asid} (0: none). */
    int tlb(int cpu, String page, int asid) {
        return state[layout.cpu(cpu) + layout.tlb + layout.tlbSlot(page(page), asid)];
    }

    /** With ASIDs: {@code cpu}'s current ASID. */
    int asid(int cpu) {
        return state[layout.cpu(cpu) + layout.asid];
    }

    /** With ASIDs: {@code cpu}'s paging-structure cache entry for the table's PMD under ASID {@code asid} (0: none). */
    int pwc(int cpu, String table, int asid) {
        return state[layout.cpu(cpu) + layout.pwc + layout.pwcSlot(table(table), asid)];
    }

    /** The address space's context word (set_mm_context_id). */
    int mmContext(String mm) {
        return state[layout.mmContextBase + mm(mm)];
    }

    int pte(String page) {
        return state[layout.pteBase + page(page)];
    }

    int table(String name) {
        int t = program.tableNames().indexOf(name);
        if (t < 0) {
            fail("no table " + name);
        }
        return t;
    }

    int mm(String name) {
        int m = program.mmNames().indexOf(name);
        if (m < 0) {
            fail("no mm " + name);
        }
        return m;
    }

    int frameState(String frame) {
        return state[layout.frameBase + frame(frame)];
    }

    boolean modified(String frame) {
        return (frameState(frame) & FrameState.MODIFIED) != 0;
    }

    boolean isFree(String frame) {
        return FrameState.isFree(frameState(frame));
    }

    /** The table's PMD in memory. */
    int pmd(String table) {
        return state[layout.pmdBase + table(table)];
    }

    /** {@code cpu}'s paging-structure cache entry for the table's PMD (0: none). */
    int pwc(int cpu, String table) {
        return state[layout.cpu(cpu) + layout.pwc + table(table)];
    }

    /** Entries in {@code cpu}'s store buffer. */
    int sbCount(int cpu) {
        return state[layout.cpu(cpu) + Layout.SB_COUNT];
    }

    /** {@code cpu}'s i-cache line of the frame: 0 none, 1 current, 2 stale. */
    int icache(int cpu, String frame) {
        return state[layout.cpu(cpu) + layout.icache + frame(frame)];
    }

    /** PTE updates waiting in {@code cpu}'s Xen PV queue. */
    int xenQueued(int cpu) {
        return state[layout.cpu(cpu) + layout.xenQueue];
    }

    /** The address space in {@code cpu}'s CR3, or null. */
    String cr3(int cpu) {
        int v = state[layout.cpu(cpu) + Layout.CR3];
        return v == 0 ? null : program.mmNames().get(v - 1);
    }

    /** The address space's mm_cpumask as CPU numbers. */
    List<Integer> cpumask(String mm) {
        int set = state[layout.mmMaskBase + mm(mm)];
        List<Integer> cpus = new ArrayList<>();
        for (int c = machine.sets().next(set, 0); c >= 0; c = machine.sets().next(set, c + 1)) {
            cpus.add(c);
        }
        return cpus;
    }

    int flags(int cpu) {
        return state[layout.cpu(cpu) + Layout.FLAGS];
    }

    boolean irqOn(int cpu) {
        return (flags(cpu) & Layout.IRQ_ON) != 0;
    }

    boolean inHandler(int cpu) {
        return (flags(cpu) & Layout.IN_HANDLER) != 0;
    }

    int pc(int cpu) {
        return state[layout.cpu(cpu) + Layout.PC];
    }

    int ackWait(int cpu) {
        return state[layout.cpu(cpu) + Layout.ACK_WAIT];
    }

    int pending(int cpu, String handler) {
        return state[layout.cpu(cpu) + Layout.PENDING + handler(handler)];
    }

    int shared(String name) {
        for (int v = 0; v < program.shared().size(); v++) {
            if (program.shared().get(v).name().equals(name)) {
                return state[v];
            }
        }
        return fail("no shared variable " + name);
    }

    /** {@code cpu}'s copy of a per-CPU variable, in memory. */
    int perCpu(String name, int cpu) {
        for (int v = 0; v < program.perCpu().size(); v++) {
            if (program.perCpu().get(v).name().equals(name)) {
                return state[layout.cpu(cpu) + layout.perCpu + v];
            }
        }
        return fail("no per-CPU variable " + name);
    }

    static String describe(List<Integer> actions) {
        return actions.stream().map(a -> {
            String kind = switch (Action.kind(a)) {
                case Action.STEP -> "step";
                case Action.IPI -> "ipi";
                case Action.EVICT -> "evict";
                case Action.BCAST -> "bcast";
                case Action.DRAIN -> "drain";
                case Action.RCU_QS -> "rcu_qs";
                case Action.SPECULATE -> "speculate";
                default -> "kind" + Action.kind(a);
            };
            return kind + "(cpu" + Action.cpu(a) + "," + Action.arg(a) + ")";
        }).collect(Collectors.joining(", ", "[", "]"));
    }

    @Override
    public String toString() {
        return Arrays.toString(state);
    }
}
