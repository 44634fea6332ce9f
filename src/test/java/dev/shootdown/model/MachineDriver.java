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
        this.machine = new Machine(program);
        this.layout = machine.layout();
        this.state = machine.initialState();
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

    Verdict stepEvicting(int cpu, String victimPage) {
        return apply(Action.of(Action.STEP, cpu, page(victimPage) + 1));
    }

    Verdict takeIpi(int cpu, String handler, int from) {
        return apply(Action.of(Action.IPI, cpu, (handler(handler) << 8) | from));
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

    int pte(String page) {
        return state[layout.pteBase + page(page)];
    }

    int frameState(String frame) {
        return state[layout.frameBase + frame(frame)];
    }

    boolean modified(String frame) {
        return (frameState(frame) & FrameState.MODIFIED) != 0;
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

    static String describe(List<Integer> actions) {
        return actions.stream().map(a -> {
            String kind = switch (Action.kind(a)) {
                case Action.STEP -> "step";
                case Action.IPI -> "ipi";
                case Action.EVICT -> "evict";
                default -> "bcast";
            };
            return kind + "(cpu" + Action.cpu(a) + "," + Action.arg(a) + ")";
        }).collect(Collectors.joining(", ", "[", "]"));
    }

    @Override
    public String toString() {
        return Arrays.toString(state);
    }
}
