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
}
