package dev.shootdown.lang;

/** A place in a source file; columns count characters from 1. */
public record Position(SourceFile file, int offset, int line, int column) {

    @Override
    public String toString() {
        return file.name() + ":" + line + ":" + column;
    }
}
