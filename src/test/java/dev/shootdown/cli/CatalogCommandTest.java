package dev.shootdown.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CatalogCommandTest {
    /** A directory of two quick entries. */
    static Path twoEntries(Path dir) throws IOException {
        String entry = Files.readString(Path.of("catalog/000-pte-first-no-wait.sd"), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("a.sd"), entry);
        Files.writeString(dir.resolve("b.sd"), entry);
        return dir;
    }

    @Test
    void withoutATerminalEachFinishedEntryIsAPlainLineOnStderr(@TempDir Path dir) throws IOException {
        MainTest.Run r = MainTest.run(false, "catalog", twoEntries(dir).toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("\r");
        assertThat(r.err().lines()).hasSize(2).satisfiesExactly(
                l -> assertThat(l).matches("catalog: 1/2 entries done, \\d+:\\d\\d elapsed"),
                l -> assertThat(l).matches("catalog: 2/2 entries done, \\d+:\\d\\d elapsed"));
        assertThat(r.out()).contains("2 of 2 entries agree");
    }

    @Test
    void onATerminalQuickEntriesDrawNothing(@TempDir Path dir) throws IOException {
        MainTest.Run r = MainTest.run(true, "catalog", twoEntries(dir).toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void everyEntryIsCompiledBeforeTheFirstSearch(@TempDir Path dir) throws IOException {
        twoEntries(dir);
        Files.writeString(dir.resolve("c.sd"), "hardware x86 { cpus 2 }\nmm A { page p -> frame f writble }\n");
        MainTest.Run r = MainTest.run(false, "catalog", dir.toString());
        assertThat(r.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).as("no entry was searched").startsWith(dir.resolve("c.sd") + ":2:").doesNotContain("entries done", "Exception");
    }

    @Test
    void anEntryWhoseSearchFailsStillPrintsTheEntriesCheckedBeforeIt(@TempDir Path dir) throws Exception {
        twoEntries(dir);
        // It compiles, but the checker refuses it when its search starts.
        Files.writeString(dir.resolve("c.sd"), """
                seed "000"
                expect safe
                explain \"""Too big.\"""
                hardware x86 { cpus 32 }
                mm A { page p -> frame f writable }
                cpu 0 runs A: read(p)
                """);
        Files.copy(dir.resolve("a.sd"), dir.resolve("d.sd"));
        MainTest.Run r = MainTest.run(false, "catalog", dir.toString());
        assertThat(r.exit()).isEqualTo(Main.BAD_INPUT);
        String why = "the checker explores at most 31 CPUs; this model has 32";
        // The refusal is at the cpus knob of the entry it stopped at.
        assertThat(r.err()).contains("catalog: 2/4 entries done").doesNotContain("3/4").contains(dir.resolve("c.sd") + ":4:21: " + why);
        assertThat(r.out()).containsPattern("(?m)^a +000 ").containsPattern("(?m)^b +000 ").doesNotContainPattern("(?m)^[cd] ")
                .contains("\npartial: 2 of 4 entries not checked (c failed: " + why);

        MainTest.Run j = MainTest.run(false, "catalog", dir.toString(), "--json");
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(j.out());
        assertThat(json.get("partial").asBoolean()).isTrue();
        assertThat(json.get("stop_reason").asText()).startsWith("c failed: " + why);
        assertThat(json.get("entries")).extracting(e -> e.get("name").asText()).containsExactly("a", "b");
        assertThat(json.get("entries")).allSatisfy(e -> assertThat(e.get("collision_probability").isNumber()).isTrue());
        assertThat(json.get("missing")).extracting(e -> e.get("name").asText()).containsExactly("c", "d");
    }
}
