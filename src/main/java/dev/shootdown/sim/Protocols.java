package dev.shootdown.sim;

import dev.shootdown.lang.SourceFile;
import dev.shootdown.lang.Sources;
import dev.shootdown.lang.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds a protocol: a file, or one of the protocols shipped in the jar (protocols/NAME.sd), so reproduce and bench run from anywhere. */
public final class Protocols {
    private Protocols() {}

    public static SourceFile load(String pathOrName) {
        Path p = Path.of(pathOrName);
        if (Files.exists(p)) {
            return Sources.read(p);
        }
        String name = p.getFileName().toString();
        String resource = "/protocols/" + (name.endsWith(".sd") ? name : name + ".sd");
        try (InputStream in = Protocols.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UserError(pathOrName + ": no such file (nor a shipped protocol: linux-ipi, invlpgb, dfly-cpusync)");
            }
            return new SourceFile("protocols/" + resource.substring("/protocols/".length()), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UserError(pathOrName + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
