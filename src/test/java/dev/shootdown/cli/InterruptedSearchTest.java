package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ctrl-C during check and catalog: the search stops, what it established is printed (marked partial
 * or incomplete), and the exit code is 130, the one a real Ctrl-C gives the process.
 */
class InterruptedSearchTest {
    /** Millions of states: a search of it runs for many seconds, so a stop always finds it running. */
    static final String LONG_MODEL = """
            hardware x86 { cpus 5 }
            mm A { page p -> frame f writable; page q -> frame g writable; page r -> frame h writable }
            shared gen = 0
            percpu seen = 0
            irq flush_one(from) { flush_tlb_all(); seen = gen; ack(from) }
            proc munmap(va) {
              old = ptep_get_and_clear(va)
              gen = gen + 1
              targets = cpumask(A) - self
              send_ipi(targets, flush_one)
              flush_tlb_page(va)
              wait until acked(targets)
              free_frame(old.pfn)
            }
            cpu 0 runs A: { munmap(p); munmap(q) }
            cpu 1 runs A: loop { read(p); write(q); read(r) }
            cpu 2 runs A: loop { write(p); read(q) }
            cpu 3 runs A: loop { write(r); read(p) }
            cpu 4 runs A: loop { read(q); write(p) }
            check no_use_after_free, no_deadlock
            """;

    /** A catalog directory: a.sd, a quick entry, then b.sd, a long one. */
    static Path quickThenLong(Path dir) throws IOException {
        Path catalog = Files.createDirectories(dir.resolve("catalog"));
        Files.writeString(catalog.resolve("a.sd"), Files.readString(Path.of("catalog/000-pte-first-no-wait.sd"), StandardCharsets.UTF_8));
        Files.writeString(catalog.resolve("b.sd"), "seed \"000\"\nexpect safe\nexplain \"\"\"Long.\"\"\"\n" + LONG_MODEL);
        return catalog;
    }

    @Test
    @Timeout(120) // a guard against a hang, not a timing assertion
    void ctrlCDuringACatalogPrintsTheEntriesCheckedMarkedPartialAndExits130(@TempDir Path dir) throws Exception {
        try (CliProcess p = CliProcess.start(dir, "catalog", quickThenLong(dir).toString(), "--json")) {
            // Once a is done, b's search has begun (or is about to): the signal cuts it.
            p.awaitErr("catalog: 1/2 entries done");
            int expected = p.interrupt();
            assertThat(p.exitCode()).as(p.err()).isEqualTo(expected);
            assertThat(p.err()).doesNotContain("\r", "Exception");
            JsonNode j = new ObjectMapper().readTree(p.out.toFile());
            assertThat(j.get("partial").asBoolean()).isTrue();
            assertThat(j.get("stop_reason").asText()).isEqualTo("interrupted");
            assertThat(j.get("entries")).extracting(e -> e.get("name").asText()).containsExactly("a");
            assertThat(j.get("entries").get(0).get("agrees").asBoolean()).isTrue();
            assertThat(j.get("missing")).extracting(e -> e.get("name").asText()).containsExactly("b");
        }
    }

    /** {@code command} with its search options' stop flag already set, as Ctrl-C sets it; stderr is no terminal. */
    static MainTest.Run stopped(SearchLimits limits, java.util.concurrent.Callable<Integer> command) {
        limits.stop.set(true);
        return MainTest.capture(() -> {
            try {
                return command.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aStoppedCatalogPrintsTheTableSoFarAndNamesTheRest(@TempDir Path dir) throws Exception {
        CatalogCommand c = new CatalogCommand();
        c.main = new Main(false);
        c.dir = quickThenLong(dir);
        // Entry a is too small for the search to look at the flag: it finishes, and nothing after it starts.
        MainTest.Run r = stopped(c.limits, c::call);
        assertThat(r.exit()).isEqualTo(Main.INTERRUPTED);
        assertThat(r.out()).containsPattern("(?m)^a +000 +use_after_free +use_after_free +yes ")
                .doesNotContain("\nb ")
                .endsWith("\npartial: 1 of 2 entries not checked (interrupted), from b on\n");
    }

    @Test
    void aStoppedCheckPrintsWhatItEstablishedAndReturns130(@TempDir Path dir) throws Exception {
        Path model = Files.writeString(dir.resolve("long.sd"), LONG_MODEL);
        CheckCommand c = new CheckCommand();
        c.main = new Main(false);
        c.file = model;
        c.json = true;
        MainTest.Run r = stopped(c.limits, c::call);
        assertThat(r.exit()).isEqualTo(Main.INTERRUPTED);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("complete").asBoolean()).isFalse();
        assertThat(j.get("stop_reason").asText()).isEqualTo("interrupted");
        assertThat(j.get("states").asLong()).isPositive();
        assertThat(j.get("properties").get("no_use_after_free").asText()).isEqualTo("unknown");
    }
}
