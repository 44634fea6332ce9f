package dev.shootdown.cli;

import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Entry point: {@code shootdown check FILE}, {@code shootdown catalog}. Exit 0 holds, 1 violation, 2 bad input. */
@Command(name = "shootdown", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Check TLB-shootdown protocols exhaustively on a precise hardware model.",
        subcommands = {CheckCommand.class, CatalogCommand.class, SimulateCommand.class, BenchCommand.class, MergeCommand.class, ReproduceCommand.class,
                ProfileCommand.class, ReportCommand.class, ViewCommand.class, LspCommand.class, CompletionCommand.class, ManCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    public static final int OK = 0;
    public static final int VIOLATION = 1;
    public static final int BAD_INPUT = 2;
    /** No violation found, but the search stopped early (state or memory limit): nothing is proven. */
    public static final int INCOMPLETE = 3;
    /** A bug in Shootdown itself (EX_SOFTWARE). */
    public static final int INTERNAL_ERROR = 70;
    /** Stopped by Ctrl-C: 128 + SIGINT, what the JVM itself exits with when the signal ends it. */
    public static final int INTERRUPTED = 130;

    /** Whether stderr is a terminal: the progress bar is drawn only there (one line per finished piece elsewhere). */
    private final boolean stderrTerminal;

    /** A run's root command; {@code stderrTerminal}: whether to draw progress as on a terminal. */
    Main(boolean stderrTerminal) {
        this.stderrTerminal = stderrTerminal;
    }

    boolean stderrTerminal() {
        return stderrTerminal;
    }

    public static void main(String[] args) {
        main(args, cli -> {});
    }

    /** {@link #main}, with {@code extend} applied to the command line first: how a test adds a command that fails as no real one can. */
    static void main(String[] args, Consumer<CommandLine> extend) {
        utf8Output();
        // A thread that dies of what it threw (a worker, a shutdown hook) is reported in one line, not the JVM's stack trace.
        Thread.setDefaultUncaughtExceptionHandler(Main::uncaught);
        int code = run(args, StderrTerminal.detect(), extend);
        if (!Interrupts.shuttingDown()) {
            System.exit(code);
        }
    }

    /**
     * Standard output and error in UTF-8, whatever the platform's default: Java 17 writes them in
     * the locale's charset, which under {@code LANG=C} turned every non-ASCII character of a model
     * (a name, a string, a file name) into '?'. The streams are built as the JVM builds its own (a
     * small buffer, flushed at each line), only the charset differs.
     */
    private static void utf8Output() {
        System.setOut(new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 128), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.err), 128), true, StandardCharsets.UTF_8));
    }

    /** What went wrong, in a line: a user's mistake as its message, anything else as an internal error. */
    static String message(Throwable e) {
        return e instanceof UserError || e instanceof CompileError ? e.getMessage() : "internal error: " + oneLine(e);
    }

    /** The exception's class and message, cut at the first line break: whatever is thrown, its report stays one line. */
    static String oneLine(Throwable e) {
        String s = String.valueOf(e);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl).stripTrailing() + " ...";
    }

    /**
     * Reports a bug of Shootdown's on stderr in one line, with the stack trace under SHOOTDOWN_DEBUG;
     * {@code thread} names the thread it happened in, or is null for the command's own. Returns the exit code, 70.
     */
    static int internalError(Throwable e, String thread) {
        try {
            System.err.println("shootdown: internal error: " + oneLine(e) + (thread == null ? "" : " in thread " + thread)
                    + " (please report it with the model file; SHOOTDOWN_DEBUG=1 prints the stack trace)");
            if (System.getenv("SHOOTDOWN_DEBUG") != null) {
                e.printStackTrace();
            }
        } catch (Throwable again) {
            // Out of memory even for the message: the exit code still says what happened.
            System.err.println("shootdown: internal error");
        }
        return INTERNAL_ERROR;
    }

    /**
     * A thread ended by what it threw: reported as an internal error, and the run ends with exit code 70
     * (the JVM would print a stack trace and go on, or exit 1 for the main thread). During shutdown
     * (a Ctrl-C hook failed) the exit code is already set, 130 for Ctrl-C, and exiting again would hang.
     */
    private static void uncaught(Thread t, Throwable e) {
        internalError(e, t.getName());
        if (!shutdownUnderWay()) {
            System.exit(INTERNAL_ERROR);
        }
    }

    /** Whether the JVM is running its shutdown hooks: it then refuses new ones. */
    private static boolean shutdownUnderWay() {
        Thread probe = new Thread(() -> {});
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    public static int run(String[] args) {
        return run(args, StderrTerminal.detect());
    }

    /** A run as if stderr were a terminal or not, whatever it is: what tests use. */
    static int run(String[] args, boolean stderrTerminal) {
        return run(args, stderrTerminal, cli -> {});
    }

    /**
     * A run of the command line {@code extend} may add to. Whatever the command throws ends in an exit code: the
     * handlers below see its exceptions; an Error (StackOverflowError, OutOfMemoryError) or a failure in picocli's own
     * parsing passes them by and is caught here, so it is never a stack trace and exit 1.
     */
    static int run(String[] args, boolean stderrTerminal, Consumer<CommandLine> extend) {
        try {
            return execute(args, stderrTerminal, extend);
        } catch (Throwable e) {
            return internalError(e, null);
        }
    }

    private static int execute(String[] args, boolean stderrTerminal, Consumer<CommandLine> extend) {
        CommandLine cli = new CommandLine(new Main(stderrTerminal));
        extend.accept(cli);
        // Every numeric option is checked on one path before any command runs; a value out of bounds is the user's error.
        cli.setExecutionStrategy(parsed -> {
            try {
                Bounds.check(parsed);
            } catch (UserError e) {
                throw new CommandLine.ExecutionException(cli, e.getMessage(), e);
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // picocli prints a stack trace and returns 1 for what a handler throws: this one throws nothing.
            try {
                if (e instanceof CompileError ce) {
                    System.err.println(ce.render());
                    return BAD_INPUT;
                }
                if (e instanceof UserError ue) {
                    System.err.println("shootdown: " + ue.getMessage());
                    return BAD_INPUT;
                }
            } catch (Throwable reporting) {
                return internalError(reporting, null);
            }
            // Anything else is our bug, not the user's: say so plainly, keep the trace for a report.
            return internalError(e, null);
        });
        return cli.execute(args);
    }
}
