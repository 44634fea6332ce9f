package dev.shootdown.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Whatever escapes a command, whatever thread it escapes from, ends as one line on stderr and exit 70:
 * never the JVM's stack trace, never exit 1. The failures are injected by {@link FailingMain}'s
 * test-only command.
 */
class InternalErrorTest {
    static final String REPORT = " (please report it with the model file; SHOOTDOWN_DEBUG=1 prints the stack trace)\n";

    @BeforeAll
    static void noDebug() {
        assumeTrue(System.getenv("SHOOTDOWN_DEBUG") == null, "SHOOTDOWN_DEBUG prints stack traces");
    }

    static MainTest.Run run(String... args) {
        return MainTest.capture(() -> Main.run(args, false, FailingMain::extend));
    }

    @Test
    void anErrorFromACommandIsOneLineAndExit70() {
        // StackOverflowError and OutOfMemoryError are no Exception: picocli's handler never saw them and they left Main.run.
        MainTest.Run overflow = run("fail-with", "stack-overflow");
        assertThat(overflow.exit()).isEqualTo(Main.INTERNAL_ERROR);
        assertThat(overflow.err()).isEqualTo("shootdown: internal error: java.lang.StackOverflowError: injected" + REPORT);
        MainTest.Run oom = run("fail-with", "out-of-memory");
        assertThat(oom.exit()).isEqualTo(Main.INTERNAL_ERROR);
        assertThat(oom.err()).isEqualTo("shootdown: internal error: java.lang.OutOfMemoryError: injected" + REPORT);
    }

    @Test
    void anErrorInPicocliParsingIsOneLineAndExit70() {
        MainTest.Run r = run("fail-with", "nothing", "--broken", "1");
        assertThat(r.exit()).isEqualTo(Main.INTERNAL_ERROR);
        assertThat(r.err()).isEqualTo("shootdown: internal error: java.lang.AssertionError: injected in a converter" + REPORT);
    }

    @Test
    void anExceptionWhoseMessageHasSeveralLinesIsReportedInOne() {
        MainTest.Run r = run("fail-with", "two-lines");
        assertThat(r.exit()).isEqualTo(Main.INTERNAL_ERROR);
        assertThat(r.err()).isEqualTo("shootdown: internal error: java.lang.IllegalStateException: injected ..." + REPORT);
    }

    @Test
    void aFailureWhileReportingAUsersErrorIsOneLineAndExit70() {
        // picocli itself printed a stack trace and returned 1 when the exception handler threw.
        MainTest.Run r = run("fail-with", "unprintable");
        assertThat(r.exit()).isEqualTo(Main.INTERNAL_ERROR);
        assertThat(r.err()).startsWith("shootdown: internal error: java.lang.NullPointerException").endsWith(REPORT).doesNotContain("\tat ");
    }

    @Test
    void anErrorInASweepWorkerIsOneLineAfterWhatWasPrinted() {
        MainTest.Run r = run("fail-with", "sweep-worker");
        assertThat(r.exit()).isEqualTo(Main.INTERNAL_ERROR);
        assertThat(r.out()).contains("partial: 1 of 1 rows not run (run linux-ipi / munmap / 2 CPUs / skylake / 0.001 s, seed 1 failed: internal error: "
                + "java.lang.IllegalStateException: java.lang.StackOverflowError: injected in a sweep worker)");
        assertThat(r.err().lines()).last().asString()
                .isEqualTo("shootdown: internal error: java.lang.IllegalStateException: java.lang.StackOverflowError: injected in a sweep worker" + REPORT.stripTrailing());
        assertThat(r.err()).doesNotContain("\tat ");
    }

    @Test
    @Timeout(60) // a guard against a hang, not a timing assertion
    void inARealProcessAnErrorExits70NotOne(@TempDir Path dir) throws Exception {
        // The Error left main(): the JVM printed "Exception in thread "main"" and its stack trace, and exited 1.
        try (CliProcess p = CliProcess.start(dir, FailingMain.class, Map.of(), "fail-with", "stack-overflow")) {
            assertThat(p.exitCode()).isEqualTo(Main.INTERNAL_ERROR);
            assertThat(p.err()).isEqualTo("shootdown: internal error: java.lang.StackOverflowError: injected" + REPORT);
        }
    }

    @Test
    @Timeout(60)
    void withShootdownDebugTheStackTraceFollowsTheLine(@TempDir Path dir) throws Exception {
        try (CliProcess p = CliProcess.start(dir, FailingMain.class, Map.of("SHOOTDOWN_DEBUG", "1"), "fail-with", "stack-overflow")) {
            assertThat(p.exitCode()).isEqualTo(Main.INTERNAL_ERROR);
            assertThat(p.err()).startsWith("shootdown: internal error: java.lang.StackOverflowError: injected" + REPORT + "java.lang.StackOverflowError: injected\n\tat ");
        }
    }

    @Test
    @Timeout(60)
    void aThreadThatDiesOfAnExceptionEndsTheRunWith70(@TempDir Path dir) throws Exception {
        // The JVM printed the thread's stack trace and the run went on to exit 0.
        try (CliProcess p = CliProcess.start(dir, FailingMain.class, Map.of(), "fail-with", "thread")) {
            assertThat(p.exitCode()).isEqualTo(Main.INTERNAL_ERROR);
            assertThat(p.err()).isEqualTo("shootdown: internal error: java.lang.IllegalStateException: injected in a thread in thread injected-worker" + REPORT);
        }
    }

    @Test
    @Timeout(60)
    void anExceptionInTheCtrlCHookIsOneLine(@TempDir Path dir) throws Exception {
        // The JVM printed "Exception in thread "shootdown-exit"" and the hook's stack trace.
        try (CliProcess p = CliProcess.start(dir, FailingMain.class, Map.of(), "fail-with", "exit-hook")) {
            p.awaitErr("waiting for Ctrl-C\n");
            int expected = p.interrupt();
            assertThat(p.exitCode()).isEqualTo(expected);
            assertThat(p.err()).isEqualTo("waiting for Ctrl-C\nshootdown: internal error: java.lang.IllegalStateException: injected in the Ctrl-C hook"
                    + " in thread shootdown-exit" + REPORT);
        }
    }
}
