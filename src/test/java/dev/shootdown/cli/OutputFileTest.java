package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shootdown.sim.Profiles;
import dev.shootdown.sim.Protocols;
import dev.shootdown.sim.SimOptions;
import dev.shootdown.sim.SimResult;
import dev.shootdown.sim.Simulation;
import dev.shootdown.sim.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Files the CLI writes to a path the user named are written completely or not at all: a temporary
 * file beside the target, renamed into place once whole; a failure leaves the old file as it was and
 * no temporary behind.
 */
class OutputFileTest {
    @TempDir
    Path dir;

    static final String OLD = "the complete file that was there before\n";

    /** The names in {@code dir}, sorted: what a failed or finished write must leave is only the target. */
    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aWriteReplacesTheFileWholeAndLeavesNoTemporary() throws Exception {
        Path out = dir.resolve("report.html");
        Files.writeString(out, OLD);
        assertThat(OutputFile.write(out, "new")).isTrue();
        assertThat(Files.readString(out)).isEqualTo("new");
        assertThat(names(dir)).containsExactly("report.html");
    }

    @Test
    void anAbandonedWriteLeavesTheOldFileUnchangedAndNoTemporary() throws Exception {
        Path out = dir.resolve("report.html");
        Files.writeString(out, OLD);
        // Half a file written, then a failure (an exception, Ctrl-C of a command that cannot finish it): closed uncommitted.
        try (OutputFile f = OutputFile.create(out)) {
            f.stream().write("<html><body>half".getBytes(StandardCharsets.UTF_8));
            f.stream().flush();
        }
        assertThat(Files.readString(out)).isEqualTo(OLD);
        assertThat(names(dir)).containsExactly("report.html");
    }

    @Test
    void aStreamedFileAppearsOnlyWhenCommitted() throws Exception {
        Path out = dir.resolve("trace.json");
        try (OutputFile f = OutputFile.create(out)) {
            f.stream().write("{\"traceEvents\":[".getBytes(StandardCharsets.UTF_8));
            f.stream().flush();
            assertThat(out).doesNotExist();
            assertThat(names(dir)).singleElement().asString().startsWith(".trace.json.").endsWith(".tmp");
            f.stream().write("]}".getBytes(StandardCharsets.UTF_8));
            f.commit();
        }
        assertThat(Files.readString(out)).isEqualTo("{\"traceEvents\":[]}");
        assertThat(names(dir)).containsExactly("trace.json");
    }

    @Test
    void aRenameThatFailsLeavesNoTemporary() throws Exception {
        Path out = dir.resolve("out.html");
        OutputFile f = OutputFile.create(out);
        f.stream().write("x".getBytes(StandardCharsets.UTF_8));
        // Something else takes the name meanwhile, as a directory that is not empty: the rename cannot replace it.
        Files.createDirectories(out.resolve("inside"));
        try (f) {
            org.assertj.core.api.Assertions.assertThatThrownBy(f::commit).isInstanceOf(IOException.class);
        }
        assertThat(names(dir)).containsExactly("out.html");
        assertThat(names(out)).containsExactly("inside");
    }

    @Test
    void aDirectoryIsRefusedAndLeftAlone() throws Exception {
        // An empty directory: a rename with REPLACE_EXISTING would have replaced it.
        Path out = Files.createDirectory(dir.resolve("empty"));
        MainTest.Run r = MainTest.capture(() -> OutputFile.write(out, "x") ? 0 : 1);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("shootdown: cannot write " + out + ": is a directory\n");
        assertThat(out).isEmptyDirectory();
        assertThat(names(dir)).containsExactly("empty");
    }

    @Test
    void aMissingDirectoryIsOneLineAndCreatesNothing() throws Exception {
        Path out = dir.resolve("no-such-dir").resolve("x.html");
        MainTest.Run r = MainTest.capture(() -> OutputFile.write(out, "x") ? 0 : 1);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("shootdown: cannot write " + out + ": no such directory " + out.getParent() + "\n");
        assertThat(names(dir)).isEmpty();
    }

