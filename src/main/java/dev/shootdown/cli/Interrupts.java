package dev.shootdown.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Ctrl-C during a search: the shutdown hook asks the search to stop, then waits for the command to
 * print what it found so far before the JVM goes. Work that cannot stop early just tidies the
 * terminal ({@link #onExit}).
 */
final class Interrupts {
    private static final AtomicBoolean SHUTTING_DOWN = new AtomicBoolean();
    /** How long Ctrl-C waits for a command to print what it found. */
    static final int PRINT_WAIT_SECONDS = 30;
    /** How long it waits for a search that writes a checkpoint as it stops: a large one takes minutes to write. */
    static final int CHECKPOINT_WAIT_SECONDS = 1800;

    private Interrupts() {}

    static boolean shuttingDown() {
        return SHUTTING_DOWN.get();
    }

    /**
     * Runs {@code command}, whose work stops when {@code stop} is set and which then prints what it
     * has: Ctrl-C sets {@code stop}, and the JVM waits for the command to return before it goes.
     */
    static <T> T printBeforeExit(AtomicBoolean stop, Supplier<T> command) {
        return printBeforeExit(stop, PRINT_WAIT_SECONDS, command);
    }

    /** {@link #printBeforeExit(AtomicBoolean, Supplier)}, waiting at most {@code waitSeconds} for the command after Ctrl-C. */
    static <T> T printBeforeExit(AtomicBoolean stop, int waitSeconds, Supplier<T> command) {
        CountDownLatch printed = new CountDownLatch(1);
        Thread hook = install(stop, printed, waitSeconds);
        try {
            return command.get();
        } finally {
            printed.countDown();
            uninstall(hook);
        }
    }

    /** Installs a hook that sets {@code stop} and waits until {@code printed} is counted down. */
    private static Thread install(AtomicBoolean stop, CountDownLatch printed, int waitSeconds) {
        Thread hook = new Thread(() -> {
            SHUTTING_DOWN.set(true);
            stop.set(true);
            try {
                printed.await(waitSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shootdown-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /**
     * Installs a hook that runs {@code last} as the JVM goes (Ctrl-C during work that cannot stop
     * early, such as a sweep's simulations): e.g. ending a progress line, so the shell's prompt
     * starts on a line of its own.
     */
    static Thread onExit(Runnable last) {
        Thread hook = new Thread(last, "shootdown-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    static void uninstall(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running and waits for us.
        }
    }
}
