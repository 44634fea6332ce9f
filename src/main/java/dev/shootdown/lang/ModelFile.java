package dev.shootdown.lang;

import java.util.List;

/** A parsed model file: its source and its declarations in order. */
public record ModelFile(SourceFile source, List<Decl> decls) {}
