package dev.shootdown.lang;

import java.util.List;

/** A parsed model file: its source and its declarations in order. */
public record ModelFile(SourceFile source, List<Decl> decls) {

    /** The file's {@code param}s and their values (after any {@code -D}), in declaration order. */
    public java.util.Map<String, Integer> params() {
        java.util.Map<String, Integer> out = new java.util.LinkedHashMap<>();
        for (Decl d : decls) {
            if (d instanceof Decl.ModelParam p) {
                out.put(p.name(), p.value());
            }
        }
        return out;
    }
}
