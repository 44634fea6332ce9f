package dev.shootdown;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.Sources;
import dev.shootdown.model.Compiler;
import dev.shootdown.model.Program;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulator's protocols are checker models too: one text, both engines. Each must get its declared verdict. */
class ProtocolsCheckTest {
    @TestFactory
    Stream<DynamicTest> everyProtocolHasItsExpectedVerdict() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("protocols"))) {
            return files.filter(f -> f.toString().endsWith(".sd")).sorted().toList().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
                Program p = Compiler.compile(Parser.parse(Sources.read(f)));
                CheckResult r = new BfsExplorer(p, CheckOptions.defaults()).run();
                assertThat(r.complete()).isTrue();
                assertThat(r.verdict()).isEqualTo(p.meta().expected());
            }));
        }
    }
}
