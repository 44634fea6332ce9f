package dev.shootdown.sim;

import dev.shootdown.lang.Sources;
import dev.shootdown.lang.UserError;
import dev.shootdown.model.Layout;
import dev.shootdown.model.Program;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in workloads, by name: one place to add one (a snippet in resources/sim/workloads and
 * a line here). Any other name is read as a path to a user-written snippet (.sdw) in the same form.
 *
 * <p>The convention a protocol follows to be driven: it declares at least one address space (the
 * first one is the workload's process, its first page the page {@code munmap} works on) and
 * <ul>
 * <li>{@code proc munmap(va)}: unmap page va of that address space and make sure no TLB still maps
 *     it before returning (munmap, tlb_flush2, server);</li>
 * <li>{@code proc flush_batch(mm)}: after the caller cleared a batch of PTEs of address space mm,
 *     flush every TLB that may map them, waiting for completion (reclaim);</li>
 * <li>optionally {@code proc switch_mm_irqs_off(prev, next)} and {@code proc enter_lazy_tlb(mm)}:
 *     a context switch to a user task of mm next from prev (the mm loaded until then), and to a kernel
 *     thread or the idle task, which borrows mm (the workloads with tasks: munmap, server, reclaim;
 *     {@link WorkloadComposer} supplies plain ones when missing).</li>
 * </ul>
 * Workload names start with {@code wl_} or {@code sim_}; a protocol should not use those prefixes.
 */
public final class Workloads {
    private static final Map<String, Workload> REGISTRY = new LinkedHashMap<>();

    static {
        // switch_cycles (the workloads with tasks): a context switch's own kernel work besides the mm switch and the refills
        // (__schedule, the register and FPU state): ESTIMATE, the order of lmbench lat_ctx between two processes.
        add(new Workload("munmap", "munmap/madvise(DONTNEED) microbenchmark: a thread on CPU 0 maps, touches and unmaps a page; the other CPUs run threads of the process, and with other_procs time-share with other processes' threads",
                "one touch + munmap + map on CPU 0", List.of("munmap"), List.of(),
                Map.of("user_cycles", "1000000", "other_procs", "0", "switch_cycles", "2000"), "munmap.sdw", 2));
        add(new Workload("tlb_flush2", "will-it-scale tlb_flush2_threads: every CPU stores to its own page, zaps it (madvise DONTNEED), reads it back (a fault) and faults a fresh page in",
                "one iteration (store, zap, read fault, fault in) on any CPU", List.of("munmap"), List.of(),
                // lru_hold_cycles: lru_add_drain's critical section under the LRU lock: ESTIMATE (moving a one-page per-CPU batch onto the LRU list).
                Map.of("lru_hold_cycles", "300"), "tlb_flush2.sdw", 1));
        add(new Workload("server", "many-process server: client processes send requests to the server's thread per connection and sleep for the reply, a switch per request; a server thread on CPU 0 unmaps a buffer now and then",
                "one request served", List.of("munmap"), List.of(),
                Map.of("unmap_gap_cycles", "200000", "switch_cycles", "2000", "request_cycles", "50000", "think_cycles", "50000",
                        "idle_cycles", "1000000", "clients_per_cpu", "1"), "server.sdw", 2));
        add(new Workload("reclaim", "batched page reclaim across processes: kswapd, a kernel thread on CPU 0, unmaps a batch of each process's pages, flushes once per batch, writes back and frees",
                "one page reclaimed", List.of("flush_batch"), List.of(),
                Map.of("batch", "32", "scan_cycles", "100000", "user_cycles", "200000", "procs", "1", "switch_cycles", "2000"), "reclaim.sdw", 2));
    }

    private Workloads() {}

    private static void add(Workload w) {
        REGISTRY.put(w.name(), w);
    }

    public static Map<String, Workload> all() {
        return REGISTRY;
    }

    /** A built-in workload by name, or a user-written snippet read from the path {@code name}. */
    public static Workload byName(String name) {
        Workload w = REGISTRY.get(name);
        if (w != null) {
            return w;
        }
        Path p = Path.of(name);
        if (!Files.exists(p)) {
            throw new UserError("unknown workload '" + name + "': expected one of " + String.join(", ", REGISTRY.keySet())
                    + ", or the path of a workload snippet (.sdw)");
        }
        String text = Sources.text(p);
        return new Workload(p.toString(), "user-defined workload " + p, "one increment of sim_ops", List.of(), List.of(), Map.of(), "text:" + text, 1);
    }

    /** The snippet text of a workload: its resource, or the file it was read from. */
    /** The operations a run completed: what the workload counted in its per-CPU {@code sim_ops}, over all CPUs (0 without it). */
    static long operations(Program program, Layout layout, int[] state) {
        int opsVar = -1;
        for (int v = 0; v < program.perCpu().size(); v++) {
            if (program.perCpu().get(v).name().equals("sim_ops")) {
                opsVar = v;
            }
        }
        long ops = 0;
        if (opsVar >= 0) {
            for (int c = 0; c < program.cpus(); c++) {
                ops += state[layout.cpu(c) + layout.perCpu + opsVar];
            }
        }
        return ops;
    }

    public static String text(Workload w) {
        if (w.template() != null && w.template().startsWith("text:")) {
            return w.template().substring(5);
        }
        return resource(w.template());
    }

    /** A snippet shipped under /sim/workloads. */
    static String resource(String name) {
        try (InputStream in = Workloads.class.getResourceAsStream("/sim/workloads/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource /sim/workloads/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
