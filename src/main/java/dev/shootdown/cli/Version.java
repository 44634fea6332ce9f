package dev.shootdown.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * What {@code shootdown --version} says: the version and the commit the jar was built from, as the
 * build wrote them into {@code version.properties} (git describe; {@code unknown} when built without
 * git or outside a git work tree, as from a source tarball), and the Java it runs on.
 */
final class Version implements CommandLine.IVersionProvider {
    private static final String RESOURCE = "version.properties";

    @Override
    public String[] getVersion() {
        return lines(Version.class.getResourceAsStream(RESOURCE));
    }

    /** The version lines from a version.properties stream, or from none (a build that did not write it). */
    static String[] lines(InputStream properties) {
        Properties p = new Properties();
        if (properties != null) {
            try (InputStream in = properties) {
                p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String commit = p.getProperty("commit", "unknown").strip();
        return new String[] {
                "shootdown " + p.getProperty("version", "unknown").strip(),
                "commit " + (commit.isEmpty() ? "unknown" : commit),
                "Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }

    /** The first line: "shootdown VERSION, commit COMMIT". */
    static String oneLine() {
        String[] lines = new Version().getVersion();
        return lines[0] + ", " + lines[1];
    }
}
