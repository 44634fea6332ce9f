package dev.shootdown.cli;

import java.nio.file.Path;

/** Where the install options of completion and man put files: the user's data directory of the XDG base directories. */
final class Install {
    private Install() {}

    /** $XDG_DATA_HOME, or ~/.local/share when it is not set (the XDG default). */
    static Path dataHome() {
        String xdg = System.getenv("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg);
        }
        return Path.of(System.getProperty("user.home"), ".local", "share");
    }
}
