package dev.shootdown.lang;

import java.util.List;

/**
 * The words the parser gives a meaning to, by where they have it (docs/language.md, "Words with a
 * meaning"). The parser dispatches on these words; editors (the TextMate grammar, the language
 * server's completion) read the same lists, so a new word cannot be missing there unnoticed
 * (TextMateGrammarTest, KeywordsTest).
 */
public final class Keywords {
    private Keywords() {}

    /** Words that start a declaration, in the order the parser's error message lists them. */
    public static final List<String> DECLARATIONS = List.of(
            "param", "hardware", "mm", "frames", "shared", "percpu", "proc", "irq", "cpu", "check", "invariant", "title", "seed", "expect", "explain");

    /** Words that start a statement: a statement that starts with one is that statement. */
    public static final List<String> STATEMENTS = List.of("if", "while", "loop", "for", "repeat", "wait", "atomic", "return", "assert");

    /**
     * Words that start a statement only where what follows reads as one ({@code either {},
     * {@code choose x in}): elsewhere they stay names, as they were before these statements existed.
     */
    public static final List<String> CHOICE_STATEMENTS = List.of("either", "choose");

    /** Words with a meaning only where the grammar expects them, elsewhere ordinary names. */
    public static final List<String> CONTEXTUAL = List.of("else", "until", "in", "runs", "page", "table", "frame", "or", "at");

    /** The boolean literals. */
    public static final List<String> LITERALS = List.of("true", "false");

    /** Names every model has and none may declare. */
    public static final List<String> BUILTIN_NAMES = List.of("self", "all_cpus", "nr_cpus");

    /** Flags on a page's {@code frame NAME} line. */
    public static final List<String> PAGE_FLAGS = List.of("writable", "readonly", "dirty", "accessed", "saved", "unmapped");

    /** Flags on a table's {@code frame NAME} line. */
    public static final List<String> TABLE_FLAGS = List.of("unhooked");

    /** Fields of a pte value ({@code old.pfn}). */
    public static final List<String> PTE_FIELDS = List.of("pfn", "present", "writable", "dirty", "accessed");

    /** The words of a list as a message reads them: "a, b or c". */
    public static String alternatives(List<String> words) {
        if (words.size() == 1) {
            return words.get(0);
        }
        return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
    }
}