    @Test
    void aSymbolicLinkIsKeptAndTheFileItNamesReplaced() throws Exception {
        Path real = Files.writeString(Files.createDirectory(dir.resolve("elsewhere")).resolve("real.html"), OLD);
        Path link = Files.createSymbolicLink(dir.resolve("link.html"), real);
        assertThat(OutputFile.write(link, "new")).isTrue();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("new");
        assertThat(names(dir.resolve("elsewhere"))).containsExactly("real.html");
    }

    @Test
    void aReplacedFileKeepsItsPermissions() throws Exception {
        Path out = Files.writeString(dir.resolve("private.html"), OLD);
        assumeTrue(Files.getFileStore(out).supportsFileAttributeView("posix"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
        assertThat(OutputFile.write(out, "new")).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
    }

    @Test
    @Timeout(60) // a guard against a hang, not a timing assertion
    void aNamedPipeIsWrittenInPlaceNotReplaced() throws Exception {
        Path fifo = dir.resolve("pipe");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/mkfifo")) || Files.isExecutable(Path.of("/bin/mkfifo")), "needs mkfifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(fifo);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(OutputFile.write(fifo, "through the pipe")).isTrue();
        assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo("through the pipe");
        assertThat(Files.isRegularFile(fifo)).as("still a pipe").isFalse();
        assertThat(names(dir)).containsExactly("pipe");
    }

    // ------------------------------------------------------------------ the commands' files

    @Test
    void checkReplacesItsReportsWholeAndLeavesNoTemporary() throws Exception {
        Path html = Files.writeString(dir.resolve("cx.html"), OLD);
        Path mmd = Files.writeString(dir.resolve("cx.mmd"), OLD);
        MainTest.Run r = MainTest.run("check", "catalog/000-pte-first-no-wait.sd", "--html", html.toString(), "--mermaid", mmd.toString());
        assertThat(r.exit()).isEqualTo(Main.VIOLATION);
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
        assertThat(Files.readString(mmd)).startsWith("sequenceDiagram\n");
        assertThat(names(dir)).containsExactly("cx.html", "cx.mmd");
    }

    @Test
    void simulateAndReportReplaceTheirPagesWholeAndLeaveNoTemporary() throws Exception {
        Path page = Files.writeString(dir.resolve("run.html"), OLD);
        MainTest.Run sim = MainTest.run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--seconds", "0.0002", "--json", "--html", page.toString());
        assertThat(sim.exit()).as(sim.err()).isZero();
        assertThat(Files.readString(page)).startsWith("<!DOCTYPE html>").contains("linux-ipi under munmap");
        Path json = Files.writeString(dir.resolve("run.json"), sim.out());
        Path sweep = Files.writeString(dir.resolve("sweep.html"), OLD);
        MainTest.Run report = MainTest.run("report", json.toString(), "--html", sweep.toString(), "--title", "replaced");
        assertThat(report.exit()).as(report.err()).isZero();
        assertThat(Files.readString(sweep)).startsWith("<!DOCTYPE html>").contains("replaced");
        assertThat(names(dir)).containsExactly("run.html", "run.json", "sweep.html");
    }

    @Test
    void aRunThatFailsLeavesTheOldTraceAsItWas() throws Exception {
        // The trace was opened (and the old file truncated) before the run; the failure then closed it as an empty trace.
        Path trace = Files.writeString(dir.resolve("t.json"), OLD);
        Path protocol = Files.writeString(dir.resolve("no-munmap.sd"), "hardware x86 { cpus 2 }\nmm A { page p -> frame f writable }\n");
        MainTest.Run r = MainTest.run("simulate", protocol.toString(), "--workload", "munmap", "--cpus", "2", "--seconds", "0.0002", "--trace", trace.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).contains("calls proc munmap");
        assertThat(Files.readString(trace)).isEqualTo(OLD);
        assertThat(names(dir)).containsExactly("no-munmap.sd", "t.json");
    }

    @Test
    void aTraceAppearsOnlyOnceTheRunHasEndedAndItIsClosed() throws Exception {
        Path trace = Files.writeString(dir.resolve("t.json.gz"), OLD);
        SimOutputs outputs = new SimOutputs();
        outputs.trace = trace;
        var profile = Profiles.byName("skylake");
        MainTest.Run r = MainTest.capture(() -> {
            outputs.run("test", 2, profile, writer -> {
                SimResult result = Simulation.run(Protocols.load("linux-ipi"), Workloads.byName("munmap"), Map.of(), 2, profile,
                        new SimOptions(0.0002, 1, writer));
                // Run over, trace not yet finished: the old file is still there, whole, beside the temporary.
                try {
                    assertThat(Files.readString(trace)).isEqualTo(OLD);
                    assertThat(names(dir)).hasSize(2).contains("t.json.gz");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                return result;
            });
            return 0;
        });
        assertThat(r.err()).startsWith("trace: ").contains(" events written to " + trace);
        JsonNode j;
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(trace))) {
            j = new ObjectMapper().readTree(in);
        }
        assertThat(j.get("traceEvents").size()).isGreaterThan(10);
        assertThat(names(dir)).containsExactly("t.json.gz");
    }

    /**
     * Waits until the process is writing the trace: a temporary in {@code dir} has data, or (as when the
     * trace was written in place) {@code trace} no longer holds what it held.
     */
    private static void awaitTraceBeingWritten(CliProcess p, Path dir, Path trace) throws Exception {
        while (true) {
            assertThat(p.process.isAlive()).as("still running: %s", p.err()).isTrue();
            try (Stream<Path> s = Files.list(dir)) {
                if (s.anyMatch(f -> f.getFileName().toString().endsWith(".tmp") && f.toFile().length() > 0)) {
                    return;
                }
            }
            if (!Files.exists(trace) || Files.size(trace) != OLD.length()) {
                return;
            }
            Thread.sleep(50);
        }
    }

    /** An hour of 16 CPUs, traced: long enough to be killed or interrupted mid-trace. */
    private static String[] tracedRun(Path trace) {
        return new String[] {"simulate", "linux-ipi", "--workload", "munmap", "--cpus", "16", "--seconds", "3600", "--json",
                "--trace", trace.toString(), "--trace-limit", "200000"};
    }

    @Test
    @Timeout(120) // a guard against a hang, not a timing assertion
    void killMinus9MidTraceLeavesTheOldTraceWhole(@TempDir Path work) throws Exception {
        Path out = Files.createDirectory(work.resolve("out"));
        Path trace = Files.writeString(out.resolve("t.json"), OLD);
        try (CliProcess p = CliProcess.start(work, tracedRun(trace))) {
            awaitTraceBeingWritten(p, out, trace);
            p.process.destroyForcibly(); // SIGKILL: no hook runs, nothing is closed
            assertThat(p.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readString(trace)).isEqualTo(OLD);
    }

    @Test
    @Timeout(120) // a guard against a hang, not a timing assertion
    void ctrlCMidTraceStillFinishesTheTraceAndPutsItInPlace(@TempDir Path work) throws Exception {
        Path out = Files.createDirectory(work.resolve("out"));
        Path trace = Files.writeString(out.resolve("t.json"), OLD);
        try (CliProcess p = CliProcess.start(work, tracedRun(trace))) {
            awaitTraceBeingWritten(p, out, trace);
            int expected = p.interrupt();
            assertThat(p.exitCode()).as(p.err()).isEqualTo(expected);
            assertThat(p.err()).contains("events written to " + trace);
        }
        JsonNode j = new ObjectMapper().readTree(trace.toFile());
        assertThat(j.get("traceEvents").size()).isGreaterThan(10);
        assertThat(j.get("otherData").get("generator").asText()).isEqualTo("shootdown");
        assertThat(names(out)).containsExactly("t.json");
    }
}
