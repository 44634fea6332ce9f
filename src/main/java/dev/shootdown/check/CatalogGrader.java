package dev.shootdown.check;

import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Parser;
import dev.shootdown.model.Compiler;
import dev.shootdown.model.Program;
import dev.shootdown.model.Verdict;

/**
 * Grades catalog entries the way jcstress grades its tests: each entry declares the verdict it
 * expects, the checker gives the actual one, and they agree or not. An incomplete search that found
 * nothing cannot confirm "safe".
 */
public final class CatalogGrader {
    private CatalogGrader() {}

    public record Grade(Catalog.Entry entry, Program program, CheckResult result) {

        public Verdict expected() {
            return program.meta().expected();
        }

        public Verdict actual() {
            return result.verdict();
        }

        public boolean agrees() {
            return expected() == actual() && (result.complete() || actual() != Verdict.SAFE);
        }
    }

    public static Grade grade(Catalog.Entry entry, CheckOptions options) {
        return grade(entry, compile(entry), options);
    }

    /** The entry's program, checked for what a catalog entry must declare: its expected verdict, explanation and seed. */
    public static Program compile(Catalog.Entry entry) {
        return compile(entry, java.util.Map.of());
    }

    /** {@link #compile(Catalog.Entry)} with those of {@code defines} that name one of the entry's {@code param}s. */
    public static Program compile(Catalog.Entry entry, java.util.Map<String, Integer> defines) {
        java.util.Map<String, Integer> mine = new java.util.LinkedHashMap<>(defines);
        if (!defines.isEmpty()) {
            mine.keySet().retainAll(Parser.parse(entry.source()).params().keySet());
        }
        Program program = Compiler.compile(Parser.parse(entry.source(), mine));
        if (program.meta().expected() == null) {
            throw new CompileError(entry.source().position(0), "a catalog entry must declare 'expect VERDICT'");
        }
        if (program.meta().explanation() == null || program.meta().explanation().isBlank()) {
            throw new CompileError(entry.source().position(0), "a catalog entry must explain its verdict: explain \"\"\"...\"\"\"");
        }
        if (program.meta().seed() == null) {
            throw new CompileError(entry.source().position(0), "a catalog entry must declare 'seed \"00N\"'");
        }
        return program;
    }

    /** Searches {@code program}, compiled from {@code entry}, and grades the verdict. */
    public static Grade grade(Catalog.Entry entry, Program program, CheckOptions options) {
        return new Grade(entry, program, new BfsExplorer(program, options).run());
    }
}
