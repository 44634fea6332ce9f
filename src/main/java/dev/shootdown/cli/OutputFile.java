package dev.shootdown.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A file the user named (a report, a diagram, a trace), written completely or not at all: the bytes
 * go to a temporary file beside it, which {@link #commit} renames into place once whole. A crash, a
 * kill -9 or a failure mid-write leaves the file that was there as it was (a kill can leave the
 * hidden temporary behind; nothing else can); {@link #close} without a commit deletes the temporary.
 * Every writer of a user-named path goes through here. Failures are one line on stderr, not a trace.
 */
final class OutputFile implements Closeable {
    /** Where the rename goes: the target, or the file a symbolic link names (the link is kept). */
    private final Path destination;
    /** The temporary being written, or null when writing in place (a device or pipe cannot be replaced). */
    private final Path temp;
    private final OutputStream out;
    private boolean committed;

    private OutputFile(Path destination, Path temp, OutputStream out) {
        this.destination = destination;
        this.temp = temp;
        this.out = out;
    }

    /** Starts writing {@code target}: nothing is seen there until {@link #commit}. */
    static OutputFile create(Path target) throws IOException {
        if (Files.isDirectory(target)) {
            throw new FileSystemException(target.toString(), null, "is a directory");
        }
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            // /dev/stdout, a named pipe: a rename would replace the device, so it is written as it is.
            return new OutputFile(target, null, Files.newOutputStream(target));
        }
        Path destination = Files.exists(target) ? target.toRealPath() : target.toAbsolutePath();
        String name = destination.getFileName().toString();
        // Hidden, beside the destination (a rename stays in one file system), and a name no one else uses.
        Path temp = destination.resolveSibling("." + (name.length() > 100 ? name.substring(0, 100) : name) + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".tmp");
        OutputStream out;
        try {
            out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (AccessDeniedException e) {
            if (Files.isWritable(destination)) {
                throw new AccessDeniedException(target.toString(), null, "its directory is not writable (the file is written beside it, then renamed into place)");
            }
            throw e;
        }
        try {
            keepPermissions(destination, temp);
        } catch (IOException | RuntimeException e) {
            out.close();
            Files.deleteIfExists(temp);
            throw e;
        }
        return new OutputFile(destination, temp, out);
    }

    /** Where the content goes; whoever writes it may close it (as a trace writer does), then {@link #commit}. */
    OutputStream stream() {
        return out;
    }

    /** Ends the file and puts it in place, replacing what was there in one step. */
    void commit() throws IOException {
        out.close();
        if (temp != null) {
            // On the disk before the name points at it: a power cut must not leave an empty file under the name.
            try (FileChannel c = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                c.force(true);
            }
            try {
                Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, destination, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        committed = true;
    }

    /** Without a commit, abandons the file: the temporary is deleted and the target left as it was. */
    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            out.close();
        } catch (IOException e) {
            // Abandoned anyway.
        }
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                System.err.println("shootdown: could not remove the temporary file " + temp + ": " + e.getMessage());
            }
        }
    }

    /** Writes {@code content} to {@code target} completely or not at all; false (after saying why on stderr) when it cannot. */
    static boolean write(Path target, String content) {
        try (OutputFile f = create(target)) {
            f.stream().write(content.getBytes(StandardCharsets.UTF_8));
            f.commit();
            return true;
        } catch (IOException e) {
            System.err.println("shootdown: " + cannotWrite(target, e));
            return false;
        }
    }

    /** A file replaced keeps its permissions (a report kept private stays private). */
    private static void keepPermissions(Path from, Path to) throws IOException {
        if (Files.exists(from) && Files.getFileStore(to).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
        }
    }

    static String cannotWrite(Path out, IOException e) {
        if (e instanceof NoSuchFileException) {
            return "cannot write " + out + ": no such directory " + out.toAbsolutePath().getParent();
        }
        if (e instanceof AccessDeniedException a) {
            return "cannot write " + out + ": " + (a.getReason() != null ? a.getReason() : "permission denied");
        }
        String why = e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return "cannot write " + out + ": " + why;
    }
}
