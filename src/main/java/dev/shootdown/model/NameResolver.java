package dev.shootdown.model;

import dev.shootdown.lang.Builtin;
import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Decl;
import dev.shootdown.lang.Expr;
import dev.shootdown.lang.Keywords;
import dev.shootdown.lang.ModelFile;
import dev.shootdown.lang.Position;
import dev.shootdown.lang.Type;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The first pass: reads the declarations in file order, gives each global name (address space,
 * page table, page, frame, variable, procedure, handler) its index, refuses a name declared twice,
 * and works out the memory the declarations describe. {@link ModelFile} in, {@link Declarations} out.
 */
final class NameResolver {
    private final ModelFile file;
    private final Map<String, Position> globalNames = new HashMap<>();
    private final Map<String, Integer> mms = new LinkedHashMap<>();
    private final Map<String, Integer> pages = new LinkedHashMap<>();
    private final Map<String, Integer> frames = new LinkedHashMap<>();
    private final Map<String, Integer> tables = new LinkedHashMap<>();
    private final List<Integer> tableMm = new ArrayList<>();
    private final List<Integer> tableFrame = new ArrayList<>();
    private final List<Integer> initialPmds = new ArrayList<>();
    private final List<Integer> tableParent = new ArrayList<>();
    private final List<Integer> pageTable = new ArrayList<>();
    private final List<Integer> pageMm = new ArrayList<>();
    private final List<Integer> pageVa = new ArrayList<>();
    private final List<Integer> initialPtes = new ArrayList<>();
    private final List<Integer> initialFrames = new ArrayList<>();
    /** Per frame, the further address spaces that map it (a mask; frames past the list's end have none). */
    private final List<Integer> initialSharers = new ArrayList<>();
    private final java.util.Set<Integer> tableFrames = new java.util.HashSet<>();
    private final Map<String, Integer> sharedIndex = new LinkedHashMap<>();
    private final Map<String, Integer> perCpuIndex = new LinkedHashMap<>();
    private final List<Program.Var> shared = new ArrayList<>();
    private final List<Program.Var> perCpu = new ArrayList<>();
    private final Map<String, Decl.Proc> procs = new LinkedHashMap<>();
    private final Map<Position, Integer> constantSets = new LinkedHashMap<>();
    private final Map<String, Integer> handlerIndex = new LinkedHashMap<>();
    private final List<CpuUse> cpuUses = new ArrayList<>();

    private NameResolver(ModelFile file) {
        this.file = file;
    }

    static Declarations resolve(ModelFile file) {
        return new NameResolver(file).run();
    }

