package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A search far beyond the heap, in a JVM of its own with a small heap: it ends with the partial
 * verdict of the memory limit (exit 3), never an OutOfMemoryError, and leaves no spill file.
 */
class MemoryLimitTest {
    /**
     * Six CPUs with two-entry TLBs, evictions and speculative walks over 62 pages: hundreds of speculative walks
     * from every state, so millions of states two steps from the start. Before the guard measured the heap, this
     * model ended in an OutOfMemoryError at -Xmx128m and -Xmx256m alike (a frontier block of 4096 wide states
     * was allocated between two of the old guard's looks); now the frontier goes to disk and the search stops when
     * the visited set and the trace fill the heap. 128 MiB keeps the run short: the search gets about twice as far
     * with 256.
     */
    static final String MODEL = """
            hardware x86 { cpus 6; tlb_capacity 2; evictions; speculative_walks; paging_cache off }
            mm A { page p1 -> frame f1 writable; page p2 -> frame f2 writable; %s }
            shared tgt: page
            irq flush_one(from) { flush_tlb_page(tgt); ack(from) }
            proc unmap_free(va) {
              old = ptep_get_and_clear(va)
              tgt = va
              targets = cpumask(A) - self
              send_ipi(targets, flush_one)
              flush_tlb_page(va)
              wait until acked(targets)
              free_frame(old.pfn)
            }
            proc remap(va) {
              n = alloc_frame()
              set_pte(va, mk_pte(n, true))
            }
            cpu 0 runs A: loop { unmap_free(p1); remap(p1); unmap_free(p2); remap(p2) }
            cpu 1.. runs A: loop { read(p1); write(p1); read(p2); write(p2) }
            check no_use_after_free
            """.formatted(IntStream.range(0, 60).mapToObj(i -> "page d" + i + " -> frame e" + i + " writable").collect(Collectors.joining("; ")));

    static final List<String> SMALL_HEAP = List.of("-Xmx128m");

    @TempDir
    Path dir;

    private Path model() throws IOException {
        return Files.writeString(dir.resolve("wide.sd"), MODEL);
    }

    private Path spillDir() throws IOException {
        return Files.createDirectories(dir.resolve("spill"));
    }

    @Test
    @Timeout(180) // a guard against a hang, not a timing assertion
    void aSearchBeyondTheHeapEndsWithThePartialVerdictOfTheMemoryLimit() throws Exception {
        Path spill = spillDir();
        try (CliProcess p = CliProcess.start(dir, SMALL_HEAP, "check", model().toString(), "--json", "--spill-dir", spill.toString())) {
            assertThat(p.exitCode()).as(p.err()).isEqualTo(Main.INCOMPLETE);
            assertThat(p.err()).doesNotContain("OutOfMemoryError", "internal error", "Exception");
            JsonNode j = new ObjectMapper().readTree(p.out.toFile());
            assertThat(j.get("verdict").asText()).as("no violation found is not safe").isEqualTo("unknown");
            assertThat(j.get("complete").asBoolean()).isFalse();
            assertThat(j.get("stop_reason").asText()).as("the guard's own stop, not a refused allocation").matches("memory limit \\(\\d+ MiB heap\\)");
            assertThat(j.get("properties").get("no_use_after_free").asText()).isEqualTo("unknown");
            assertThat(j.get("states").asLong()).isGreaterThan(1_000_000);
            assertThat(j.get("deepest_level_finished").asInt()).isNotNegative().isLessThan(j.get("depth").asInt());
            assertThat(j.get("spilled_states").asLong()).as("the frontier went to disk").isPositive();
            assertThat(j.get("collision_probability").isNumber()).isTrue();
        }
        assertThat(files(spill)).as("spill files left behind").isEmpty();
    }

    @Test
    @Timeout(180) // a guard against a hang, not a timing assertion
    void ctrlCWhileTheFrontierIsOnDiskLeavesNoSpillFile() throws Exception {
        Path spill = spillDir();
        try (CliProcess p = CliProcess.start(dir, SMALL_HEAP, "check", model().toString(), "--spill-dir", spill.toString())) {
            awaitSpillFile(p, spill);
            int expected = p.interrupt();
            assertThat(p.exitCode()).as(p.err()).isEqualTo(expected);
            assertThat(p.err()).doesNotContain("OutOfMemoryError", "Exception");
            assertThat(p.out()).contains("search incomplete (interrupted)");
        }
        assertThat(files(spill)).as("spill files left behind").isEmpty();
    }

    @Test
    void aSpillDirectoryThatIsNoDirectoryIsRefusedBeforeTheSearch() throws Exception {
        for (String command : new String[] {"check", "catalog"}) {
            Path missing = dir.resolve("missing");
            MainTest.Run r = MainTest.run(false, command, command.equals("check") ? "catalog/000-pte-first-wait.sd" : "catalog", "--spill-dir", missing.toString());
            assertThat(r.exit()).isEqualTo(Main.BAD_INPUT);
            assertThat(r.err()).contains("shootdown: --spill-dir " + missing + ": not a writable directory").doesNotContain("catalog: 1/");
            assertThat(r.out()).isEmpty();
        }
    }

    /** Waits until the process has a file of {@code spill} open: the frontier is on disk (the file may have no name left). */
    private static void awaitSpillFile(CliProcess p, Path spill) throws IOException, InterruptedException {
        Path fds = Path.of("/proc", Long.toString(p.process.pid()), "fd");
        while (true) {
            assertThat(p.process.isAlive()).as("still running, waiting for the frontier to spill: %s", p.err()).isTrue();
            try (Stream<Path> open = Files.list(fds)) {
                if (open.anyMatch(fd -> target(fd).startsWith(spill.toString()))) {
                    return;
                }
            } catch (IOException raced) {
                // The process ended between the two looks: the assertion above says so next time.
            }
            Thread.sleep(50);
        }
    }

    private static String target(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException gone) {
            return "";
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
