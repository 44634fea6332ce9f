package dev.shootdown.model;

import dev.shootdown.lang.Builtin;
import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Decl;
import dev.shootdown.lang.Expr;
import dev.shootdown.lang.ModelFile;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.Position;
import dev.shootdown.lang.Printer;
import dev.shootdown.lang.Stmt;
import dev.shootdown.lang.Token;
import dev.shootdown.lang.Type;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Resolves names, checks types and compiles a parsed model into a {@link Program}. Procedures are
 * inlined at each call (no recursion), so a CPU's program is one flat instruction array and the
 * only control stack is the one interrupted context an IRQ handler returns to.
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

    private final ModelFile file;
    private final Map<String, Position> globalNames = new HashMap<>();
    private final Map<String, Integer> mms = new LinkedHashMap<>();
    private final Map<String, Integer> pages = new LinkedHashMap<>();
    private final Map<String, Integer> frames = new LinkedHashMap<>();
    private final Map<String, Integer> tables = new LinkedHashMap<>();
    private final List<Integer> tableMm = new ArrayList<>();
    private final List<Integer> tableFrame = new ArrayList<>();
    private final List<Integer> initialPmds = new ArrayList<>();
    private final List<Integer> pageTable = new ArrayList<>();
    private final List<Integer> pageMm = new ArrayList<>();
    private final List<Integer> initialPtes = new ArrayList<>();
    private final List<Integer> initialFrames = new ArrayList<>();
    private final Map<String, Integer> sharedIndex = new LinkedHashMap<>();
    private final Map<String, Integer> perCpuIndex = new LinkedHashMap<>();
    private final List<Program.Var> shared = new ArrayList<>();
    private final List<Program.Var> perCpu = new ArrayList<>();
    private final Map<String, Decl.Proc> procs = new LinkedHashMap<>();
    /** Initial values of CPU-set variables, checked against the CPU count once the hardware is read. */
    private final Map<Position, Integer> constantSets = new LinkedHashMap<>();
    private final Map<String, Integer> handlerIndex = new LinkedHashMap<>();
    private int cpus;
    /** Where the CPU count comes from: the cpus knob's value, or the cpu line that names the highest CPU. */
    private Position cpusAt;
    private int terms;
    private int instructions;

    private final Map<String, String> knobOverrides;

    private Compiler(ModelFile file, Map<String, String> knobOverrides) {
        this.file = file;
        this.knobOverrides = knobOverrides;
    }

    public static Program compile(ModelFile file) {
        return new Compiler(file, Map.of()).run();
    }

    /**
     * Compiles with some hardware knobs replaced, as a sweep does ({@code cpus=64}, {@code tlb_capacity=8},
     * {@code blind_set=true}); an override names a knob and its value as it would be written in the file.
     */
    public static Program compile(ModelFile file, Map<String, String> knobOverrides) {
        return new Compiler(file, knobOverrides).run();
    }

    private Program run() {
        String title = null;
        String seed = null;
        Verdict expected = null;
        String explanation = null;
        Decl.Hardware hw = null;
        List<Decl.Cpu> cpuDecls = new ArrayList<>();
        List<Decl.Check> checks = new ArrayList<>();
        List<Decl.Invariant> invariantDecls = new ArrayList<>();

        for (Decl d : file.decls()) {
            if (d instanceof Decl.Meta m) {
                switch (m.key()) {
                    case "title" -> title = m.value();
                    case "seed" -> seed = m.value();
                    case "explain" -> explanation = m.value();
                    case "expect" -> {
                        expected = Verdict.byWord(m.value());
                        if (expected == null) {
                            throw new CompileError(m.pos(), "unknown verdict '" + m.value() + "': expected one of "
                                    + Arrays.stream(Verdict.values()).map(Verdict::word).collect(Collectors.joining(", ")));
                        }
                    }
                    default -> throw new IllegalStateException(m.key());
                }
            } else if (d instanceof Decl.Hardware h) {
                if (hw != null) {
                    throw new CompileError(h.pos(), "a second 'hardware' declaration (the first is at " + hw.pos() + ")");
                }
                hw = h;
            } else if (d instanceof Decl.Mm m) {
                declareMm(m);
            } else if (d instanceof Decl.Frames f) {
                for (var t : f.names()) {
                    declare(t.text(), t.position());
                    countFrame(t.position());
                    frames.put(t.text(), frames.size());
                    initialFrames.add(FrameState.FREE);
                }
            } else if (d instanceof Decl.Var v) {
                declareVar(v);
            } else if (d instanceof Decl.Proc p) {
                declare(p.name(), p.pos());
                if (Builtin.byWord(p.name()) != null) {
                    throw new CompileError(p.pos(), "'" + p.name() + "' is a built-in; choose another name");
                }
                if (p.irq()) {
                    if (p.params().size() > 1) {
                        throw new CompileError(p.pos(), "an IRQ handler takes at most one parameter: the sending CPU");
                    }
                    if (handlerIndex.size() == MAX_HANDLERS) {
                        throw new CompileError(p.pos(), "too many IRQ handlers: a model has at most " + MAX_HANDLERS);
                    }
                    handlerIndex.put(p.name(), handlerIndex.size());
                }
                procs.put(p.name(), p);
            } else if (d instanceof Decl.Cpu c) {
                cpuDecls.add(c);
            } else if (d instanceof Decl.Check c) {
                checks.add(c);
            } else if (d instanceof Decl.Invariant i) {
                invariantDecls.add(i);
            }
        }
        if (hw == null) {
            throw new CompileError(file.source().position(0), "expected a 'hardware x86 { cpus N }' declaration");
        }
        Hardware hardware = hardware(hw, cpuDecls);
        cpus = hardware.cpus();
        // Constant CPU sets were read before the CPU count was known.
        for (Map.Entry<Position, Integer> e : constantSets.entrySet()) {
            int mask = e.getValue();
            if (cpus < 32 && (mask >>> cpus) != 0) {
                throw new CompileError(e.getKey(), "CPU " + (31 - Integer.numberOfLeadingZeros(mask)) + " does not exist: the hardware has " + cpus + " CPUs");
            }
        }

        int[] cpuMm = new int[cpus];
        Arrays.fill(cpuMm, -1);
        Decl.Cpu[] programOf = new Decl.Cpu[cpus];
        for (Decl.Cpu c : cpuDecls) {
            Integer mm = mms.get(c.mm());
            if (mm == null) {
                throw new CompileError(c.mmPos(), "unknown address space '" + c.mm() + "'" + known("address spaces", mms.keySet()));
            }
            for (Decl.CpuRange r : c.cpus()) {
                int hi = r.to() < 0 ? cpus - 1 : r.to();
                if (Math.max(r.from(), hi) >= cpus) {
                    throw new CompileError(r.pos(), "CPU " + Math.max(r.from(), hi) + " does not exist: the hardware has " + cpus + " CPUs (0.." + (cpus - 1) + ")");
                }
                for (int n = r.from(); n <= hi; n++) {
                    if (programOf[n] != null) {
                        throw new CompileError(r.pos(), "CPU " + n + " already has a program (at " + programOf[n].pos() + ")");
                    }
                    programOf[n] = c;
                    cpuMm[n] = mm;
                }
            }
        }

        if (cpuDecls.isEmpty()) {
            throw new CompileError(hw.pos(), "no CPU runs anything: give a CPU a program, as in 'cpu 0 runs "
                    + (mms.isEmpty() ? "A" : mms.keySet().iterator().next()) + ": ...'");
        }

        List<Code> handlers = new ArrayList<>();
        for (String h : handlerIndex.keySet()) {
            handlers.add(new BodyCompiler(h, null, -1).handler(procs.get(h)));
        }
        // CPUs declared together share one compiled body: `self` is read at run time.
        List<Code> programs = new ArrayList<>();
        // By identity: a record's hash walks its whole body, once per CPU of a line such as 'cpu 0.. runs A'.
        Map<Decl.Cpu, Code> compiled = new java.util.IdentityHashMap<>();
        Code idle = null;
        for (int c = 0; c < cpus; c++) {
            Decl.Cpu decl = programOf[c];
            if (decl == null) {
                if (idle == null) {
                    idle = new BodyCompiler("idle", null, -1).program();
                }
                programs.add(idle);
            } else {
                int cpu = c;
                programs.add(compiled.computeIfAbsent(decl, d -> new BodyCompiler(cpuName(d, cpu), d, cpuMm[cpu]).program()));
            }
        }
        // A file whose programs do nothing (all empty, or calls of empty procedures) would be checked "safe" in one state.
        if (programs.stream().allMatch(code -> code.insns().length == 1)) {
            throw new CompileError(cpuDecls.get(0).pos(), "no CPU runs anything: every 'cpu ... runs' program is empty, even with its procedures inlined");
        }

        EnumSet<Verdict> properties = properties(checks);
        List<Program.Invariant> invariants = new ArrayList<>();
        for (Decl.Invariant i : invariantDecls) {
            BodyCompiler bc = new BodyCompiler("invariant", null, -1);
            bc.global = true;
            Typed t = bc.expr(i.cond());
            bc.require(t, Type.BOOL, i.cond().pos(), "an invariant");
            invariants.add(new Program.Invariant(Printer.expr(i.cond()), t.ir()));
        }
        Verdict exp = expected;
        return new Program(file.source(), new Program.Meta(title, seed, exp, explanation), hardware,
                List.copyOf(mms.keySet()), List.copyOf(pages.keySet()), ints(pageMm), ints(pageTable), ints(initialPtes),
                List.copyOf(tables.keySet()), ints(tableMm), ints(tableFrame), ints(initialPmds),
                List.copyOf(frames.keySet()), ints(initialFrames), List.copyOf(shared), List.copyOf(perCpu),
                handlers, programs, cpuMm, properties, invariants, cpusAt);
    }

    private static String cpuName(Decl.Cpu d, int first) {
        StringBuilder b = new StringBuilder("cpu");
        for (Decl.CpuRange r : d.cpus()) {
            b.append(b.length() > 3 ? "," : "").append(r.from());
            if (r.to() != r.from()) {
                b.append("..").append(r.to() < 0 ? "" : Integer.toString(r.to()));
            }
        }
        return b.toString();
    }

    private static int[] ints(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    private void declare(String name, Position pos) {
        Position prev = globalNames.putIfAbsent(name, pos);
        if (prev != null) {
            throw new CompileError(pos, "'" + name + "' is already declared at " + prev);
        }
        if (name.equals("self") || name.equals("all_cpus") || name.equals("nr_cpus")) {
            throw new CompileError(pos, "'" + name + "' is a built-in name");
        }
    }

    private static String known(String what, java.util.Collection<String> names) {
        return names.isEmpty() ? " (none declared)" : " (declared " + what + ": " + String.join(", ", names) + ")";
    }

    private Hardware hardware(Decl.Hardware hw, List<Decl.Cpu> cpuDecls) {
        if (!Profiles.exists(hw.profile())) {
            throw new CompileError(hw.pos(), "unknown hardware profile '" + hw.profile() + "': expected " + String.join(", ", Profiles.names()));
        }
        int nCpus = -1;
        int capacity = -1;
        boolean blindSet = false;
        boolean evictions = false;
        Hardware.MemoryModel memory = Hardware.MemoryModel.SC;
        int storeBuffer = 2;
        boolean ipiLatched = false;
        boolean speculative = false;
        boolean pcid = false;
        Hardware.PagingCache pagingCache = Hardware.PagingCache.OFF;
        int rcuSlots = 2;
        boolean softwareDirty = false;
        boolean icacheIncoherent = false;
        int xenQueue = 0;
        boolean xapic = false;
        List<Decl.Knob> knobs = new ArrayList<>();
        for (Map.Entry<String, String> preset : Profiles.knobs(hw.profile()).entrySet()) {
            if (hw.knobs().stream().noneMatch(k -> k.name().equals(preset.getKey())) && !preset.getValue().equals("false")) {
                String v = preset.getValue();
                knobs.add(new Decl.Knob(hw.pos(), preset.getKey(), v.equals("true") ? null
                        : new Token(v.chars().allMatch(Character::isDigit) ? dev.shootdown.lang.TokenKind.INT : dev.shootdown.lang.TokenKind.IDENT, v, hw.pos())));
            }
        }
        knobs.addAll(hw.knobs());
        for (Map.Entry<String, String> o : knobOverrides.entrySet()) {
            knobs.removeIf(k -> k.name().equals(o.getKey()));
            String v = o.getValue();
            if (v.equals("false") && !Profiles.knobs(hw.profile()).containsKey(o.getKey())) {
                continue;
            }
            dev.shootdown.lang.TokenKind kind = v.chars().allMatch(Character::isDigit) ? dev.shootdown.lang.TokenKind.INT : dev.shootdown.lang.TokenKind.IDENT;
            Token value = v.equals("true") ? null : v.equals("false") ? new Token(dev.shootdown.lang.TokenKind.IDENT, "off", hw.pos()) : new Token(kind, v, hw.pos());
            knobs.add(new Decl.Knob(hw.pos(), o.getKey(), value));
        }
        for (Decl.Knob k : knobs) {
            switch (k.name()) {
                case "cpus" -> {
                    nCpus = intKnob(k, 1, MAX_CPUS);
                    cpusAt = k.value().position();
                }
                case "tlb_capacity" -> capacity = intKnob(k, 1, 64);
                case "blind_set" -> blindSet = flagKnob(k);
                case "evictions" -> evictions = flagKnob(k);
                case "memory" -> {
                    if (k.value() == null || !k.value().text().equals("sc") && !k.value().text().equals("tso")) {
                        throw new CompileError(k.value() == null ? k.pos() : k.value().position(), "expected 'memory sc' or 'memory tso'");
                    }
                    memory = k.value().text().equals("tso") ? Hardware.MemoryModel.TSO : Hardware.MemoryModel.SC;
                }
                case "store_buffer" -> storeBuffer = intKnob(k, 1, 8);
                case "ipi_latched" -> ipiLatched = flagKnob(k);
                case "speculative_walks" -> speculative = flagKnob(k);
                case "pcid" -> pcid = flagKnob(k);
                case "rcu_slots" -> rcuSlots = intKnob(k, 1, 8);
                case "software_dirty" -> softwareDirty = flagKnob(k);
                case "xen_queue" -> xenQueue = intKnob(k, 1, 8);
                case "apic" -> {
                    String v = k.value() == null ? "" : k.value().text();
                    if (!v.equals("xapic") && !v.equals("x2apic")) {
                        throw new CompileError(k.value() == null ? k.pos() : k.value().position(), "expected 'apic xapic' or 'apic x2apic'");
                    }
                    xapic = v.equals("xapic");
                }
                case "icache" -> {
                    String v = k.value() == null ? "" : k.value().text();
                    if (!v.equals("coherent") && !v.equals("incoherent")) {
                        throw new CompileError(k.value() == null ? k.pos() : k.value().position(), "expected 'icache coherent' or 'icache incoherent'");
                    }
                    icacheIncoherent = v.equals("incoherent");
                }
                case "paging_cache" -> {
                    String v = k.value() == null ? "" : k.value().text();
                    pagingCache = switch (v) {
                        case "off" -> Hardware.PagingCache.OFF;
                        case "x86" -> Hardware.PagingCache.X86;
                        case "lpae" -> Hardware.PagingCache.LPAE;
                        default -> throw new CompileError(k.value() == null ? k.pos() : k.value().position(), "expected 'paging_cache off', 'paging_cache x86' or 'paging_cache lpae'");
                    };
                }
                default -> throw new CompileError(k.pos(), "unknown knob '" + k.name() + "': expected cpus, tlb_capacity, blind_set, software_dirty, evictions, memory, store_buffer, ipi_latched, speculative_walks, pcid, paging_cache, rcu_slots, icache, xen_queue or apic");
            }
        }
        if (nCpus < 0) {
            int max = 0;
            cpusAt = hw.pos();
            for (Decl.Cpu c : cpuDecls) {
                for (Decl.CpuRange r : c.cpus()) {
                    if (Math.max(r.from(), r.to()) + 1 > max) {
                        max = Math.max(r.from(), r.to()) + 1;
                        cpusAt = r.pos();
                    }
                }
            }
            nCpus = Math.max(1, max);
        }
        if (capacity < 0) {
            capacity = Math.max(1, pages.size());
        }
        return new Hardware(hw.profile(), nCpus, capacity, blindSet, evictions, memory, memory == Hardware.MemoryModel.TSO ? storeBuffer : 0, ipiLatched,
                speculative, pcid, pagingCache, rcuSlots, softwareDirty, icacheIncoherent, xenQueue, xapic);
    }

    private static int intKnob(Decl.Knob k, int min, int max) {
        if (k.value() == null || k.value().kind() != dev.shootdown.lang.TokenKind.INT) {
            throw new CompileError(k.pos(), "expected a number after '" + k.name() + "'");
        }
        int v;
        try {
            v = Integer.parseInt(k.value().text());
        } catch (NumberFormatException e) {
            v = Integer.MAX_VALUE;
        }
        if (v < min || v > max) {
            throw new CompileError(k.value().position(), "'" + k.name() + "' must be between " + min + " and " + max);
        }
        return v;
    }

    /** A flag knob: on when written alone or with {@code on}/{@code true}, off with {@code off}/{@code false} (to clear a profile's preset). */
    private static boolean flagKnob(Decl.Knob k) {
        if (k.value() == null) {
            return true;
        }
        switch (k.value().text()) {
            case "on", "true" -> {
                return true;
            }
            case "off", "false" -> {
                return false;
            }
            default -> throw new CompileError(k.value().position(), "'" + k.name() + "' is a flag: write it alone, or with on or off");
        }
    }

    private void declareMm(Decl.Mm m) {
        declare(m.name(), m.pos());
        if (mms.size() == MAX_MMS) {
            throw new CompileError(m.pos(), "too many address spaces: a model has at most " + MAX_MMS);
        }
        int mm = mms.size();
        mms.put(m.name(), mm);
        for (Decl.Table t : m.tables()) {
            declare(t.name(), t.pos());
            boolean unhooked = false;
            for (var f : t.flags()) {
                if (!f.text().equals("unhooked")) {
                    throw new CompileError(f.position(), "unknown table flag '" + f.text() + "': expected unhooked");
                }
                unhooked = true;
            }
            if (frames.containsKey(t.frame())) {
                throw new CompileError(t.pos(), "frame '" + t.frame() + "' is already used; a page table needs a frame of its own");
            }
            declare(t.frame(), t.pos());
            countFrame(t.pos());
            int frame = frames.size();
            frames.put(t.frame(), frame);
            initialFrames.add(FrameState.owned(mm, false));
            tables.put(t.name(), tables.size());
            tableMm.add(mm);
            tableFrame.add(frame);
            initialPmds.add(unhooked ? 0 : Pte.make(frame, true));
        }
        for (Decl.Page p : m.pages()) {
            declare(p.name(), p.pos());
            boolean writable = false;
            boolean dirty = false;
            boolean accessed = false;
            boolean saved = false;
            boolean unmapped = false;
            for (var f : p.flags()) {
                switch (f.text()) {
                    case "writable" -> writable = true;
                    case "readonly" -> writable = false;
                    case "dirty" -> dirty = true;
                    case "accessed" -> accessed = true;
                    case "saved" -> saved = true;
                    case "unmapped" -> unmapped = true;
                    default -> throw new CompileError(f.position(), "unknown page flag '" + f.text() + "': expected writable, readonly, dirty, accessed, saved or unmapped");
                }
            }
            if (pages.size() == MAX_PAGES) {
                throw new CompileError(p.pos(), "too many pages: a model has at most " + MAX_PAGES);
            }
            Integer frame = frames.get(p.frame());
            if (frame == null) {
                declare(p.frame(), p.pos());
                countFrame(p.pos());
                frame = frames.size();
                frames.put(p.frame(), frame);
                initialFrames.add(FrameState.owned(mm, saved));
            } else if (FrameState.isFree(initialFrames.get(frame))) {
                throw new CompileError(p.pos(), "frame '" + p.frame() + "' is declared free by 'frames'; a mapped frame is declared by its page alone");
            } else if (FrameState.owner(initialFrames.get(frame)) != FrameState.mmOwner(mm)) {
                throw new CompileError(p.pos(), "frame '" + p.frame() + "' is already mapped in another address space");
            }
            pages.put(p.name(), pages.size());
            pageMm.add(mm);
            pageTable.add(p.table() == null ? -1 : tables.get(p.table()));
            int pte = unmapped ? 0 : Pte.make(frame, writable) | (dirty ? Pte.DIRTY : 0) | (accessed ? Pte.ACCESSED : 0);
            initialPtes.add(pte);
        }
    }

    private void countFrame(Position at) {
        if (frames.size() == MAX_FRAMES) {
            throw new CompileError(at, "too many frames: a model has at most " + MAX_FRAMES);
        }
    }

    private void declareVar(Decl.Var v) {
        declare(v.name(), v.pos());
        Type type = null;
        if (v.type() != null) {
            type = Type.byWord(v.type());
            if (type == null || type == Type.MM) {
                throw new CompileError(v.pos(), "unknown type '" + v.type() + "': expected int, bool, cpuset, pte, frame or page");
            }
        }
        int initial = 0;
        if (v.init() != null) {
            Typed t = constant(v.init());
            if (type != null && t.type() != type) {
                throw new CompileError(v.init().pos(), "expected " + type.withArticle() + " initial value, found " + t.type().withArticle());
            }
            type = t.type();
            initial = ((IrExpr.Const) t.ir()).value();
            if (type == Type.CPUSET) {
                constantSets.put(v.init().pos(), initial);
            }
        }
        Program.Var var = new Program.Var(v.name(), type, initial);
        if (v.perCpu()) {
            perCpuIndex.put(v.name(), perCpu.size());
            perCpu.add(var);
        } else {
            sharedIndex.put(v.name(), shared.size());
            shared.add(var);
        }
    }

    /** Initial values are constants: numbers, booleans, CPU sets of numbers, frame and page names. */
    private Typed constant(Expr e) {
        if (e instanceof Expr.IntLit i) {
            return new Typed(new IrExpr.Const(i.value()), Type.INT);
        } else if (e instanceof Expr.BoolLit b) {
            return new Typed(new IrExpr.Const(b.value() ? 1 : 0), Type.BOOL);
        } else if (e instanceof Expr.Unary u && u.op().equals("-") && u.operand() instanceof Expr.IntLit i) {
            return new Typed(new IrExpr.Const(-i.value()), Type.INT);
        } else if (e instanceof Expr.SetLit s) {
            int mask = 0;
            for (Expr el : s.elements()) {
                if (!(el instanceof Expr.IntLit i) || i.value() < 0 || i.value() >= 32) {
                    throw new CompileError(el.pos(), "expected a CPU number in a constant set");
                }
                mask |= 1 << i.value();
            }
            return new Typed(new IrExpr.Const(mask), Type.CPUSET);
        } else if (e instanceof Expr.Name n && frames.containsKey(n.name())) {
            return new Typed(new IrExpr.Const(frames.get(n.name())), Type.FRAME);
        } else if (e instanceof Expr.Name n && pages.containsKey(n.name())) {
            return new Typed(new IrExpr.Const(pages.get(n.name())), Type.PAGE);
        } else if (e instanceof Expr.Name n && tables.containsKey(n.name())) {
            return new Typed(new IrExpr.Const(tables.get(n.name())), Type.TABLE);
        }
        throw new CompileError(e.pos(), "expected a constant initial value (a number, true/false, a set of CPU numbers, a frame or page name)");
    }

    private EnumSet<Verdict> properties(List<Decl.Check> checks) {
        EnumSet<Verdict> props = EnumSet.of(Verdict.ASSERTION);
        if (checks.isEmpty()) {
            props.addAll(EnumSet.of(Verdict.USE_AFTER_FREE, Verdict.LOST_WRITE, Verdict.DEADLOCK));
            return props;
        }
        for (Decl.Check c : checks) {
            for (var t : c.properties()) {
                Verdict v = Verdict.byProperty(t.text());
                if (v == null || v == Verdict.ASSERTION) {
                    throw new CompileError(t.position(), "unknown property '" + t.text() + "': expected no_use_after_free, no_lost_write, no_write_after_protect, no_walk_of_freed_table, no_stale_icache or no_deadlock");
                }

                props.add(v);
            }
        }
        return props;
    }

    /** A compiled expression and its type. */
    record Typed(IrExpr ir, Type type) {}

    /** A variable of a body's frame. */
    private record LocalVar(int slot, Type type) {}

    /** An inlined procedure being compiled: where its returns go. */
    private static final class Inline {
        final String name;
        final Position call;
        final int resultSlot;
        Type resultType;
        final List<Integer> returnJumps = new ArrayList<>();

        Inline(String name, Position call, int resultSlot) {
            this.name = name;
            this.call = call;
            this.resultSlot = resultSlot;
        }
    }

    /** Compiles one body (a CPU's program with its inlined procedures, or an IRQ handler). */
    private final class BodyCompiler {
        private final String name;
        private final Decl.Cpu cpuDecl;
        private final int mm;
        private final List<Insn> insns = new ArrayList<>();
        private final List<String> labels = new ArrayList<>();
        private final List<Position> positions = new ArrayList<>();
        private final List<Boolean> background = new ArrayList<>();
        private final List<Map<String, LocalVar>> scopes = new ArrayList<>();
        private final List<Inline> inlineStack = new ArrayList<>();
        private final List<Integer> bodyReturns = new ArrayList<>();
        private int frameSize;
        private boolean inBackground;
        private boolean inAtomic;
        private boolean handler;
        boolean global;
        private String label = "";
        private Position pos;
        /** Statements open around the one being compiled, through inlined calls. */
        private int nesting;

        BodyCompiler(String name, Decl.Cpu cpuDecl, int mm) {
            this.name = name;
            this.cpuDecl = cpuDecl;
            this.mm = mm;
            scopes.add(new HashMap<>());
        }

        Code handler(Decl.Proc p) {
            handler = true;
            pos = p.pos();
            if (!p.params().isEmpty()) {
                Decl.Param from = p.params().get(0);
                if (from.type() != null && !from.type().equals("int")) {
                    throw new CompileError(from.pos(), "an IRQ handler's parameter is the sending CPU, an int");
                }
                newLocal(from.name(), Type.INT, from.pos());
            } else {
                frameSize = 1;
            }
            stmt(p.body());
            int end = insns.size();
            for (int j : bodyReturns) {
                insns.set(j, new Insn.Jump(end));
            }
            label = "return from interrupt";
            emit(new Insn.Iret());
            return finish();
        }

        Code program() {
            if (cpuDecl != null) {
                pos = cpuDecl.pos();
                Stmt body = cpuDecl.body();
                List<Stmt> top = body instanceof Stmt.Block b ? b.body() : List.of(body);
                for (Stmt s : top) {
                    if (s instanceof Stmt.Loop) {
                        inBackground = true;
                        stmt(s);
                        inBackground = false;
                    } else {
                        stmt(s);
                    }
                }
            }
            int end = insns.size();
            for (int j : bodyReturns) {
                insns.set(j, new Insn.Jump(end));
            }
            label = "done";
            emit(new Insn.Halt());
            return finish();
        }

        private Code finish() {
            Insn[] code = insns.toArray(Insn[]::new);
            boolean[] bg = new boolean[code.length];
            boolean[] local = new boolean[code.length];
            for (int i = 0; i < code.length; i++) {
                bg[i] = background.get(i);
                local[i] = isLocal(code[i]);
            }
            return new Code(name, code, labels.toArray(String[]::new), positions.toArray(Position[]::new), bg, local, Math.max(1, frameSize));
        }

        private int emit(Insn insn) {
            if (++instructions > MAX_INSTRUCTIONS) {
                throw tooLarge("more than " + MAX_INSTRUCTIONS + " instructions");
            }
            insns.add(insn);
            labels.add(label);
            positions.add(pos);
            background.add(inBackground);
            return insns.size() - 1;
        }

        private int newSlot() {
            if (frameSize == MAX_LOCALS) {
                throw tooLarge("more than " + MAX_LOCALS + " locals in " + (global ? "an invariant" : handler ? "handler " + name : name + "'s program")
                        + " (each call's parameters and result count)");
            }
            return frameSize++;
        }

        /**
         * A size limit passed: the error is at the outermost call being inlined, since that copy is
         * what grew the body (the call a CPU's program makes), or at the statement itself.
         */
        private CompileError tooLarge(String what) {
            return new CompileError(inlineStack.isEmpty() ? pos : inlineStack.get(0).call,
                    "the model is too large once procedures are inlined (each call is a copy of the procedure's body): " + what);
        }

        private LocalVar newLocal(String n, Type t, Position at) {
            if (globalNames.containsKey(n)) {
                throw new CompileError(at, "'" + n + "' is already declared at " + globalNames.get(n) + "; choose another local name");
            }
            LocalVar v = new LocalVar(newSlot(), t);
            scopes.get(scopes.size() - 1).put(n, v);
            return v;
        }

        private LocalVar lookupLocal(String n) {
            return scopes.get(scopes.size() - 1).get(n);
        }

        // ---- statements ----

        void stmt(Stmt s) {
            Position savedPos = pos;
            String savedLabel = label;
            pos = s.pos();
            countTerm();
            // The parser bounds each body's nesting; a call puts a body inside another, so the levels add up.
            if (++nesting > Parser.MAX_NESTING) {
                throw inlineStack.isEmpty() ? new CompileError(s.pos(), "nested too deeply: at most " + Parser.MAX_NESTING + " levels of blocks and statements")
                        : new CompileError(inlineStack.get(inlineStack.size() - 1).call, "nested too deeply once '" + inlineStack.get(inlineStack.size() - 1).name
                        + "' is inlined here: at most " + Parser.MAX_NESTING + " levels of blocks and statements, counting those around each call");
            }
            label = Printer.head(s);
            try {
                statement(s);
            } finally {
                pos = savedPos;
                label = savedLabel;
                nesting--;
            }
        }

        private void statement(Stmt s) {
            if (s instanceof Stmt.Block b) {
                b.body().forEach(this::stmt);
            } else if (s instanceof Stmt.Assign a) {
                assign(a);
            } else if (s instanceof Stmt.Do d) {
                call(d.call(), null);
            } else if (s instanceof Stmt.If i) {
                Typed c = expr(i.cond());
                require(c, Type.BOOL, i.cond().pos(), "an if condition");
                int branch = emit(null);
                stmt(i.then());
                if (i.otherwise() != null) {
                    int jump = emit(null);
                    insns.set(branch, new Insn.Branch(c.ir(), insns.size()));
                    stmt(i.otherwise());
                    insns.set(jump, new Insn.Jump(insns.size()));
                } else {
                    insns.set(branch, new Insn.Branch(c.ir(), insns.size()));
                }
            } else if (s instanceof Stmt.While w) {
                noLoopInAtomic(w.pos());
                int top = insns.size();
                Typed c = expr(w.cond());
                require(c, Type.BOOL, w.cond().pos(), "a while condition");
                int branch = emit(null);
                stmt(w.body());
                emit(new Insn.Jump(top));
                insns.set(branch, new Insn.Branch(c.ir(), insns.size()));
            } else if (s instanceof Stmt.Loop l) {
                noLoopInAtomic(l.pos());
                int top = insns.size();
                stmt(l.body());
                emit(new Insn.Jump(top));
            } else if (s instanceof Stmt.For f) {
                Typed d = expr(f.domain());
                require(d, Type.CPUSET, f.domain().pos(), "a for loop's domain");
                int rest = newSlot();
                emit(new Insn.Assign(new Insn.Target.Local(rest), d.ir()));
                LocalVar v = lookupLocal(f.var());
                if (v == null) {
                    v = newLocal(f.var(), Type.INT, f.pos());
                } else if (v.type() != Type.INT) {
                    throw new CompileError(f.pos(), "'" + f.var() + "' is " + v.type().withArticle() + ", not a CPU number");
                }
                int top = insns.size();
                int branch = emit(null);
                emit(new Insn.Assign(new Insn.Target.Local(v.slot()), new IrExpr.Lowest(new IrExpr.Local(rest))));
                emit(new Insn.Assign(new Insn.Target.Local(rest), new IrExpr.Binary(IrExpr.Op.DIFF, new IrExpr.Local(rest),
                        new IrExpr.SetOf(new IrExpr[] {new IrExpr.Local(v.slot())}))));
                stmt(f.body());
                emit(new Insn.Jump(top));
                insns.set(branch, new Insn.Branch(new IrExpr.Binary(IrExpr.Op.NE, new IrExpr.Local(rest), new IrExpr.Const(0)), insns.size()));
            } else if (s instanceof Stmt.Repeat r) {
                Typed n = expr(r.count());
                require(n, Type.INT, r.count().pos(), "a repeat count");
                int counter = newSlot();
                emit(new Insn.Assign(new Insn.Target.Local(counter), n.ir()));
                int top = insns.size();
                int branch = emit(null);
                emit(new Insn.Assign(new Insn.Target.Local(counter), new IrExpr.Binary(IrExpr.Op.SUB, new IrExpr.Local(counter), new IrExpr.Const(1))));
                stmt(r.body());
                emit(new Insn.Jump(top));
                insns.set(branch, new Insn.Branch(new IrExpr.Binary(IrExpr.Op.GT, new IrExpr.Local(counter), new IrExpr.Const(0)), insns.size()));
            } else if (s instanceof Stmt.Wait w) {
                if (inAtomic) {
                    throw new CompileError(w.pos(), "'wait until' inside 'atomic' must be its first statement (a guard)");
                }
                Typed c = expr(w.cond());
                require(c, Type.BOOL, w.cond().pos(), "a wait condition");
                emit(new Insn.Wait(c.ir()));
            } else if (s instanceof Stmt.Atomic a) {
                atomic(a);
            } else if (s instanceof Stmt.Return r) {
                ret(r);
            } else if (s instanceof Stmt.Assert a) {
                Typed c = expr(a.cond());
                require(c, Type.BOOL, a.cond().pos(), "an assertion");
                emit(new Insn.Assert(c.ir(), a.message() != null ? a.message() : "assert " + Printer.expr(a.cond())));
            }
        }

        private void noLoopInAtomic(Position at) {
            if (inAtomic) {
                throw new CompileError(at, "unbounded loops are not allowed inside 'atomic' (use 'for' or 'repeat')");
            }
        }

        private void atomic(Stmt.Atomic a) {
            if (inAtomic) {
                a.body().body().forEach(this::stmt);
                return;
            }
            List<Stmt> body = a.body().body();
            IrExpr guard = null;
            int from = 0;
            if (!body.isEmpty() && body.get(0) instanceof Stmt.Wait w) {
                Typed c = expr(w.cond());
                require(c, Type.BOOL, w.cond().pos(), "a wait condition");
                guard = c.ir();
                from = 1;
            }
            int start = emit(null);
            inAtomic = true;
            try {
                for (Stmt s : body.subList(from, body.size())) {
                    stmt(s);
                }
            } finally {
                inAtomic = false;
            }
            insns.set(start, new Insn.Atomic(guard, insns.size()));
        }

        private void ret(Stmt.Return r) {
            if (!inlineStack.isEmpty()) {
                Inline in = inlineStack.get(inlineStack.size() - 1);
                if (r.value() != null) {
                    Typed v = expr(r.value());
                    if (in.resultType != null && in.resultType != v.type()) {
                        throw new CompileError(r.value().pos(), "'" + in.name + "' returns " + in.resultType.withArticle() + " elsewhere, here " + v.type().withArticle());
                    }
                    in.resultType = v.type();
                    emit(new Insn.Assign(new Insn.Target.Local(in.resultSlot), v.ir()));
                }
                in.returnJumps.add(emit(new Insn.Jump(-1)));
            } else {
                if (r.value() != null) {
                    throw new CompileError(r.value().pos(), handler ? "an IRQ handler returns no value" : "a CPU's program returns no value");
                }
                if (inAtomic) {
                    throw new CompileError(r.pos(), "'return' inside 'atomic' is not allowed");
                }
                bodyReturns.add(emit(new Insn.Jump(-1)));
            }
        }

        private void assign(Stmt.Assign a) {
            if (a.value() instanceof Expr.Call c && (procs.containsKey(c.name()) || isOp(c.name()))) {
                call(c, a.target());
                return;
            }
            Typed v = expr(a.value());
            store(a.target(), v);
        }

        private boolean isOp(String n) {
            Builtin b = Builtin.byWord(n);
            return b != null && b.kind() == Builtin.Kind.OP;
        }

        /** Stores a value into an assignment target, creating a local on first assignment. */
        private void store(Expr target, Typed v) {
            if (v.type() == Type.VOID) {
                throw new CompileError(target.pos(), "the right-hand side has no value");
            }
            Insn.Target t = target(target, v.type());
            emit(new Insn.Assign(t, v.ir()));
        }

        private Insn.Target target(Expr target, Type type) {
            if (target instanceof Expr.Index ix) {
                Integer var = perCpuIndex.get(ix.name());
                if (var == null) {
                    throw new CompileError(ix.pos(), "'" + ix.name() + "' is not a per-CPU variable; only those can be indexed by CPU");
                }
                checkAssignable(perCpu.get(var).type(), type, ix.pos(), ix.name());
                Typed idx = expr(ix.index());
                require(idx, Type.INT, ix.index().pos(), "a CPU index");
                return new Insn.Target.PerCpu(var, idx.ir());
            }
            String n = ((Expr.Name) target).name();
            LocalVar l = lookupLocal(n);
            if (l != null) {
                checkAssignable(l.type(), type, target.pos(), n);
                return new Insn.Target.Local(l.slot());
            }
            if (sharedIndex.containsKey(n)) {
                int var = sharedIndex.get(n);
                checkAssignable(shared.get(var).type(), type, target.pos(), n);
                return new Insn.Target.Shared(var);
            }
            if (perCpuIndex.containsKey(n)) {
                int var = perCpuIndex.get(n);
                checkAssignable(perCpu.get(var).type(), type, target.pos(), n);
                return new Insn.Target.PerCpu(var, null);
            }
            if (globalNames.containsKey(n) || n.equals("self") || n.equals("all_cpus")) {
                throw new CompileError(target.pos(), "cannot assign to '" + n + "': it is not a variable");
            }
            if (global) {
                throw new CompileError(target.pos(), "unknown variable '" + n + "'");
            }
            return new Insn.Target.Local(newLocal(n, type, target.pos()).slot());
        }

        private void checkAssignable(Type declared, Type value, Position at, String n) {
            if (declared != value) {
                throw new CompileError(at, "'" + n + "' is " + declared.withArticle() + "; cannot assign " + value.withArticle());
            }
        }

        /** A call statement, or {@code target = call(...)}: a procedure (inlined) or a built-in operation. */
        private void call(Expr.Call c, Expr target) {
            Decl.Proc proc = procs.get(c.name());
            if (proc != null) {
                inline(c, proc, target);
                return;
            }
            Builtin b = Builtin.byWord(c.name());
            if (b == null || b == Builtin.GUP_FAST_PTE) {
                throw new CompileError(c.pos(), "unknown procedure or operation '" + c.name() + "'" + suggestion(c.name(), false));
            }
            if (b.kind() != Builtin.Kind.OP) {
                if (target == null) {
                    throw new CompileError(c.pos(), "the value of '" + c.name() + "(...)' is not used");
                }
                store(target, expr(c));
                return;
            }
            checkArity(c, b);
            if (handler && (b == Builtin.READ || b == Builtin.WRITE || b == Builtin.EXEC)) {
                throw new CompileError(c.pos(), "'" + b.word() + "' is a user access; IRQ handlers run in the kernel");
            }
            if (inAtomic && (b == Builtin.SPIN_LOCK || b == Builtin.TLBSYNC || b == Builtin.DSB_ISH || b == Builtin.RCU_FREE || b == Builtin.ALLOC_FRAME)) {
                throw new CompileError(c.pos(), "'" + b.word() + "' can block and is not allowed inside 'atomic'");
            }
            // Whether the page's mm is the one in the CPU's CR3 is checked when the access runs (switch_mm moves it).
            IrExpr[] args = new IrExpr[b.params().size()];
            Insn.Target lock = null;
            for (int i = 0; i < args.length; i++) {
                Expr a = c.args().get(i);
                Type want = b.params().get(i);
                if (want == Type.HANDLER) {
                    if (!(a instanceof Expr.Name hn) || !handlerIndex.containsKey(hn.name())) {
                        throw new CompileError(a.pos(), "expected the name of an IRQ handler" + known("handlers", handlerIndex.keySet()));
                    }
                    args[i] = new IrExpr.Const(handlerIndex.get(hn.name()));
                    continue;
                }
                if (b == Builtin.SPIN_LOCK || b == Builtin.SPIN_UNLOCK) {
                    if (!(a instanceof Expr.Name) && !(a instanceof Expr.Index) || a instanceof Expr.Name n && !sharedIndex.containsKey(n.name()) && !perCpuIndex.containsKey(n.name())) {
                        throw new CompileError(a.pos(), "expected a shared or per-CPU int variable to use as a lock");
                    }
                    Type lockType = a instanceof Expr.Name ln ? (sharedIndex.containsKey(ln.name()) ? shared.get(sharedIndex.get(ln.name())).type()
                            : perCpu.get(perCpuIndex.get(ln.name())).type()) : perCpuIndex.containsKey(((Expr.Index) a).name()) ? perCpu.get(perCpuIndex.get(((Expr.Index) a).name())).type() : Type.INT;
                    if (lockType != Type.INT) {
                        throw new CompileError(a.pos(), "a lock is an int variable (0 free, 1 held); this one is " + lockType.withArticle());
                    }
                    lock = target(a, Type.INT);
                    args[i] = new IrExpr.Const(0);
                    continue;
                }
                Typed t = expr(a);
                require(t, want, a.pos(), "argument " + (i + 1) + " of " + b.word());
                args[i] = t.ir();
            }
            int result = -1;
            if (target != null) {
                if (b.result() == Type.VOID) {
                    throw new CompileError(c.pos(), "'" + b.word() + "' returns no value");
                }
                result = newSlot();
            }
            if (b == Builtin.GUP_FAST) {
                // Two steps, as in mm/gup.c: the PMD is read, then the table it points to; a table
                // freed in between is exactly the race IRQs-off (or RCU) protects against (seed 004).
                int pmd = newSlot();
                emit(new Insn.Op(b, args, pmd, null));
                emit(new Insn.Op(Builtin.GUP_FAST_PTE, new IrExpr[] {args[0], new IrExpr.Local(pmd)}, -1, null));
                return;
            }
            emit(new Insn.Op(b, args, result, lock));
            if (target != null) {
                store(target, new Typed(new IrExpr.Local(result), b.result()));
            }
        }

        /** The nearest known name within edit distance 2 (ties: declaration order), as ": did you mean 'x'?". */
        private String suggestion(String n, boolean values) {
            List<String> all = new ArrayList<>();
            if (values) {
                scopes.get(scopes.size() - 1).keySet().stream().sorted().forEach(all::add);
                all.addAll(sharedIndex.keySet());
                all.addAll(perCpuIndex.keySet());
                all.addAll(pages.keySet());
                all.addAll(frames.keySet());
                all.addAll(tables.keySet());
                all.addAll(mms.keySet());
                all.addAll(List.of("self", "all_cpus", "nr_cpus"));
            } else {
                all.addAll(procs.keySet());
                Arrays.stream(Builtin.values()).filter(b -> b.kind() == Builtin.Kind.OP).map(Builtin::word).forEach(all::add);
                Arrays.stream(Builtin.values()).filter(b -> b.kind() != Builtin.Kind.OP).map(Builtin::word).forEach(all::add);
            }
            String best = null;
            int bestDistance = 3;
            for (String w : all) {
                int d = distance(w, n);
                if (d < bestDistance) {
                    best = w;
                    bestDistance = d;
                }
            }
            return best == null ? "" : ": did you mean '" + best + "'?";
        }

        /** Levenshtein distance over code points (a letter outside the BMP is one), capped: anything beyond 2 counts as far. */
        private static int distance(String as, String bs) {
            int[] a = as.codePoints().toArray();
            int[] b = bs.codePoints().toArray();
            if (Math.abs(a.length - b.length) > 2) {
                return 3;
            }
            int[] prev = new int[b.length + 1];
            int[] cur = new int[b.length + 1];
            for (int j = 0; j <= b.length; j++) {
                prev[j] = j;
            }
            for (int i = 1; i <= a.length; i++) {
                cur[0] = i;
                for (int j = 1; j <= b.length; j++) {
                    cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                }
                int[] t = prev;
                prev = cur;
                cur = t;
            }
            return prev[b.length];
        }

        private void checkArity(Expr.Call c, Builtin b) {
            if (c.args().size() != b.params().size()) {
                throw new CompileError(c.pos(), "'" + b.word() + "' takes " + b.params().size() + " argument" + (b.params().size() == 1 ? "" : "s")
                        + ", found " + c.args().size() + ": " + b.signature());
            }
        }

        private void inline(Expr.Call c, Decl.Proc proc, Expr target) {
            if (proc.irq()) {
                throw new CompileError(c.pos(), "'" + proc.name() + "' is an IRQ handler: run it with send_ipi(cpus, " + proc.name() + ")");
            }
            for (Inline in : inlineStack) {
                if (in.name.equals(proc.name())) {
                    throw new CompileError(c.pos(), "recursive call of '" + proc.name() + "': procedures are inlined and cannot recurse");
                }
            }
            if (inlineStack.size() == MAX_CALL_DEPTH) {
                throw new CompileError(c.pos(), "procedure calls nested more than " + MAX_CALL_DEPTH + " deep (procedures are inlined at each call; '"
                        + inlineStack.get(0).name + "' starts this chain at " + inlineStack.get(0).call + ")");
            }
            if (c.args().size() != proc.params().size()) {
                throw new CompileError(c.pos(), "'" + proc.name() + "' takes " + proc.params().size() + " argument" + (proc.params().size() == 1 ? "" : "s") + ", found " + c.args().size());
            }
            Map<String, LocalVar> scope = new HashMap<>();
            for (int i = 0; i < proc.params().size(); i++) {
                Decl.Param p = proc.params().get(i);
                Typed a = expr(c.args().get(i));
                if (p.type() != null) {
                    Type want = Type.byWord(p.type());
                    if (want == null) {
                        throw new CompileError(p.pos(), "unknown type '" + p.type() + "'");
                    }
                    require(a, want, c.args().get(i).pos(), "argument " + (i + 1) + " of " + proc.name());
                }
                if (globalNames.containsKey(p.name())) {
                    throw new CompileError(p.pos(), "parameter '" + p.name() + "' hides the declaration at " + globalNames.get(p.name()));
                }
                int slot = newSlot();
                emit(new Insn.Assign(new Insn.Target.Local(slot), a.ir()));
                scope.put(p.name(), new LocalVar(slot, a.type()));
            }
            Inline in = new Inline(proc.name(), c.pos(), newSlot());
            inlineStack.add(in);
            scopes.add(scope);
            try {
                stmt(proc.body());
            } finally {
                scopes.remove(scopes.size() - 1);
                inlineStack.remove(inlineStack.size() - 1);
            }
            int end = insns.size();
            for (int j : in.returnJumps) {
                insns.set(j, new Insn.Jump(end));
            }
            if (target != null) {
                if (in.resultType == null) {
                    throw new CompileError(c.pos(), "'" + proc.name() + "' returns no value");
                }
                store(target, new Typed(new IrExpr.Local(in.resultSlot), in.resultType));
            }
        }

        // ---- expressions ----

        void require(Typed t, Type want, Position at, String what) {
            if (t.type() != want) {
                throw new CompileError(at, "expected " + want.withArticle() + " for " + what + ", found " + t.type().withArticle());
            }
        }

        private void countTerm() {
            if (++terms > MAX_TERMS) {
                throw tooLarge("more than " + MAX_TERMS + " statements and expression terms");
            }
        }

        Typed expr(Expr e) {
            countTerm();
            if (e instanceof Expr.IntLit i) {
                return new Typed(new IrExpr.Const(i.value()), Type.INT);
            } else if (e instanceof Expr.BoolLit b) {
                return new Typed(new IrExpr.Const(b.value() ? 1 : 0), Type.BOOL);
            } else if (e instanceof Expr.Name n) {
                return name(n);
            } else if (e instanceof Expr.Index ix) {
                Integer var = perCpuIndex.get(ix.name());
                if (var == null) {
                    throw new CompileError(ix.pos(), "'" + ix.name() + "' is not a per-CPU variable; only those can be indexed by CPU");
                }
                Typed idx = expr(ix.index());
                require(idx, Type.INT, ix.index().pos(), "a CPU index");
                return new Typed(new IrExpr.PerCpu(var, idx.ir()), perCpu.get(var).type());
            } else if (e instanceof Expr.Field f) {
                Typed t = expr(f.target());
                require(t, Type.PTE, f.target().pos(), "'." + f.field() + "'");
                return switch (f.field()) {
                    case "pfn" -> new Typed(new IrExpr.PteField(Pte.Field.PFN, t.ir()), Type.FRAME);
                    case "present" -> new Typed(new IrExpr.PteField(Pte.Field.PRESENT, t.ir()), Type.BOOL);
                    case "writable" -> new Typed(new IrExpr.PteField(Pte.Field.WRITABLE, t.ir()), Type.BOOL);
                    case "dirty" -> new Typed(new IrExpr.PteField(Pte.Field.DIRTY, t.ir()), Type.BOOL);
                    case "accessed" -> new Typed(new IrExpr.PteField(Pte.Field.ACCESSED, t.ir()), Type.BOOL);
                    default -> throw new CompileError(f.pos(), "unknown PTE field '" + f.field() + "': expected pfn, present, writable, dirty or accessed");
                };
            } else if (e instanceof Expr.Unary u) {
                Typed t = expr(u.operand());
                if (u.op().equals("!")) {
                    require(t, Type.BOOL, u.operand().pos(), "'!'");
                    return new Typed(new IrExpr.Unary(IrExpr.Op.NOT, t.ir()), Type.BOOL);
                }
                require(t, Type.INT, u.operand().pos(), "'-'");
                return new Typed(new IrExpr.Unary(IrExpr.Op.NEG, t.ir()), Type.INT);
            } else if (e instanceof Expr.Binary b) {
                return binary(b);
            } else if (e instanceof Expr.Call c) {
                return callExpr(c);
            } else if (e instanceof Expr.SetLit s) {
                IrExpr[] els = new IrExpr[s.elements().size()];
                for (int i = 0; i < els.length; i++) {
                    Typed t = expr(s.elements().get(i));
                    require(t, Type.INT, s.elements().get(i).pos(), "a set element (a CPU number)");
                    els[i] = t.ir();
                }
                return new Typed(new IrExpr.SetOf(els), Type.CPUSET);
            } else if (e instanceof Expr.SetComp s) {
                Typed d = expr(s.domain());
                require(d, Type.CPUSET, s.domain().pos(), "the domain of a set comprehension");
                Map<String, LocalVar> scope = new HashMap<>(scopes.get(scopes.size() - 1));
                if (globalNames.containsKey(s.var())) {
                    throw new CompileError(s.pos(), "'" + s.var() + "' hides the declaration at " + globalNames.get(s.var()));
                }
                int slot = newSlot();
                scope.put(s.var(), new LocalVar(slot, Type.INT));
                scopes.add(scope);
                try {
                    Typed p = expr(s.predicate());
                    require(p, Type.BOOL, s.predicate().pos(), "the condition of a set comprehension");
                    return new Typed(new IrExpr.SetComp(slot, d.ir(), p.ir()), Type.CPUSET);
                } finally {
                    scopes.remove(scopes.size() - 1);
                }
            }
            throw new IllegalArgumentException(e.toString());
        }

        private Typed name(Expr.Name n) {
            String s = n.name();
            LocalVar l = lookupLocal(s);
            if (l != null) {
                return new Typed(new IrExpr.Local(l.slot()), l.type());
            }
            if (sharedIndex.containsKey(s)) {
                int v = sharedIndex.get(s);
                return new Typed(new IrExpr.Shared(v), shared.get(v).type());
            }
            if (perCpuIndex.containsKey(s)) {
                if (global) {
                    throw new CompileError(n.pos(), "'" + s + "' is per-CPU: an invariant must name the CPU, as " + s + "[0]");
                }
                int v = perCpuIndex.get(s);
                return new Typed(new IrExpr.PerCpu(v, null), perCpu.get(v).type());
            }
            if (pages.containsKey(s)) {
                return new Typed(new IrExpr.Const(pages.get(s)), Type.PAGE);
            }
            if (frames.containsKey(s)) {
                return new Typed(new IrExpr.Const(frames.get(s)), Type.FRAME);
            }
            if (mms.containsKey(s)) {
                return new Typed(new IrExpr.Const(mms.get(s)), Type.MM);
            }
            if (tables.containsKey(s)) {
                return new Typed(new IrExpr.Const(tables.get(s)), Type.TABLE);
            }
            switch (s) {
                case "self" -> {
                    if (global) {
                        throw new CompileError(n.pos(), "'self' has no meaning in an invariant");
                    }
                    return new Typed(new IrExpr.Self(), Type.INT);
                }
                case "all_cpus" -> {
                    return new Typed(new IrExpr.AllCpus(), Type.CPUSET);
                }
                case "nr_cpus" -> {
                    return new Typed(new IrExpr.Const(cpus), Type.INT);
                }
                default -> {
                }
            }
            if (procs.containsKey(s)) {
                throw new CompileError(n.pos(), "'" + s + "' is a " + (procs.get(s).irq() ? "handler" : "procedure") + ", not a value");
            }
            throw new CompileError(n.pos(), "unknown name '" + s + "'" + suggestion(s, true));
        }

        private Typed callExpr(Expr.Call c) {
            if (procs.containsKey(c.name())) {
                throw new CompileError(c.pos(), "a procedure call must stand alone: 'x = " + c.name() + "(...)' or '" + c.name() + "(...)'");
            }
            Builtin b = Builtin.byWord(c.name());
            if (b == null) {
                throw new CompileError(c.pos(), "unknown function '" + c.name() + "'" + suggestion(c.name(), false));
            }
            if (b.kind() == Builtin.Kind.OP) {
                throw new CompileError(c.pos(), "'" + c.name() + "' is an operation: use it as a statement, or as 'x = " + c.name() + "(...)'");
            }
            checkArity(c, b);
            if (global && b == Builtin.ACKED) {
                throw new CompileError(c.pos(), "'acked' asks about the running CPU's IPIs: it has no meaning in an invariant");
            }
            if (b == Builtin.CPUMASK) {
                Expr a = c.args().get(0);
                if (!(a instanceof Expr.Name mn) || !mms.containsKey(mn.name())) {
                    throw new CompileError(a.pos(), "expected an address-space name" + known("address spaces", mms.keySet()));
                }
                // mm_cpumask: kernel state, initially the CPUs whose program runs this mm (cpumask_set/clear change it).
                return new Typed(new IrExpr.Call(Builtin.CPUMASK, new IrExpr[] {new IrExpr.Const(mms.get(mn.name()))}), Type.CPUSET);
            }
            IrExpr[] args = new IrExpr[b.params().size()];
            for (int i = 0; i < args.length; i++) {
                Typed t = expr(c.args().get(i));
                require(t, b.params().get(i), c.args().get(i).pos(), "argument " + (i + 1) + " of " + b.word());
                args[i] = t.ir();
            }
            return new Typed(new IrExpr.Call(b, args), b.result());
        }

        private Typed binary(Expr.Binary b) {
            Typed l = expr(b.left());
            Typed r = expr(b.right());
            switch (b.op()) {
                case "&&", "||" -> {
                    require(l, Type.BOOL, b.left().pos(), "'" + b.op() + "'");
                    require(r, Type.BOOL, b.right().pos(), "'" + b.op() + "'");
                    return new Typed(new IrExpr.Binary(b.op().equals("&&") ? IrExpr.Op.AND : IrExpr.Op.OR, l.ir(), r.ir()), Type.BOOL);
                }
                case "==", "!=" -> {
                    if (l.type() != r.type()) {
                        throw new CompileError(b.pos(), "cannot compare " + l.type().withArticle() + " with " + r.type().withArticle());
                    }
                    return new Typed(new IrExpr.Binary(b.op().equals("==") ? IrExpr.Op.EQ : IrExpr.Op.NE, l.ir(), r.ir()), Type.BOOL);
                }
                case "<", "<=", ">", ">=" -> {
                    require(l, Type.INT, b.left().pos(), "'" + b.op() + "'");
                    require(r, Type.INT, b.right().pos(), "'" + b.op() + "'");
                    IrExpr.Op op = switch (b.op()) {
                        case "<" -> IrExpr.Op.LT;
                        case "<=" -> IrExpr.Op.LE;
                        case ">" -> IrExpr.Op.GT;
                        default -> IrExpr.Op.GE;
                    };
                    return new Typed(new IrExpr.Binary(op, l.ir(), r.ir()), Type.BOOL);
                }
                case "in" -> {
                    require(l, Type.INT, b.left().pos(), "the left of 'in' (a CPU number)");
                    require(r, Type.CPUSET, b.right().pos(), "the right of 'in'");
                    return new Typed(new IrExpr.Binary(IrExpr.Op.IN, l.ir(), r.ir()), Type.BOOL);
                }
                case "+", "-", "|", "&" -> {
                    if (l.type() == Type.CPUSET) {
                        IrExpr right = r.ir();
                        if (r.type() == Type.INT && !b.op().equals("&")) {
                            right = new IrExpr.SetOf(new IrExpr[] {r.ir()});
                        } else {
                            require(r, Type.CPUSET, b.right().pos(), "'" + b.op() + "' on CPU sets");
                        }
                        IrExpr.Op op = switch (b.op()) {
                            case "+", "|" -> IrExpr.Op.UNION;
                            case "-" -> IrExpr.Op.DIFF;
                            default -> IrExpr.Op.INTER;
                        };
                        return new Typed(new IrExpr.Binary(op, l.ir(), right), Type.CPUSET);
                    }
                    if (b.op().equals("|") || b.op().equals("&")) {
                        throw new CompileError(b.pos(), "'" + b.op() + "' works on CPU sets; for booleans use '" + b.op() + b.op() + "'");
                    }
                    return arith(b, l, r);
                }
                default -> {
                    return arith(b, l, r);
                }
            }
        }

        private Typed arith(Expr.Binary b, Typed l, Typed r) {
            require(l, Type.INT, b.left().pos(), "'" + b.op() + "'");
            require(r, Type.INT, b.right().pos(), "'" + b.op() + "'");
            IrExpr.Op op = switch (b.op()) {
                case "+" -> IrExpr.Op.ADD;
                case "-" -> IrExpr.Op.SUB;
                case "*" -> IrExpr.Op.MUL;
                case "/" -> IrExpr.Op.DIV;
                default -> IrExpr.Op.MOD;
            };
            return new Typed(new IrExpr.Binary(op, l.ir(), r.ir()), Type.INT);
        }
    }

    /**
     * Instructions invisible to other CPUs run in the same step as the instruction before them:
     * they commute with every other CPU's step, so merging loses no behaviour and saves states.
     * Disabling interrupts is visible: an IPI taken just before it must stay possible.
     */
    static boolean isLocal(Insn insn) {
        if (insn instanceof Insn.Assign a) {
            return a.target() instanceof Insn.Target.Local && IrExpr.isLocal(a.value());
        } else if (insn instanceof Insn.Branch b) {
            return IrExpr.isLocal(b.cond());
        } else if (insn instanceof Insn.Op o) {
            switch (o.op()) {
                case SMP_MB, SMP_WMB, SMP_RMB, LOCAL_IRQ_ENABLE:
                    return true;
                default:
                    return false;
            }
        }
        return insn instanceof Insn.Jump || insn instanceof Insn.Iret || insn instanceof Insn.Halt;
    }
}
