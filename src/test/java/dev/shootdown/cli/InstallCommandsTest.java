package dev.shootdown.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The command line as people expect it: --version names the commit, bash completion and manual pages come from picocli's model of the commands. */
class InstallCommandsTest {

    @Test
    @DisplayName("--version: the version, the commit the build recorded (git describe, or unknown), the Java")
    void version() {
        MainTest.Run r = MainTest.run("--version");

        assertThat(r.exit()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).matches("shootdown \\S+");
        assertThat(lines[1]).matches("commit (unknown|\\S*[0-9a-f]{7,}(-dirty)?)");
        assertThat(lines[2]).startsWith("Java " + System.getProperty("java.runtime.version"));
    }

    @Test
    @DisplayName("--version of a build that recorded no commit, or none at all, says unknown")
    void versionWithoutCommit() {
        String[] none = Version.lines(null);
        String[] empty = Version.lines(new ByteArrayInputStream("version=1.2\ncommit=\n".getBytes(StandardCharsets.UTF_8)));

        assertThat(none[1]).isEqualTo("commit unknown");
        assertThat(empty[0]).isEqualTo("shootdown 1.2");
        assertThat(empty[1]).isEqualTo("commit unknown");
    }

    /** What bash completes after {@code words} (the last one being completed), with the script sourced. */
    private static List<String> bashCompletes(Path script, String... words) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        String line = String.join(" ", words);
        String program = "source '" + script + "' 2>/dev/null; COMP_WORDS=(" + line + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE='" + line + "'; COMP_POINT=" + line.length() + "; _complete_shootdown 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"";
        Process p = new ProcessBuilder("/bin/bash", "--norc", "-c", program).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    @DisplayName("completion prints picocli's script; --dir writes the same; bash then completes commands and options")
    void completion(@TempDir Path dir) throws Exception {
        MainTest.Run printed = MainTest.run("completion");
        MainTest.Run installed = MainTest.run("completion", "--dir", dir.resolve("completions").toString());

        assertThat(printed.exit()).isZero();
        assertThat(printed.out()).contains("_complete_shootdown", "complete -F");
        assertThat(installed.exit()).isZero();
        Path script = dir.resolve("completions/shootdown");
        assertThat(Files.readString(script, StandardCharsets.UTF_8)).isEqualTo(printed.out());
        assertThat(installed.out()).contains(script.toString());
        assertThat(bashCompletes(script, "shootdown", "ch")).containsExactly("check");
        assertThat(bashCompletes(script, "shootdown", "l")).containsExactly("lsp");
        assertThat(bashCompletes(script, "shootdown", "check", "--w")).containsExactlyInAnyOrder("--width", "--workers");
    }

    @Test
    @DisplayName("man prints one page, man --dir writes a page per command; groff reads each without a warning")
    void manPages(@TempDir Path dir) throws Exception {
        MainTest.Run one = MainTest.run("man", "bench", "check");
        MainTest.Run all = MainTest.run("man", "--dir", dir.toString());
        MainTest.Run unknown = MainTest.run("man", "chek");

        assertThat(one.exit()).isZero();
        assertThat(one.out()).startsWith(".TH SHOOTDOWN-BENCH-CHECK 1 ").contains(".SH SYNOPSIS", "\\fB\\-\\-repeat\\fR=\\fIN\\fR");
        assertThat(all.exit()).isZero();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .contains("shootdown.1", "shootdown-check.1", "shootdown-bench-check.1", "shootdown-lsp.1", "shootdown-man.1")
                    .doesNotContain("shootdown-help.1");
        }
        assertThat(Files.readString(dir.resolve("shootdown.1"), StandardCharsets.UTF_8)).contains("shootdown\\-check\\fR(1)");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("no command 'chek'");

        assumeTrue(Files.isExecutable(Path.of("/usr/bin/groff")), "needs groff");
        for (String page : List.of("shootdown.1", "shootdown-check.1", "shootdown-simulate.1", "shootdown-bench-check.1")) {
            Process p = new ProcessBuilder("/usr/bin/groff", "-man", "-Tutf8", "-ww", "-z", dir.resolve(page).toString()).redirectErrorStream(true).start();
            String warnings = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(warnings).as(page).isEmpty();
        }
    }
}
