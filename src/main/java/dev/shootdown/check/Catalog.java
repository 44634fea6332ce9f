package dev.shootdown.check;

import dev.shootdown.lang.SourceFile;
import dev.shootdown.lang.Sources;
import dev.shootdown.lang.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The catalog of seed scenarios: model files that each declare their seed, expected verdict and
 * explanation. The built-in catalog ships in the jar and is listed, in order, in
 * {@code catalog/index.txt} (a hand-kept registry: one place to add an entry).
 */
public final class Catalog {
    public static final String INDEX = "catalog/index.txt";

    private Catalog() {}

    /** One model file of the catalog. */
    public record Entry(String name, String file, SourceFile source) {}

    public static List<Entry> builtIn() {
        List<Entry> entries = new ArrayList<>();
        for (String name : read(INDEX).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
            String file = "catalog/" + name;
            entries.add(new Entry(stem(name), file, new SourceFile(file, read(file))));
        }
        return entries;
    }

    public static List<Entry> directory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserError(dir + ": not a directory");
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".sd")).sorted()
                    .map(p -> new Entry(stem(p.getFileName().toString()), p.toString(), Sources.read(p))).toList();
        } catch (IOException e) {
            throw new UserError(dir + ": cannot list (" + e.getMessage() + ")");
        }
    }

    private static String stem(String file) {
        return file.endsWith(".sd") ? file.substring(0, file.length() - 3) : file;
    }

    private static String read(String resource) {
        try (InputStream in = Catalog.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(resource, e);
        }
    }
}
