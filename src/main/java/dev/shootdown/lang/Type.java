package dev.shootdown.lang;

/**
 * The value types of the language. Every value fits in a 32-bit int in both engines. {@code cpu} is a
 * CPU number kept apart from {@code int} so the checker knows which words hold CPU ids (symmetry
 * renumbers them); an int converts to a cpu and back where one is expected, and the compiler notes
 * each such conversion ({@code model.CpuUse}).
 */
public enum Type {
    INT("int"), CPU("cpu"), BOOL("bool"), CPUSET("cpuset"), PTE("pte"), FRAME("frame"), PAGE("page"), TABLE("table"), MM("mm"), HANDLER("handler"), VOID("nothing");

    private final String word;

    Type(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    /** The word with its indefinite article, for messages: "an int", "a bool", "an mm". */
    public String withArticle() {
        return (word.startsWith("i") || word.startsWith("m") ? "an " : "a ") + word;
    }

    public static Type byWord(String w) {
        for (Type t : values()) {
            if (t.word.equals(w) && t != VOID && t != HANDLER) {
                return t;
            }
        }
        return null;
    }
}
