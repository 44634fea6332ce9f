package dev.shootdown.lang;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model's text with its name, so that any offset can be shown as file:line:column with its line.
 *
 * <p>The text is kept in one canonical form: {@code \r\n} and a lone {@code \r} become {@code \n}, and
 * a byte-order mark at the start is dropped. So the lexer, the parser's line rules and positions see
 * the same file whichever line endings it was saved with (a comment ended only at {@code \n} once
 * swallowed the rest of a file saved with {@code \r} endings). Offsets are into this canonical text.
 */
public final class SourceFile {
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final String name;
    private final String text;
    private final int[] lineStarts;

    public SourceFile(String name, String text) {
        this.name = name;
        this.text = canonical(text);
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < this.text.length(); i++) {
            if (this.text.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The text with every line ending as {@code \n} and without a leading byte-order mark. */
    static String canonical(String raw) {
        String s = !raw.isEmpty() && raw.charAt(0) == BYTE_ORDER_MARK ? raw.substring(1) : raw;
        return s.indexOf('\r') < 0 ? s : s.replace("\r\n", "\n").replace('\r', '\n');
    }

    public String name() {
        return name;
    }

    public String text() {
        return text;
    }

    /** The position of an offset into {@link #text()}; the column counts code points, so a letter outside the BMP is one column. */
    public Position position(int offset) {
        int idx = Arrays.binarySearch(lineStarts, offset);
        int line = idx >= 0 ? idx : -idx - 2;
        int start = lineStarts[line];
        return new Position(this, offset, line + 1, text.codePointCount(start, Math.min(offset, text.length())) + 1);
    }

    /** The text of a line (from 1), without its line ending and trailing blanks; empty for a line the file does not have. */
    public String lineText(int line) {
        if (line < 1 || line > lineStarts.length) {
            return "";
        }
        int start = lineStarts[line - 1];
        int end = line < lineStarts.length ? lineStarts[line] - 1 : text.length();
        return text.substring(start, Math.max(start, end)).stripTrailing();
    }

    /**
     * A line as an error message may print it: each control character but the tab shown as one
     * visible character (its Unicode control picture, or U+FFFD), so a file cannot move the
     * cursor, ring the bell or send escape sequences to the terminal that shows the error, and the
     * columns still line up with the caret.
     */
    public String shownLine(int line) {
        String raw = lineText(line);
        StringBuilder b = new StringBuilder(raw.length());
        raw.codePoints().forEach(cp -> b.appendCodePoint(shown(cp)));
        return b.toString();
    }

    private static int shown(int cp) {
        if (cp == '\t' || !Character.isISOControl(cp) && Character.getType(cp) != Character.SURROGATE) {
            return cp;
        }
        if (cp < 0x20) {
            return 0x2400 + cp; // SYMBOL FOR NULL .. SYMBOL FOR UNIT SEPARATOR
        }
        return cp == 0x7F ? 0x2421 : 0xFFFD;
    }
}
