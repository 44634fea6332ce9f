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
 * <li>{@code proc flush_batch()}: after the caller cleared a batch of PTEs, flush every TLB of the
 *     address space, waiting for completion (reclaim);</li>
 * <li>optionally {@code proc enter_lazy()} / {@code proc leave_lazy()}: what a CPU does when it
 *     switches to the idle task keeping the mm loaded, and when it switches back (server).</li>
 * </ul>
 * Workload names start with {@code wl_} or {@code sim_}; a protocol should not use those prefixes.
 */
public final class Workloads {
    private static final Map<String, Workload> REGISTRY = new LinkedHashMap<>();

    static {
        add(new Workload("munmap", "munmap/madvise(DONTNEED) microbenchmark: CPU 0 maps, touches and unmaps a page; the other CPUs run threads of the process",
                "one touch + munmap + map on CPU 0", List.of("munmap"), List.of(), Map.of("user_cycles", "1000000"), "munmap.sdw", 2));
        add(new Workload("tlb_flush2", "will-it-scale tlb_flush2_threads: every CPU stores to its own page, zaps it (madvise DONTNEED), reads it back (a fault) and faults a fresh page in",
                "one iteration (store, zap, read fault, fault in) on any CPU", List.of("munmap"), List.of(),
                // lru_hold_cycles: lru_add_drain's critical section under the LRU lock: ESTIMATE (moving a one-page per-CPU batch onto the LRU list).
                Map.of("lru_hold_cycles", "300"), "tlb_flush2.sdw", 1));
        add(new Workload("server", "context-switch-heavy server: workers serve requests and idle in lazy-TLB mode; CPU 0 unmaps a buffer now and then",
                "one request served", List.of("munmap"), List.of("enter_lazy", "leave_lazy"),
                Map.of("unmap_gap_cycles", "200000", "switch_cycles", "2000", "request_cycles", "50000", "idle_cycles", "50000"), "server.sdw", 2));
        add(new Workload("reclaim", "batched page reclaim: kswapd on CPU 0 unmaps a batch of pages, flushes once per batch, writes back and frees",
                "one page reclaimed", List.of("flush_batch"), List.of(), Map.of("batch", "32", "scan_cycles", "100000", "user_cycles", "200000"), "reclaim.sdw", 2));
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
        try (InputStream in = Workloads.class.getResourceAsStream("/sim/workloads/" + w.template())) {
            if (in == null) {
                throw new IllegalStateException("missing resource for workload " + w.name());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
