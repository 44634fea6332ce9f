package dev.shootdown.editor;

import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

import java.util.ArrayList;
import java.util.List;

/**
 * Offsets into a model's canonical text ({@link dev.shootdown.lang.SourceFile}: {@code \n} line ends,
 * no byte-order mark) as LSP positions: lines from 0, characters in UTF-16 code units, the LSP's
 * default encoding. Line ends are the editor's too ({@code \r\n} and {@code \r} are one line end for
 * both), so only the byte-order mark, dropped from the canonical text, moves the first line by one.
 */
final class TextPositions {
    private final String text;
    private final int[] lineStarts;
    private final int firstLineShift;

    /** {@code text} is the canonical text; {@code raw} the editor's, which may start with a byte-order mark. */
    TextPositions(String text, String raw) {
        this.text = text;
        this.firstLineShift = !raw.isEmpty() && raw.charAt(0) == '\uFEFF' ? 1 : 0;
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    Position position(int offset) {
        int o = Math.max(0, Math.min(offset, text.length()));
        int line = line(o);
        return new Position(line, o - lineStarts[line] + (line == 0 ? firstLineShift : 0));
    }

    Range range(int from, int to) {
        return new Range(position(from), position(to));
    }

    /** The offset of an LSP position, held within its line (a character past the line's end is its end). */
    int offset(Position p) {
        if (p.getLine() < 0) {
            return 0;
        }
        if (p.getLine() >= lineStarts.length) {
            return text.length();
        }
        int start = lineStarts[p.getLine()];
        int end = p.getLine() + 1 < lineStarts.length ? lineStarts[p.getLine() + 1] - 1 : text.length();
        int character = p.getCharacter() - (p.getLine() == 0 ? firstLineShift : 0);
        return start + Math.max(0, Math.min(character, end - start));
    }

    private int line(int offset) {
        int lo = 0;
        int hi = lineStarts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStarts[mid] <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
