package dev.shootdown.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The shootdown command with one more, {@code fail-with HOW}, that fails as no real command can: what
 * the top level and the JVM then print and exit with is what the tests look at. Test code only: the
 * CLI itself has no such command.
 */
final class FailingMain {
    private FailingMain() {}

    public static void main(String[] args) {
        Main.main(args, FailingMain::extend);
    }

    /** Adds {@code fail-with} to the root command line. */
    static void extend(CommandLine cli) {
        cli.addSubcommand("fail-with", new CommandLine(new FailWith()));
    }

    @Command(name = "fail-with")
    static final class FailWith implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "HOW")
        String how;

        /** Converted by a converter that throws an Error: a failure inside picocli's parsing, before any handler. */
        @Option(names = "--broken", converter = BrokenConverter.class)
        String broken;

        @Override
        public Integer call() throws Exception {
            switch (how) {
                case "stack-overflow" -> throw new StackOverflowError("injected");
                case "out-of-memory" -> throw new OutOfMemoryError("injected");
                case "two-lines" -> throw new IllegalStateException("injected\n  a second line");
                // A user's error that cannot be rendered: the handler that prints it fails itself.
                case "unprintable" -> throw new dev.shootdown.lang.CompileError(null, "injected without a position");
                case "sweep-worker" -> {
                    // A sweep point's thread throws an Error: reproduce prints what it has, then the failure decides the exit.
                    return new ReproduceCommand().reproduce(List.of(ReproduceCommandTest.THROUGHPUT), false, new AtomicBoolean(), e -> {
                        throw new StackOverflowError("injected in a sweep worker");
                    });
                }
                case "thread" -> {
                    Thread t = new Thread(() -> {
                        throw new IllegalStateException("injected in a thread");
                    }, "injected-worker");
                    t.start();
                    t.join();
                    return Main.OK;
                }
                case "exit-hook" -> {
                    // Throws in the hook Ctrl-C runs; the command waits for Ctrl-C.
                    Interrupts.onExit(() -> {
                        throw new IllegalStateException("injected in the Ctrl-C hook");
                    });
                    System.err.println("waiting for Ctrl-C");
                    Thread.sleep(Long.MAX_VALUE);
                    return Main.OK;
                }
                default -> {
                    return Main.OK;
                }
            }
        }
    }

    public static final class BrokenConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            throw new AssertionError("injected in a converter");
        }
    }
}
