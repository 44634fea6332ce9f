package dev.shootdown;

import dev.shootdown.check.Catalog;
import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import dev.shootdown.lang.UserError;
import dev.shootdown.model.Compiler;
import dev.shootdown.model.Program;
import org.junit.jupiter.params.provider.Arguments;

import java.nio.file.Path;
import java.util.stream.Stream;

/** The models the search is held against an oracle on: every catalog entry and every model in README.md and docs/language.md. */
final class OracleModels {
    private OracleModels() {}

    /** (name, source) of each catalog entry and docs model. */
    static Stream<Arguments> catalogAndDocs() {
        Stream<Arguments> catalog = Catalog.builtIn().stream().map(e -> Arguments.of(e.name(), e.source().text()));
        Stream<Arguments> docs = Stream.of(Path.of("README.md"), Path.of("docs/language.md"))
                .flatMap(d -> DocExamplesTest.examples(d).stream()).map(e -> Arguments.of(e.name(), e.source()));
        return Stream.concat(catalog, docs);
    }

    /** The compiled model; a compile error fails the caller. */
    static Program compile(String source) {
        return Compiler.compile(Parser.parse(new SourceFile("m.sd", source)));
    }

    /** The compiled model, or null for a source that does not compile (docs show errors too; random models may not compile). */
    static Program compileOrNull(String source) {
        try {
            return compile(source);
        } catch (CompileError | UserError e) {
            return null;
        }
    }
}
