package dev.shootdown.model;

import dev.shootdown.lang.Type;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The whole machine as a reader sees it, read off the typed layout ({@link Layout#word}): each word
 * of a state belongs to one {@link Item}, a thing with a path ({@code cpus[1].pwc.t0},
 * {@code ptes.p}, {@code mm_cpumask.A}) and a value in words. The kind of a word decides its path and
 * how its value reads; a kind this class has no case for still shows, under {@code other.} and its
 * layout name, as a number. Words that together make one thing (a store buffer's count and entries,
 * a CPU's pending IPIs, a Xen queue, the RCU slots) are one item; the flags word is several (the
 * interrupt flag, the handler running, the fence), each with its bits.
 *
 * <p>Items are <em>control</em> when they say where a CPU is in its code (its pc, the handler it
 * runs, where it returns to): {@link ReadProbe} leaves them alone, since which statement runs next is
 * the step itself, not a value it reads.
 */
final class StateView {
    /**
     * One thing the reader sees: the words (and, within each, the bits {@code mask}) it is made of, its path
     * and its value in a state (a String, or a List of Strings for a list; null when absent, as an empty TLB entry).
     */
    record Item(int[] words, int mask, boolean control, Function<int[], String> path, Function<int[], Object> value) {}

    private final Program program;
    private final Layout layout;
    private final Names names;
    private final StoreBuffer storeBuffer;
    private final Interrupts interrupts;
    private final PageTableTree tree;
    private final List<Item> items = new ArrayList<>();

    StateView(Program program, Layout layout, Names names, StoreBuffer storeBuffer, Interrupts interrupts) {
        this.program = program;
        this.layout = layout;
        this.names = names;
        this.storeBuffer = storeBuffer;
        this.interrupts = interrupts;
        this.tree = new PageTableTree(program);
        for (int i = 0; i < layout.size; i++) {
            add(i, layout.word(i));
        }
        if (layout.handlers == 0) {
            // No handler, no pending word: the list is there all the same, always empty.
            for (int c = 0; c < layout.cpus; c++) {
                String path = "cpus[" + c + "].pending_ipis";
                items.add(new Item(new int[0], -1, false, s -> path, s -> List.of()));
            }
        }
    }

    List<Item> items() {
        return items;
    }

    /** Every item present in {@code s}, in layout order: what a snapshot shows. */
    List<Snapshot.Part> parts(int[] s) {
        List<Snapshot.Part> parts = new ArrayList<>();
        for (Item it : items) {
            Object v = it.value().apply(s);
            if (v != null) {
                parts.add(part(it.path().apply(s), v));
            }
        }
        return parts;
    }

    @SuppressWarnings("unchecked")
    static Snapshot.Part part(String path, Object v) {
        return v instanceof List<?> l ? new Snapshot.Part(path, null, List.copyOf((List<String>) l)) : new Snapshot.Part(path, (String) v, null);
    }

    private void add(int i, StateWord w) {
        int c = w.index();
        String cpu = "cpus[" + c + "].";
        int b = layout.cpu(c);
        switch (w.kind()) {
            case VARIABLE -> {
                Program.Var v = w.owner() == StateWord.Owner.SHARED ? program.shared().get(i) : program.perCpu().get(i - b - layout.perCpu);
                String path = (w.owner() == StateWord.Owner.SHARED ? "vars." : cpu + "vars.") + v.name();
                item(i, path, s -> value(v.type(), s[i]));
            }
            case PC -> items.add(new Item(new int[] {i}, -1, true, s -> cpu + "at", s -> where(s, c, b)));
            case FLAGS -> {
                items.add(new Item(new int[] {i}, Layout.IRQ_ON, false, s -> cpu + "irq", s -> (s[i] & Layout.IRQ_ON) != 0 ? "on" : "off"));
                items.add(new Item(new int[] {i}, Layout.IN_HANDLER | -1 << Layout.HANDLER_SHIFT, true, s -> cpu + "handler",
                        s -> inHandler(s, b) ? names.handler(s[i] >>> Layout.HANDLER_SHIFT) : null));
                items.add(new Item(new int[] {i}, Layout.SAVED_IRQ, false, s -> cpu + "irq_on_return",
                        s -> !inHandler(s, b) ? null : (s[i] & Layout.SAVED_IRQ) != 0 ? "on" : "off"));
                items.add(new Item(new int[] {i}, Layout.FENCE, false, s -> cpu + "fence",
                        s -> (s[i] & Layout.FENCE) != 0 ? "later accesses wait for the store buffer" : null));
            }
            case SAVED_PC -> items.add(new Item(new int[] {i}, -1, true, s -> cpu + "returns_to",
                    s -> inHandler(s, b) ? program.cpuPrograms().get(c).labels()[s[i]] : null));
            case ACK_WAIT -> item(i, cpu + "acks_awaited", s -> names.cpuSet(s[i]));
            case STORE_COUNT -> {
                int[] words = new int[1 + 2 * layout.storeBufferEntries];
                words[0] = i;
                System.arraycopy(range(b + layout.storeBuffer, words.length - 1), 0, words, 1, words.length - 1);
                items.add(new Item(words, -1, false, s -> cpu + "store_buffer", s -> storeBuffer.describe(s, b)));
            }
            case STORE_ADDRESS, STORE_VALUE -> { } // in the store buffer's item
            case CR3 -> item(i, cpu + "cr3", s -> names.loaded(s[i]));
            case RCU_NEST -> item(i, cpu + "rcu_read_depth", s -> s[i] == 0 ? null : Integer.toString(s[i]));
            case PENDING_SENDERS -> {
                if (i == b + Layout.PENDING) {
                    items.add(new Item(range(i, layout.handlers), -1, false, s -> cpu + "pending_ipis", s -> interrupts.describe(s, b)));
                }
            }
            case IPI_ARG -> {
                // The value the CPU last sent with this handler's IPI; a handler that takes none has a word never written.
                String handler = program.handlers().get(i - b - layout.ipiArgs).name();
                item(i, cpu + "ipi_arg." + handler, s -> w.type() == null ? null : value(w.type(), s[i]));
            }
            case ASID -> item(i, cpu + "asid", s -> Integer.toString(s[i]));
            case TLB_ENTRY -> item(i, cpu + "tlb." + names.tlbSlot(i - b - layout.tlb), s -> s[i] == 0 ? null : names.pte(s[i]));
            case BROADCAST_PENDING -> item(i, cpu + "broadcast." + names.broadcastSlot(i - b - layout.bcast),
                    s -> s[i] == 0 ? null : "from " + names.cpuSet(s[i]));
            case WALK_CACHE_ENTRY -> item(i, cpu + "pwc." + names.pwcSlot(i - b - layout.pwc), s -> s[i] == 0 ? null : names.pte(s[i]));
            case ICACHE_LINE -> item(i, cpu + "icache." + names.frame(i - b - layout.icache),
                    s -> s[i] == 0 ? null : s[i] == 1 ? "current content" : "older content");
            case XEN_QUEUE -> {
                if (i == b + layout.xenQueue) {
                    int[] words = range(i, 1 + 2 * program.hardware().xenQueue());
                    items.add(new Item(words, -1, false, s -> cpu + "xen_queue", s -> xenQueue(s, i)));
                }
            }
            case PROGRAM_LOCAL -> {
                int slot = i - b - layout.locals;
                Code code = program.cpuPrograms().get(c);
                String path = cpu + "locals." + slotName(code, slot);
                boolean named = code.slotName(slot) != null;
                item(i, path, s -> named && slot < code.frameSize() && code.live(programPc(s, b), slot) ? value(code.slotTypes()[slot], s[i]) : null);
            }
            case HANDLER_LOCAL -> {
                int slot = i - b - layout.handlerLocals;
                items.add(new Item(new int[] {i}, -1, false, s -> {
                    Code h = inHandler(s, b) ? handlerCode(s, b) : null;
                    return cpu + "handler_locals." + (h != null && slot < h.frameSize() ? slotName(h, slot) : "#" + slot);
                }, s -> {
                    if (!inHandler(s, b)) {
                        return null;
                    }
                    Code h = handlerCode(s, b);
                    return slot < h.frameSize() && h.slotName(slot) != null && h.live(s[b + Layout.PC], slot) ? value(h.slotTypes()[slot], s[i]) : null;
                }));
            }
            case PTE -> item(i, "ptes." + names.page(w.index()), s -> names.pte(s[i]));
            case PMD -> item(i, PageTableTree.section(tree.level(w.index())) + "." + names.table(w.index()), s -> names.pte(s[i]));
            case MM_CPUMASK -> item(i, "mm_cpumask." + names.mm(w.index()), s -> names.cpuSet(s[i]));
            case MM_CONTEXT -> item(i, "mm_context." + names.mm(w.index()), s -> Integer.toString(s[i]));
            case RCU_FRAME -> {
                if (w.index() == 0) {
                    items.add(new Item(range(i, 2 * layout.rcuSlots), -1, false, s -> "rcu", this::rcu));
                }
            }
            case RCU_WAITING -> { } // in the RCU item
            case FRAME_STATE -> {
                // A shared frame's further owners are part of who owns it: one item of both words.
                int sh = layout.sharersBase + w.index();
                int[] words = layout.hasSharers() ? new int[] {i, sh} : new int[] {i};
                items.add(new Item(words, -1, false, s -> "frames." + names.frame(w.index()),
                        s -> FrameState.describe(s[i], layout.hasSharers() ? s[sh] : 0, program.mmNames())));
            }
            case FRAME_SHARERS -> { } // in the frame's item
            case FRAME_VERSION -> item(i, "frame_versions." + names.frame(w.index()), s -> Integer.toString(s[i]));
            case FRAME_SOURCE -> item(i, "frame_copies." + names.frame(w.index()), s -> s[i] == 0 ? null : "copy of " + names.frame(s[i] - 1));
            case FRAME_MISSED -> {
                if (i == layout.missedWord(w.index(), 0)) {
                    int f = w.index();
                    items.add(new Item(range(i, layout.missedWords), -1, false, s -> "missed_stores." + names.frame(f), s -> missed(s, f)));
                }
            }
            case PROTECTED -> item(i, "protected." + names.page(w.index()), s -> s[i] == 0 ? null : "mprotect returned");
            default -> item(i, "other." + w.name(), s -> Integer.toString(s[i]));
        }
    }

    private void item(int i, String path, Function<int[], Object> value) {
        items.add(new Item(new int[] {i}, -1, false, s -> path, value));
    }

    private static int[] range(int from, int n) {
        int[] r = new int[n];
        for (int k = 0; k < n; k++) {
            r[k] = from + k;
        }
        return r;
    }

    private static boolean inHandler(int[] s, int b) {
        return (s[b + Layout.FLAGS] & Layout.IN_HANDLER) != 0;
    }

    private Code handlerCode(int[] s, int b) {
        return program.handlers().get(s[b + Layout.FLAGS] >>> Layout.HANDLER_SHIFT);
    }

    /** Where the CPU's program is: its pc, or where it returns to from a handler. */
    private static int programPc(int[] s, int b) {
        return inHandler(s, b) ? s[b + Layout.SAVED_PC] : s[b + Layout.PC];
    }

    /** What the CPU runs next, as a snapshot says it: its next statement, "in HANDLER: ...", "done". */
    String where(int[] s, int c, int b) {
        Code code = inHandler(s, b) ? handlerCode(s, b) : program.cpuPrograms().get(c);
        String label = code.labels()[s[b + Layout.PC]];
        return inHandler(s, b) ? "in " + code.name() + ": " + label : label;
    }

    /**
     * A slot's name: the source's, or #slot for a temporary of the compiler's (never shown: it lives within
     * a step, or only inside an expression); a name used twice in a body gets #slot after it.
     */
    private static String slotName(Code code, int slot) {
        String n = code.slotName(slot);
        if (n == null) {
            return "#" + slot;
        }
        for (int k = 0; k < slot; k++) {
            if (n.equals(code.slotName(k))) {
                return n + "#" + slot;
            }
        }
        return n;
    }

    /** A value of a language type in words, as the timeline writes it; a CPU as cpuN. */
    private String value(Type t, int raw) {
        if (t == null) {
            return Integer.toString(raw);
        }
        return switch (t) {
            case TABLE -> raw >= 0 && raw < program.tableNames().size() ? names.table(raw) : "#" + raw;
            case CPU -> "cpu" + raw;
            default -> names.value(t, raw);
        };
    }

    private List<String> xenQueue(int[] s, int at) {
        List<String> q = new ArrayList<>();
        for (int k = 0; k < s[at] && k < program.hardware().xenQueue(); k++) {
            q.add("pte[" + names.page(s[at + 1 + 2 * k]) + "] = " + names.pte(s[at + 2 + 2 * k]));
        }
        return q;
    }

    /** The pages whose last store frame {@code f} misses, or null for none. */
    private List<String> missed(int[] s, int f) {
        List<String> pages = new ArrayList<>();
        for (int p = 0; p < program.pages(); p++) {
            if ((s[layout.missedWord(f, p)] >>> p % 31 & 1) != 0) {
                pages.add(names.page(p));
            }
        }
        return pages.isEmpty() ? null : pages;
    }

    private List<String> rcu(int[] s) {
        List<String> slots = new ArrayList<>();
        for (int k = 0; k < layout.rcuSlots; k++) {
            int at = layout.rcuBase + 2 * k;
            if (s[at] != 0) {
                slots.add("free " + names.frame(s[at] - 1) + " once " + names.cpuSet(s[at + 1]) + " pass a quiescent state");
            }
        }
        return slots;
    }
}
