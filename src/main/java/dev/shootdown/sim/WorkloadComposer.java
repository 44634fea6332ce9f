package dev.shootdown.sim;

import dev.shootdown.lang.Decl;
import dev.shootdown.lang.ModelFile;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import dev.shootdown.lang.UserError;
import dev.shootdown.model.Compiler;
import dev.shootdown.model.Program;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Puts a protocol and a workload together without writing the protocol twice: the protocol file's
 * declarations (hardware, address spaces, variables, procedures, IRQ handlers) are kept as they
 * are; its scenario ({@code cpu ... runs}), {@code check} and {@code invariant} lines and its
 * catalog metadata other than the title, which are for the checker, are dropped; the workload's snippet supplies the programs of all N CPUs. Pages a
 * workload declares in an {@code mm} of the protocol's name join that address space. The whole is
 * compiled for N CPUs by the one compiler both engines use.
 */
public final class WorkloadComposer {
    private WorkloadComposer() {}

    /** The parameters a workload snippet sees: its defaults, the overrides, and what the protocol and the machine size give. */
    public static Map<String, String> parameters(ModelFile protocol, Workload w, Map<String, String> overrides, int cpus) {
        Decl.Mm mm = firstMm(protocol);
        Map<String, String> p = new LinkedHashMap<>(w.defaults());
        for (Map.Entry<String, String> o : overrides.entrySet()) {
            if (!w.defaults().containsKey(o.getKey()) && w.template() != null && !w.template().startsWith("text:")) {
                throw new UserError("workload '" + w.name() + "' has no parameter '" + o.getKey() + "'"
                        + (w.defaults().isEmpty() ? " (it has none)" : " (it has " + String.join(", ", new TreeSet<>(w.defaults().keySet())) + ")"));
            }
            p.put(o.getKey(), o.getValue());
        }
        for (Map.Entry<String, String> e : p.entrySet()) {
            if (!e.getValue().matches("-?\\d+")) {
                throw new UserError("workload parameter " + e.getKey() + "=" + e.getValue() + ": expected a whole number");
            }
        }
        p.put("cpus", Integer.toString(cpus));
        p.put("last_cpu", Integer.toString(cpus - 1));
        p.put("mm", mm.name());
        p.put("page", mm.pages().get(0).name());
        if (p.containsKey("batch")) {
            p.put("batch_last", Integer.toString(Integer.parseInt(p.get("batch")) - 1));
        }
        return p;
    }

    public static Program compose(SourceFile protocolSource, Workload w, Map<String, String> overrides, int cpus) {
        return compose(protocolSource, Map.of(), w, overrides, cpus);
    }

    /** {@link #compose(SourceFile, Workload, Map, int)} with the protocol's {@code param}s set by {@code defines}. */
    public static Program compose(SourceFile protocolSource, Map<String, Integer> defines, Workload w, Map<String, String> overrides, int cpus) {
        return composeWithTasks(protocolSource, defines, w, overrides, cpus).program();
    }

    /** A composed run: the program for N CPUs and the tasks its workload declares (none for a workload without a scheduler). */
    public record Composed(Program program, Tasks tasks) {}

    /**
     * What a workload with tasks calls when the protocol does not define it: a switch that moves the CPU from prev's
     * mm_cpumask to next's around the CR3 load (the order of x86's switch_mm_irqs_off, arch/x86/mm/tlb.c: set next's bit
     * before the load, so a flush that misses the CPU cleared its PTE before the CPU could walk it), nothing for a
     * switch within one mm, and a lazy mode that does nothing (the CPU stays in the mask and takes every flush).
     */
    private static final Map<String, String> SCHED_DEFAULTS = Map.of(
            "switch_mm_irqs_off", "proc switch_mm_irqs_off(prev, next) {\n  if (prev != next) {\n    cpumask_set(next, self)\n    switch_mm(next)\n    cpumask_clear(prev, self)\n  }\n}\n",
            "enter_lazy_tlb", "proc enter_lazy_tlb(borrowed) { }\n");

