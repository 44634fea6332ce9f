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

/** Entry point: {@code shootdown check FILE}, {@code shootdown catalog}. Exit 0 holds, 1 violation, 2 bad input. */
@Command(name = "shootdown", mixinStandardHelpOptions = true, version = "shootdown 0.1",
        description = "Check TLB-shootdown protocols exhaustively on a precise hardware model.",
        subcommands = {CheckCommand.class, CatalogCommand.class, SimulateCommand.class, BenchCommand.class, MergeCommand.class, ReproduceCommand.class,
                ProfileCommand.class, ReportCommand.class, ViewCommand.class, CommandLine.HelpCommand.class})
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
        utf8Output();
        int code = run(args);
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
    static String message(RuntimeException e) {
        return e instanceof UserError || e instanceof CompileError ? e.getMessage() : "internal error: " + e;
    }

    public static int run(String[] args) {
        return run(args, StderrTerminal.detect());
    }

    /** A run as if stderr were a terminal or not, whatever it is: what tests use. */
    static int run(String[] args, boolean stderrTerminal) {
        CommandLine cli = new CommandLine(new Main(stderrTerminal));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CompileError ce) {
                System.err.println(ce.render());
                return BAD_INPUT;
            }
            if (e instanceof UserError ue) {
                System.err.println("shootdown: " + ue.getMessage());
                return BAD_INPUT;
            }
            // Anything else is our bug, not the user's: say so plainly, keep the trace for a report.
            System.err.println("shootdown: internal error: " + e + " (please report it with the model file)");
            if (System.getenv("SHOOTDOWN_DEBUG") != null) {
                e.printStackTrace();
            } else {
                System.err.println("  (set SHOOTDOWN_DEBUG=1 for the stack trace)");
            }
            return INTERNAL_ERROR;
        });
        return cli.execute(args);
    }
}
