package dev.shootdown.model;

import java.util.Arrays;

/** The verdict vocabulary shared by the checker, the catalog and every report (a JSON contract). */
public enum Verdict {
    SAFE("safe", null),
    USE_AFTER_FREE("use_after_free", "no_use_after_free"),
    LOST_WRITE("lost_write", "no_lost_write"),
    WRITE_AFTER_PROTECT("write_after_protect", "no_write_after_protect"),
    WALK_OF_FREED_TABLE("walk_of_freed_table", "no_walk_of_freed_table"),
    STALE_ICACHE("stale_icache", "no_stale_icache"),
    DEADLOCK("deadlock", "no_deadlock"),
    /** A failed {@code assert} or {@code invariant}: always checked. */
    ASSERTION("assertion", "assertions"),
    /**
     * An access through a page reaches a copy of its frame that misses a store made through that page (the
     * copy-on-write TLB race). Last, so that the ordinals checkpoints keep stay what they were.
     */
    STALE_COPY("stale_copy", "no_stale_copy");

    private final String word;
    private final String property;

    Verdict(String word, String property) {
        this.word = word;
        this.property = property;
    }

    public String word() {
        return word;
    }

    /** The property whose violation gives this verdict, as written after {@code check}. */
    public String property() {
        return property;
    }

    public static Verdict byWord(String w) {
        return Arrays.stream(values()).filter(v -> v.word.equals(w)).findFirst().orElse(null);
    }

    public static Verdict byProperty(String p) {
        return Arrays.stream(values()).filter(v -> p.equals(v.property)).findFirst().orElse(null);
    }
}