    public static Composed composeWithTasks(SourceFile protocolSource, Map<String, Integer> defines, Workload w, Map<String, String> overrides, int cpus) {
        if (cpus < w.minCpus()) {
            throw new UserError("workload '" + w.name() + "' needs at least " + w.minCpus() + " CPUs");
        }
        ModelFile protocol = Parser.parse(protocolSource, defines);
        Map<String, String> params = parameters(protocol, w, overrides, cpus);
        StringBuilder rendered = new StringBuilder(WorkloadTemplate.render("workload " + w.name(), Workloads.text(w), params));
        Tasks tasks = Tasks.extract("workload " + w.name(), rendered);
        if (!tasks.isEmpty()) {
            rendered.append(WorkloadTemplate.render("scheduler", Workloads.resource("scheduler.sdw"), params));
        }
        ModelFile workload = Parser.parse(new SourceFile("workload " + w.name(), rendered.toString()));

        Set<String> procs = new TreeSet<>();
        for (Decl d : protocol.decls()) {
            if (d instanceof Decl.Proc p && !p.irq()) {
                procs.add(p.name());
            }
        }
        List<String> missing = new ArrayList<>();
        for (String r : w.requires()) {
            if (!procs.contains(r)) {
                missing.add(r);
            }
        }
        if (!missing.isEmpty()) {
            throw new UserError("workload '" + w.name() + "' calls proc " + String.join(", ", missing) + ", which " + protocolSource.name()
                    + " does not define (it defines " + (procs.isEmpty() ? "no procedures" : String.join(", ", procs)) + "); see the protocol convention in `simulate --help`");
        }

        List<Decl> decls = new ArrayList<>();
        Map<String, Integer> mmAt = new LinkedHashMap<>();
        for (Decl d : protocol.decls()) {
            // The title stays: reports name the protocol's lines by it.
            if (d instanceof Decl.Cpu || d instanceof Decl.Check || d instanceof Decl.Invariant || d instanceof Decl.Meta m && !m.key().equals("title")) {
                continue;
            }
            if (d instanceof Decl.Mm m) {
                mmAt.put(m.name(), decls.size());
            }
            decls.add(d);
        }
        for (String o : w.optional()) {
            if (!procs.contains(o)) {
                decls.addAll(Parser.parse(new SourceFile("workload " + w.name() + " (default " + o + ")", "proc " + o + "() { }\n")).decls());
            }
        }
        if (!tasks.isEmpty()) {
            for (Map.Entry<String, String> o : new java.util.TreeMap<>(SCHED_DEFAULTS).entrySet()) {
                if (!procs.contains(o.getKey())) {
                    decls.addAll(Parser.parse(new SourceFile("workload " + w.name() + " (default " + o.getKey() + ")", o.getValue())).decls());
                }
            }
        }
        for (Decl d : workload.decls()) {
            if (d instanceof Decl.Mm m && mmAt.containsKey(m.name())) {
                int at = mmAt.get(m.name());
                Decl.Mm mine = (Decl.Mm) decls.get(at);
                List<Decl.Page> pages = new ArrayList<>(mine.pages());
                pages.addAll(m.pages());
                List<Decl.Table> tables = new ArrayList<>(mine.tables());
                tables.addAll(m.tables());
                decls.set(at, new Decl.Mm(mine.pos(), mine.name(), pages, tables));
            } else {
                decls.add(d);
            }
        }
        return new Composed(Compiler.compile(new ModelFile(protocolSource, decls), Map.of("cpus", Integer.toString(cpus))), tasks);
    }

    private static Decl.Mm firstMm(ModelFile protocol) {
        for (Decl d : protocol.decls()) {
            if (d instanceof Decl.Mm m && !m.pages().isEmpty()) {
                return m;
            }
        }
        throw new UserError(protocol.source().name() + " declares no address space with a page; a workload needs one (mm A { page p -> frame f writable })");
    }
}
