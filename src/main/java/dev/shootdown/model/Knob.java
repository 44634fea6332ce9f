package dev.shootdown.model;

import java.util.Arrays;
import java.util.List;

/**
 * The knobs a {@code hardware} declaration may set, with the values each takes: the one list that
 * {@link HardwareDecl} reads them by, its error messages name, and the editors complete and
 * highlight (docs/language.md's Hardware section explains each).
 */
public enum Knob {
    CPUS("cpus", 1, Compiler.MAX_CPUS),
    TLB_CAPACITY("tlb_capacity", 1, 64),
    BLIND_SET("blind_set"),
    SOFTWARE_DIRTY("software_dirty"),
    EVICTIONS("evictions"),
    MEMORY("memory", "sc", "tso"),
    STORE_BUFFER("store_buffer", 1, 8),
    IPI_LATCHED("ipi_latched"),
    SPECULATIVE_WALKS("speculative_walks"),
    PCID("pcid"),
    ASIDS("asids", 1, 64),
    PAGING_CACHE("paging_cache", "off", "x86", "lpae"),
    RCU_SLOTS("rcu_slots", 1, 8),
    ICACHE("icache", "coherent", "incoherent"),
    XEN_QUEUE("xen_queue", 1, 8),
    APIC("apic", "xapic", "x2apic"),
    TLB_SINGLE_PAGE_FLUSH_CEILING("tlb_single_page_flush_ceiling", 0, Compiler.MAX_PAGES);

    /** A number in a range, a flag (alone, or with one of {@link #FLAG_VALUES}), or one word of a list. */
    public enum Kind { NUMBER, FLAG, CHOICE }

    /** What a flag may be followed by: on, or off to clear a profile's preset. */
    public static final List<String> FLAG_VALUES = List.of("on", "off", "true", "false");

    private final String word;
    private final Kind kind;
    private final int min;
    private final int max;
    private final List<String> choices;

    Knob(String word, int min, int max) {
        this(word, Kind.NUMBER, min, max, List.of());
    }

    Knob(String word) {
        this(word, Kind.FLAG, 0, 0, List.of());
    }

    Knob(String word, String... choices) {
        this(word, Kind.CHOICE, 0, 0, List.of(choices));
    }

    Knob(String word, Kind kind, int min, int max, List<String> choices) {
        this.word = word;
        this.kind = kind;
        this.min = min;
        this.max = max;
        this.choices = choices;
    }

    public String word() {
        return word;
    }

    public Kind kind() {
        return kind;
    }

    /** The smallest value of a {@link Kind#NUMBER} knob. */
    public int min() {
        return min;
    }

    /** The largest value of a {@link Kind#NUMBER} knob. */
    public int max() {
        return max;
    }

    /** The words a {@link Kind#CHOICE} knob takes (empty for the others). */
    public List<String> choices() {
        return choices;
    }

    /** The knob of that name, or null. */
    public static Knob byWord(String word) {
        return Arrays.stream(values()).filter(k -> k.word.equals(word)).findFirst().orElse(null);
    }

    public static List<String> words() {
        return Arrays.stream(values()).map(Knob::word).toList();
    }
}
