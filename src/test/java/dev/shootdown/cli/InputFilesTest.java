package dev.shootdown.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every file a user names goes through one bounded, strict reader: the same refusals, with exit 2 and no stack trace, whichever command reads it. */
class InputFilesTest {

    @Test
    @DisplayName("/dev/zero as a model, workload, profile, report or merge input: too large, exit 2")
    void endlessFileIsTooLargeEverywhere() {
        assumeTrue(Files.isReadable(Path.of("/dev/zero")), "needs /dev/zero");
        List<String[]> commands = List.of(
                new String[] {"check", "/dev/zero"},
                new String[] {"simulate", "linux-ipi", "--workload", "/dev/zero", "--cpus", "2", "--seconds", "0.0001"},
                new String[] {"simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--seconds", "0.0001", "--profile", "/dev/zero"},
                new String[] {"profile", "/dev/zero"},
                new String[] {"report", "/dev/zero"},
                new String[] {"merge", "/dev/zero"});
        for (String[] args : commands) {
            MainTest.Run r = MainTest.run(args);
            assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", args)).startsWith("shootdown: /dev/zero: too large (more than 16 MiB)").hasLineCount(1);
        }
    }

    @Test
    @DisplayName("bytes that are not UTF-8 in a model or a report input: file:line:column, exit 2")
    void notUtf8IsPositioned(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("bad.sd");
        Files.write(model, new byte[] {'h', 'a', 'r', 'd', '\n', ' ', (byte) 0xC3, '('});
        Path report = dir.resolve("bad.json");
        Files.write(report, new byte[] {'{', '\n', '"', (byte) 0xE9, '"', ':', '1', '}'});

        MainTest.Run m = MainTest.run("check", model.toString());
        MainTest.Run r = MainTest.run("report", report.toString());

        assertThat(m.exit()).isEqualTo(2);
        assertThat(m.err()).startsWith(model + ":2:2: not UTF-8 (byte 0xC3").doesNotContain("Exception");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith(report + ":2:2: not UTF-8 (byte 0xE9");
    }

    @Test
    @DisplayName("messages are UTF-8 on stdout and stderr even where the platform's charset is ASCII")
    void outputIsUtf8WhateverThePlatform(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("x.sd");
        Files.writeString(model, "hardware x86 { cpus 1 }\nmm A { page p -> frame f writable }\ncpu 0 runs A: read(\uD835\uDC65)\n", StandardCharsets.UTF_8);
        try (CliProcess p = CliProcess.start(dir, List.of("-Dfile.encoding=US-ASCII", "-Dsun.stdout.encoding=US-ASCII", "-Dsun.stderr.encoding=US-ASCII"),
                "check", model.toString())) {
            assertThat(p.exitCode()).isEqualTo(2);
            assertThat(p.err()).startsWith(model + ":3:20: unknown name '\uD835\uDC65'").contains("read(\uD835\uDC65)");
        }
    }
}
