package dev.shootdown.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The shootdown command in a JVM of its own, for what only a real process shows: Ctrl-C. Stdout and stderr go to files in a directory. */
final class CliProcess implements AutoCloseable {
    final Process process;
    final Path out;
    final Path err;

    private CliProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts {@code shootdown args} on the test's class path; skips the test where signals cannot be sent (not Linux). */
    static CliProcess start(Path dir, String... args) throws IOException {
        return start(dir, Main.class, Map.of(), List.of(), args);
    }

    /** The same with options for the JVM ({@code -Dfile.encoding=US-ASCII}). */
    static CliProcess start(Path dir, List<String> jvmOptions, String... args) throws IOException {
        return start(dir, Main.class, Map.of(), jvmOptions, args);
    }

    /** Starts {@code main} (Main, or a test's variant of it) with {@code env} added to the environment. */
    static CliProcess start(Path dir, Class<?> main, Map<String, String> env, String... args) throws IOException {
        return start(dir, main, env, List.of(), args);
    }

    private static CliProcess start(Path dir, Class<?> main, Map<String, String> env, List<String> jvmOptions, String... args) throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")) && Files.isExecutable(Path.of("/bin/kill")), "needs Linux /proc and /bin/kill");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, main.getName()));
        command.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("SHOOTDOWN_DEBUG");
        pb.environment().putAll(env);
        return new CliProcess(pb.start(), out, err);
    }

    String out() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    String err() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** Waits until stderr contains {@code text}; fails if the process ends first. */
    void awaitErr(String text) throws IOException, InterruptedException {
        while (!err().contains(text)) {
            assertThat(process.isAlive()).as("still running, waiting for '%s' on stderr: %s", text, err()).isTrue();
            Thread.sleep(50);
        }
    }

    /**
     * Waits until the process has used {@code seconds} of CPU time (all its threads, /proc/PID/stat),
     * for commands that print nothing while they work; fails if the process ends first.
     */
    void awaitCpuSeconds(double seconds) throws IOException, InterruptedException {
        while (true) {
            assertThat(process.isAlive()).as("still running, waiting for %s s of CPU time: %s", seconds, err()).isTrue();
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // The fields after the command name (which may hold spaces) start at its closing parenthesis: utime and stime are 14 and 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            if ((Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0 >= seconds) { // USER_HZ is 100 on Linux
                return;
            }
            Thread.sleep(50);
        }
    }

    /**
     * Sends the process Ctrl-C's SIGINT and returns the exit code that should follow. A JVM started with
     * SIGINT ignored (a background job of a non-interactive shell) keeps ignoring it; it is then sent
     * SIGTERM, which runs the same shutdown path.
     */
    int interrupt() throws IOException, InterruptedException {
        String signal = sigintIgnored(process.pid()) ? "TERM" : "INT";
        new ProcessBuilder("/bin/kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        return signal.equals("INT") ? Main.INTERRUPTED : 128 + 15;
    }

    /**
     * The exit code, once the process has ended (within two and a half minutes: a guard against a hang, not a timing
     * assertion; MemoryLimitTest's search takes 20 s alone and three times that on a machine busy with other jobs).
     */
    int exitCode() throws InterruptedException {
        assertThat(process.waitFor(150, TimeUnit.SECONDS)).as("exited").isTrue();
        return process.exitValue();
    }

    /** Whether the process ignores SIGINT (bit 1 of SigIgn in /proc/PID/status). */
    private static boolean sigintIgnored(long pid) throws IOException {
        List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
        String mask = status.stream().filter(l -> l.startsWith("SigIgn:")).findFirst().orElseThrow().substring("SigIgn:".length()).trim();
        return (Long.parseUnsignedLong(mask, 16) & (1L << 1)) != 0;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