    private Declarations run() {
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
                    if (p.params().size() > 2) {
                        throw new CompileError(p.pos(), "an IRQ handler takes at most two parameters: the sending CPU, and the value send_ipi passes");
                    }
                    if (handlerIndex.size() == Compiler.MAX_HANDLERS) {
                        throw new CompileError(p.pos(), "too many IRQ handlers: a model has at most " + Compiler.MAX_HANDLERS);
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
            } else if (d instanceof Decl.ModelParam p) {
                // The parser put its value wherever it is used; its name stays taken.
                declare(p.name(), p.pos());
            }
        }
        if (hw == null) {
            throw new CompileError(file.source().position(0), "expected a 'hardware x86 { cpus N }' declaration");
        }
        Symbols symbols = new Symbols(Collections.unmodifiableMap(globalNames), Collections.unmodifiableMap(mms), Collections.unmodifiableMap(pages),
                Collections.unmodifiableMap(frames), Collections.unmodifiableMap(tables), Collections.unmodifiableMap(sharedIndex), List.copyOf(shared),
                Collections.unmodifiableMap(perCpuIndex), List.copyOf(perCpu), Collections.unmodifiableMap(procs), Collections.unmodifiableMap(handlerIndex), cpuUses,
                new ArrayList<>(), Collections.unmodifiableList(pageMm));
        Declarations.InitialMemory memory = new Declarations.InitialMemory(ints(pageMm), ints(pageTable), ints(pageVa), ints(initialPtes), ints(tableMm), ints(tableFrame),
                ints(tableParent), ints(initialPmds), ints(initialFrames), sharers());
        return new Declarations(new Program.Meta(title, seed, expected, explanation), hw, List.copyOf(cpuDecls), List.copyOf(checks),
                List.copyOf(invariantDecls), symbols, memory, Collections.unmodifiableMap(constantSets));
    }

    /** Per frame, the mask of the further address spaces that map it. */
    private int[] sharers() {
        int[] out = new int[frames.size()];
        for (int f = 0; f < initialSharers.size(); f++) {
            out[f] = initialSharers.get(f);
        }
        return out;
    }

    private static int[] ints(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    private void declare(String name, Position pos) {
        Position prev = globalNames.putIfAbsent(name, pos);
        if (prev != null) {
            throw new CompileError(pos, "'" + name + "' is already declared at " + prev);
        }
        if (Keywords.BUILTIN_NAMES.contains(name)) {
            throw new CompileError(pos, "'" + name + "' is a built-in name");
        }
    }

    private void declareMm(Decl.Mm m) {
        declare(m.name(), m.pos());
        if (mms.size() == Compiler.MAX_MMS) {
            throw new CompileError(m.pos(), "too many address spaces: a model has at most " + Compiler.MAX_MMS);
        }
        int mm = mms.size();
        mms.put(m.name(), mm);
        for (Decl.Table t : m.tables()) {
            declare(t.name(), t.pos());
            boolean unhooked = false;
            for (var f : t.flags()) {
                if (!Keywords.TABLE_FLAGS.contains(f.text())) {
                    throw new CompileError(f.position(), "unknown table flag '" + f.text() + "': expected " + Keywords.alternatives(Keywords.TABLE_FLAGS));
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
            tableFrames.add(frame);
            tableParent.add(t.parent() == null ? -1 : tables.get(t.parent()));
            initialPmds.add(unhooked ? 0 : Pte.make(frame, true));
        }
        checkNesting(m);
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
                    default -> throw new CompileError(f.position(), "unknown page flag '" + f.text() + "': expected " + Keywords.alternatives(Keywords.PAGE_FLAGS));
                }
            }
            if (pages.size() == Compiler.MAX_PAGES) {
                throw new CompileError(p.pos(), "too many pages: a model has at most " + Compiler.MAX_PAGES);
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
                share(p, frame, mm);
            }
            pageVa.add(virtualAddress(p, mm));
            pages.put(p.name(), pages.size());
            pageMm.add(mm);
            pageTable.add(p.table() == null ? -1 : tables.get(p.table()));
            int pte = unmapped ? 0 : Pte.make(frame, writable) | (dirty ? Pte.DIRTY : 0) | (accessed ? Pte.ACCESSED : 0);
            initialPtes.add(pte);
        }
    }

    /**
     * A frame mapped by pages of several address spaces (fork's copy-on-write pages, a file page in two
     * processes): each has its own PTE, and the frame belongs to each (a mask beside its state word).
     */
    private void share(Decl.Page p, int frame, int mm) {
        if (tableFrames.contains(frame)) {
            throw new CompileError(p.pos(), "frame '" + p.frame() + "' holds a page table; a page cannot map it");
        }
        if (mm >= FrameState.MAX_SHARERS) {
            throw new CompileError(p.pos(), "frame '" + p.frame() + "' is already mapped in another address space, and only the first "
                    + FrameState.MAX_SHARERS + " address spaces can share frames");
        }
        while (initialSharers.size() <= frame) {
            initialSharers.add(0);
        }
        initialSharers.set(frame, initialSharers.get(frame) | FrameState.sharedBy(mm));
    }

    /**
     * Tables nest as a machine's levels do (Intel SDM vol. 3A 4.5: PML4, PDPT, PD, PT; ARM ARM D8.2: levels 0 to 3):
     * a table holds pages (a last-level table) or tables of one level below it, not both, and the mm's top-level
     * table (in CR3) is not declared, so at most three declared levels: a PUD table, its PMD tables, their PTE tables.
     */
    private void checkNesting(Decl.Mm m) {
        Map<String, Integer> level = new HashMap<>();
        List<Decl.Table> ts = m.tables();
        for (int i = ts.size() - 1; i >= 0; i--) {
            Decl.Table t = ts.get(i);
            Decl.Table lower = null;
            for (Decl.Table c : ts) {
                if (t.name().equals(c.parent())) {
                    if (lower != null && !level.get(c.name()).equals(level.get(lower.name()))) {
                        throw new CompileError(c.pos(), "table '" + c.name() + "' is not at the level of table '" + lower.name()
                                + "' above it: the tables in one table are all last-level tables, or all hold tables of one level");
                    }
                    lower = lower == null ? c : lower;
                }
            }
            int lv = lower == null ? 0 : level.get(lower.name()) + 1;
            if (lv > PageTableTree.MAX_LEVEL) {
                throw new CompileError(lower.pos(), "tables nest at most " + (PageTableTree.MAX_LEVEL + 1)
                        + " deep (a PUD table, its PMD tables and their last-level tables, under the mm's top-level table)");
            }
            if (lower != null) {
                for (Decl.Page p : m.pages()) {
                    if (t.name().equals(p.table())) {
                        throw new CompileError(p.pos(), "page '" + p.name() + "' is in table '" + t.name()
                                + "', which holds tables: a table holds pages or tables, not both");
                    }
                }
            }
            level.put(t.name(), lv);
        }
    }

    /**
     * The virtual address of page {@code p} of address space {@code mm}: its own, or with {@code at q} the
     * one of page {@code q}, declared above in another address space (a TLB tagged by ASIDs tells the two
     * apart only by the ASID: a lookup of one under the ASID the other was filled with hits it).
     */
    private int virtualAddress(Decl.Page p, int mm) {
        if (p.at() == null) {
            return pages.size();
        }
        Integer other = pages.get(p.at().text());
        if (other == null) {
            throw new CompileError(p.at().position(), "'" + p.at().text() + "' is not a page declared above: 'page " + p.name()
                    + " at P' shares the virtual address of a page P of another address space");
        }
        if (pageMm.get(other) == mm) {
            throw new CompileError(p.at().position(), "'" + p.at().text() + "' is a page of this address space: two pages of one address space are at different addresses");
        }
        int va = pageVa.get(other);
        for (int q = 0; q < pageVa.size(); q++) {
            if (pageVa.get(q) == va && pageMm.get(q) == mm) {
                throw new CompileError(p.at().position(), "this address space already has a page at the address of '" + p.at().text() + "'");
            }
        }
        return va;
    }

    private void countFrame(Position at) {
        if (frames.size() == Compiler.MAX_FRAMES) {
            throw new CompileError(at, "too many frames: a model has at most " + Compiler.MAX_FRAMES);
        }
    }

    private void declareVar(Decl.Var v) {
        declare(v.name(), v.pos());
        Type type = null;
        if (v.type() != null) {
            type = Type.byWord(v.type());
            if (type == null) {
                throw new CompileError(v.pos(), "unknown type '" + v.type() + "': expected int, cpu, bool, cpuset, pte, frame, page, table or mm");
            }
        }
        int initial = 0;
        if (v.init() != null) {
            Typed t = constant(v.init());
            if (type == Type.CPU && t.type() == Type.INT) {
                t = new Typed(t.ir(), Type.CPU);
            }
            if (type != null && t.type() != type) {
                throw new CompileError(v.init().pos(), "expected " + type.withArticle() + " initial value, found " + t.type().withArticle());
            }
            type = t.type();
            initial = ((IrExpr.Const) t.ir()).value();
            if (type == Type.CPUSET) {
                constantSets.put(v.init().pos(), initial);
                cpuUses.add(CpuUse.namingSet(v.init().pos(), "the initial value of '" + v.name() + "'", initial & 0xffffffffL));
            }
        }
        if (type == Type.CPU) {
            // A cpu variable without an initial value starts at CPU 0, so it names CPU 0 too.
            cpuUses.add(CpuUse.naming(v.init() != null ? v.init().pos() : v.pos(), "the initial value of '" + v.name() + "'", initial));
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
        } else if (e instanceof Expr.Name n && mms.containsKey(n.name())) {
            return new Typed(new IrExpr.Const(mms.get(n.name())), Type.MM);
        }
        throw new CompileError(e.pos(), "expected a constant initial value (a number, true/false, a set of CPU numbers, a frame, page, table or address-space name)");
    }
}
