package dev.shootdown.cli;

import dev.shootdown.check.Catalog;
import dev.shootdown.lang.SourceFile;
import dev.shootdown.lang.Sources;
import dev.shootdown.lang.UserError;
import dev.shootdown.model.Verdict;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The models {@code bench check} times: those shipped in the jar, listed in {@code bench/index.txt}
 * (a hand-kept registry, as the catalog's index is), or files and directories the user names.
 */
final class BenchModels {
    static final String INDEX = "bench/index.txt";

    private BenchModels() {}

    /**
     * One model to time.
     *
     * @param expected the verdict a complete check gives, or null when not known (a file of the user's)
     * @param quick    whether it is in the default set
     */
    record Model(String name, SourceFile source, Verdict expected, boolean quick) {}

    /** Every shipped model, in the index's order. */
    static List<Model> shipped() {
        List<Model> models = new ArrayList<>();
        for (String line : resource(INDEX).lines().toList()) {
            int hash = line.indexOf('#');
            String[] f = (hash < 0 ? line : line.substring(0, hash)).strip().split("\\s+");
            if (f.length == 1 && f[0].isEmpty()) {
                continue;
            }
            if (f.length != 3 || Verdict.byWord(f[1]) == null || !f[2].equals("quick") && !f[2].equals("all")) {
                throw new IllegalStateException(INDEX + ": expected 'FILE VERDICT quick|all', got: " + line);
            }
            String file = "bench/" + f[0];
            models.add(new Model(stem(f[0]), new SourceFile(file, resource(file)), Verdict.byWord(f[1]), f[2].equals("quick")));
        }
        return models;
    }

    /**
     * The models {@code items} name, in the order named: a shipped model's name or a glob over the
     * names ({@code tlb-N6-*}), a model file, or a directory of them (every {@code .sd} in it, in name
     * order). A file declaring {@code expect VERDICT} has that verdict expected.
     */
    static List<Model> select(List<Model> shipped, List<String> items) {
        Map<String, Model> chosen = new LinkedHashMap<>();
        for (String item : items) {
            Path path = Path.of(item);
            if (item.endsWith(".sd") || Files.isDirectory(path)) {
                List<Catalog.Entry> files = Files.isDirectory(path) ? Catalog.directory(path)
                        : List.of(new Catalog.Entry(stem(path.getFileName().toString()), item, Sources.read(path)));
                for (Catalog.Entry e : files) {
                    chosen.putIfAbsent(e.file(), new Model(e.name(), e.source(), null, false));
                }
                continue;
            }
            Pattern glob = glob(item);
            List<Model> matched = shipped.stream().filter(m -> glob.matcher(m.name()).matches()).toList();
            if (matched.isEmpty()) {
                throw new UserError("--models: no model named " + item + " (the shipped ones: "
                        + String.join(", ", shipped.stream().map(Model::name).toList()) + "; or give a .sd file or a directory)");
            }
            for (Model m : matched) {
                chosen.putIfAbsent(m.source().name(), m);
            }
        }
        return List.copyOf(chosen.values());
    }

    /** {@code *} any run of characters, {@code ?} one; everything else literal. */
    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (String part : glob.split("(?<=[*?])|(?=[*?])")) {
            re.append(part.equals("*") ? ".*" : part.equals("?") ? "." : Pattern.quote(part));
        }
        return Pattern.compile(re.toString());
    }

    private static String stem(String file) {
        String name = file.substring(file.lastIndexOf('/') + 1);
        return name.endsWith(".sd") ? name.substring(0, name.length() - 3) : name;
    }

    private static String resource(String name) {
        try (InputStream in = BenchModels.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(name, e);
        }
    }
}
