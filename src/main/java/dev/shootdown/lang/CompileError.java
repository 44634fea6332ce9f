package dev.shootdown.lang;

/**
 * A mistake in a model file, found by the lexer, parser or checker. It is a value to print
 * (file:line:column, message, the line and a caret), never a stack trace.
 */
public final class CompileError extends RuntimeException {
    private final transient Position position;

    public CompileError(Position position, String message) {
        super(message, null, false, false);
        this.position = position;
    }

    public Position position() {
        return position;
    }

    /** The three-line form users see: location and message, the offending line, a caret under the column. */
    public String render() {
        String line = position.file().shownLine(position.line());
        StringBuilder caret = new StringBuilder();
        // Columns count code points; a tab stays a tab so that the caret lines up in a terminal.
        int[] cps = line.codePoints().limit(Math.max(0, position.column() - 1)).toArray();
        for (int cp : cps) {
            caret.append(cp == '\t' ? '\t' : ' ');
        }
        caret.append('^');
        return position + ": " + getMessage() + "\n" + line + "\n" + caret;
    }
}
