package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Ctrl-C on a real process: a sweep whose second point would run for hours is sent SIGINT once its
 * first point has finished, and must print that point, marked partial, before it exits 130.
 */
class InterruptedSweepTest {
    @Test
    @Timeout(120) // a guard against a hang, not a timing assertion
    void anInterruptedSweepPrintsTheFinishedPointsAndExits130(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")) && Files.isExecutable(Path.of("/bin/kill")), "needs Linux /proc and /bin/kill");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path out = dir.resolve("out.json");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath, Main.class.getName(),
                "simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--sweep", "seconds=0.0005,3600,0.0005", "--threads", "1", "--json")
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            while (!Files.readString(err).contains(" 1/3 points")) {
                assertThat(p.isAlive()).as("the sweep runs until interrupted; stderr: %s", Files.readString(err)).isTrue();
                Thread.sleep(50);
            }
            // A JVM started with SIGINT ignored (a background job of a non-interactive shell) keeps ignoring it; SIGTERM
            // runs the same shutdown path.
            String signal = sigintIgnored(p.pid()) ? "TERM" : "INT";
            new ProcessBuilder("/bin/kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited after the signal").isTrue();
            assertThat(p.exitValue()).as(Files.readString(err)).isEqualTo(signal.equals("INT") ? Main.INTERRUPTED : 128 + 15);
            assertThat(Files.readString(err)).contains("interrupted");
            JsonNode j = new ObjectMapper().readTree(out.toFile());
            assertThat(j.get("partial").asBoolean()).isTrue();
            assertThat(j.get("stop_reason").asText()).isEqualTo("interrupted");
            assertThat(j.get("runs")).extracting(r -> r.get("index").asInt()).containsExactly(0);
            assertThat(j.get("runs").get(0).get("result").get("metrics").get("throughput_ops_per_second").asDouble()).isPositive();
            assertThat(j.get("missing")).extracting(r -> r.get("index").asInt()).containsExactly(1, 2);
        } finally {
            p.destroyForcibly();
        }
    }

    /** Whether the process ignores SIGINT (bit 1 of SigIgn in /proc/PID/status). */
    private static boolean sigintIgnored(long pid) throws Exception {
        List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
        String mask = status.stream().filter(l -> l.startsWith("SigIgn:")).findFirst().orElseThrow().substring("SigIgn:".length()).trim();
        return (Long.parseUnsignedLong(mask, 16) & (1L << 1)) != 0;
    }
}
