package dev.shootdown.model;

import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Decl;
import dev.shootdown.lang.ModelFile;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * Compiles a parsed model into a {@link Program}, in passes, each a file:
 * <ol>
 *   <li>{@link NameResolver}: the declarations' global names and the memory they describe ({@link Declarations});</li>
 *   <li>{@link HardwareDecl}: the hardware's knobs over its profile ({@link Hardware});</li>
 *   <li>{@link CpuPlacement}: which program and address space each CPU has;</li>
 *   <li>{@link Lowering}: each body to a flat instruction array ({@link Code}), procedures inlined at each
 *       call ({@link BodyLowering}), expressions' names resolved and types checked on each inlined copy
 *       ({@link TypeChecker}); {@link Liveness} runs as each {@link Code} is built;</li>
 *   <li>{@link TlbTagCheck}: the TLB built-ins used fit how the TLB tags entries (ASIDs or not).</li>
 * </ol>
 * Errors a file can cause are {@link CompileError}s with a position: the first one found stops the compile.
 */
public final class Compiler {
    /** The largest machine a model may declare (the checker itself explores far fewer: see BfsExplorer). */
    public static final int MAX_CPUS = 4096;

    /*
     * Limits a file could otherwise pass, each far above what real models need (the catalog's and
     * the shipped protocols' largest: 3 nested calls, 41 instructions and 31 locals in one body, 2
     * handlers, 3 address spaces), so that no input makes the compiler or the engines crash or
     * answer wrongly.
     */
    /** Procedures are inlined: calls may nest this deep. */
    public static final int MAX_CALL_DEPTH = 32;
    /**
     * Statements and expression terms compiled in the whole model, each inlined copy of a
     * procedure's body counted again: bounds the compile's time and memory, also where copies of
     * empty bodies or of wide expressions add no instruction.
     */
    public static final int MAX_TERMS = 1_000_000;
    /** Instructions in the whole model once procedures are inlined. */
    public static final int MAX_INSTRUCTIONS = 65_536;
    /** Locals of one body (a CPU's program or a handler, with its inlined calls' parameters and results): with the instructions, bounds Liveness's tables. */
    public static final int MAX_LOCALS = 4_096;
    /** IRQ handlers: an IPI action packs the handler in 6 bits (Action). */
    public static final int MAX_HANDLERS = 64;
    /** Address spaces: a frame's owner is one byte, 0 free and 255 the kernel (FrameState). */
    public static final int MAX_MMS = 254;
    /** Pages and frames, each: a TLB victim or an evicted page is an 18-bit action argument. */
    public static final int MAX_PAGES = 65_536;
    public static final int MAX_FRAMES = 65_536;

    private Compiler() {}

    public static Program compile(ModelFile file) {
        return compile(file, Map.of());
    }

    /**
     * Compiles with some hardware knobs replaced, as a sweep does ({@code cpus=64}, {@code tlb_capacity=8},
     * {@code blind_set=true}); an override names a knob and its value as it would be written in the file.
     */
    public static Program compile(ModelFile file, Map<String, String> knobOverrides) {
        Declarations d = NameResolver.resolve(file);
        Symbols s = d.symbols();
        HardwareDecl hw = HardwareDecl.read(d.hardware(), d.cpus(), s.pages().size(), knobOverrides);
        int cpus = hw.hardware().cpus();
        CpuPlacement placement = CpuPlacement.place(d, cpus);
        Lowering lowering = new Lowering(s, cpus, PageTableTree.depth(d.memory().tableParent(), d.memory().pageTable()));
        Lowering.Bodies bodies = lowering.bodies(d.cpus(), placement);
        TlbTagCheck.check(hw.hardware(), bodies.handlers(), bodies.programs());
        TableLevelCheck.check(PageTableTree.of(d.memory().tableParent(), d.memory().pageTable()), List.copyOf(s.tables().keySet()),
                bodies.handlers(), bodies.programs());
        EnumSet<Verdict> properties = properties(d.checks(), Program.uses(bodies.handlers(), bodies.programs(), dev.shootdown.lang.Builtin.COPY_PAGE));
        List<Program.Invariant> invariants = lowering.invariants(d.invariants());
        Declarations.InitialMemory m = d.memory();
        return new Program(file.source(), d.meta(), hw.hardware(),
                List.copyOf(s.mms().keySet()), List.copyOf(s.pages().keySet()), m.pageMm(), m.pageTable(), m.pageVa(), m.initialPtes(),
                List.copyOf(s.tables().keySet()), m.tableMm(), m.tableFrame(), m.tableParent(), m.initialPmds(),
                List.copyOf(s.frames().keySet()), m.initialFrames(), m.initialSharers(), s.shared(), s.perCpu(),
                bodies.handlers(), bodies.programs(), placement.cpuMm(), properties, invariants, hw.cpusAt(), List.copyOf(s.cpuUses()),
                List.copyOf(s.accessedReads()), java.util.Collections.unmodifiableMap(file.params()),
                java.util.Collections.unmodifiableList(s.handlers().keySet().stream().map(h -> BodyLowering.argType(s.procs().get(h))).collect(
                        java.util.ArrayList<dev.shootdown.lang.Type>::new, java.util.ArrayList::add, java.util.ArrayList::addAll)));
    }

    /**
     * The properties to check: those the check lines name, or by default freed frames, lost writes and deadlock,
     * and in a model that copies frames ({@code copies}) stale copies.
     */
    private static EnumSet<Verdict> properties(List<Decl.Check> checks, boolean copies) {
        EnumSet<Verdict> props = EnumSet.of(Verdict.ASSERTION);
        if (checks.isEmpty()) {
            props.addAll(EnumSet.of(Verdict.USE_AFTER_FREE, Verdict.LOST_WRITE, Verdict.DEADLOCK));
            if (copies) {
                props.add(Verdict.STALE_COPY);
            }
            return props;
        }
        for (Decl.Check c : checks) {
            for (var t : c.properties()) {
                Verdict v = Verdict.byProperty(t.text());
                if (v == null || v == Verdict.ASSERTION) {
                    throw new CompileError(t.position(), "unknown property '" + t.text() + "': expected no_use_after_free, no_lost_write, no_write_after_protect, no_walk_of_freed_table, no_stale_icache, no_stale_copy or no_deadlock");
                }

                props.add(v);
            }
        }
        return props;
    }
}
