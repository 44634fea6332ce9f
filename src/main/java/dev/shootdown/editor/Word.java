package dev.shootdown.editor;

/** The name under or just before the cursor: a run of letters, digits and {@code _} around an offset of the text. */
record Word(String text, int from, int to) {

    /** The word at {@code offset} (the cursor may be just after its last character), or null if there is none. */
    static Word at(String source, int offset) {
        int from = Math.min(offset, source.length());
        while (from > 0 && isNamePart(source.codePointBefore(from))) {
            from -= Character.charCount(source.codePointBefore(from));
        }
        int to = from;
        while (to < source.length() && isNamePart(source.codePointAt(to))) {
            to += Character.charCount(source.codePointAt(to));
        }
        if (to == from || to < offset || !Character.isLetter(source.codePointAt(from)) && source.charAt(from) != '_') {
            return null;
        }
        return new Word(source.substring(from, to), from, to);
    }

    /** Whether the word follows a {@code .} (a PTE field). */
    boolean afterDot(String source) {
        int i = from - 1;
        while (i >= 0 && (source.charAt(i) == ' ' || source.charAt(i) == '\t')) {
            i--;
        }
        return i >= 0 && source.charAt(i) == '.' && (i == 0 || source.charAt(i - 1) != '.');
    }

    private static boolean isNamePart(int cp) {
        return Character.isLetterOrDigit(cp) || cp == '_';
    }
}
