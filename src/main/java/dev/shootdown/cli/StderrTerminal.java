package dev.shootdown.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether standard error is a terminal, so the progress bar knows if redrawing one line with \r
 * helps someone watching or garbles a CI log or a redirected file. Java 17 has no isatty: on Linux
 * /proc/self/fd/2 links to the device, /dev/pts/N or /dev/ttyN for a terminal; elsewhere
 * System.console() stands in (non-null when the JVM has an interactive console).
 */
final class StderrTerminal {
    private StderrTerminal() {}

    static boolean detect() {
        try {
            return isTerminalDevice(Files.readSymbolicLink(Path.of("/proc/self/fd/2")));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    /** Whether a file descriptor linking to {@code target} is a terminal: a pseudo-terminal or a tty device. */
    static boolean isTerminalDevice(Path target) {
        String t = target.toString();
        return t.startsWith("/dev/pts/") || t.startsWith("/dev/tty");
    }
}
