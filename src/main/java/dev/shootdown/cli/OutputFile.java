package dev.shootdown.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Writing a report file the user named: failures are one line on stderr, not a stack trace. */
final class OutputFile {
    private OutputFile() {}

    /** Writes {@code content} to {@code out}; false (after saying why on stderr) when it cannot. */
    static boolean write(Path out, String content) {
        try {
            Files.writeString(out, content, StandardCharsets.UTF_8);
            return true;
        } catch (IOException e) {
            System.err.println("shootdown: " + cannotWrite(out, e));
            return false;
        }
    }

    static String cannotWrite(Path out, IOException e) {
        if (e instanceof NoSuchFileException) {
            return "cannot write " + out + ": no such directory " + out.toAbsolutePath().getParent();
        }
        if (e instanceof AccessDeniedException) {
            return "cannot write " + out + ": permission denied";
        }
        String why = e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return "cannot write " + out + ": " + why;
    }
}
