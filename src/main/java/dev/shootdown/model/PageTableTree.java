package dev.shootdown.model;

/**
 * How a program's declared tables nest: each table's level and the chain of tables a walk of each page
 * goes through. A table holding pages is a last-level table (level 0, its entries PTEs, hooked by a
 * PMD); one holding level-0 tables is a PMD table (level 1, hooked by a PUD entry); one holding those
 * is a PUD table (level 2, hooked by an entry of the mm's top-level table, a P4D folded into the PGD
 * as in Linux's four-level x86-64 and arm64). The top-level table itself (in CR3 or TTBR0_EL1) is
 * never declared: it is never freed. Intel SDM vol. 3A 4.5 (PML4, PDPT, PD, PT); ARM ARM D8.2
 * (translation table levels 0 to 3).
 *
 * <p>Each table has one word of state for the entry that hooks it (at {@link Layout#pmdBase}), and one
 * paging-structure cache slot per CPU (and ASID): the cache of its hooking entry's level.
 */
public final class PageTableTree {
    /** The highest level a declared table may have: a PUD table. */
    public static final int MAX_LEVEL = 2;
    private static final String[] ENTRY = {"PMD", "PUD", "P4D"};
    private static final String[] SET_OF = {"pmd", "pud", "p4d"};

    private final int[] parent;
    private final int[] level;
    /** Per page: the tables a walk of it reads, from the top level down (empty for a page outside any table). */
    private final int[][] chain;
    private final int depth;

    public PageTableTree(Program program) {
        this(program.tableParent(), program.pageTable());
    }

    private PageTableTree(int[] parent, int[] pageTable) {
        this.parent = parent;
        int tables = parent.length;
        this.level = new int[tables];
        // A table is declared after its parent, so children come later: from the last table up, each
        // child has its level before its parent takes it.
        for (int t = tables - 1; t >= 0; t--) {
            if (parent[t] >= 0) {
                level[parent[t]] = Math.max(level[parent[t]], level[t] + 1);
            }
        }
        this.chain = new int[pageTable.length][];
        int deepest = 0;
        for (int p = 0; p < pageTable.length; p++) {
            chain[p] = up(pageTable[p]);
            deepest = Math.max(deepest, chain[p].length);
        }
        this.depth = deepest;
    }

    /** The tree of the tables declared with these parents and pages in them, before a program exists. */
    static PageTableTree of(int[] tableParent, int[] pageTable) {
        return new PageTableTree(tableParent, pageTable);
    }

    /**
     * What a {@code pmd_}/{@code pud_}/{@code p4d_} operation {@code op} on {@code table}, hooked by an entry of
     * {@code level}, not of {@code opLevel}, should have been: the message of the compile error and of the run-time check.
     */
    static String wrongLevel(dev.shootdown.lang.Builtin op, String table, int level, int opLevel) {
        String right = op == dev.shootdown.lang.Builtin.PMDP_GET_AND_CLEAR ? prefix(level) + "_get then " + prefix(level) + "_clear"
                : prefix(level) + op.word().substring(3);
        return op.word() + "(" + table + "): table " + table + " is hooked by a " + entry(level) + ", not a " + entry(opLevel) + ": write " + right;
    }

    /** The depth ({@link #depth()}) of the tables declared with these parents and pages in them, before a program exists. */
    static int depth(int[] tableParent, int[] pageTable) {
        return new PageTableTree(tableParent, pageTable).depth;
    }

    /** Table {@code t} and the tables above it, from the top level down (empty for -1). */
    private int[] up(int t) {
        int n = 0;
        for (int u = t; u >= 0; u = parent[u]) {
            n++;
        }
        int[] out = new int[n];
        for (int u = t; u >= 0; u = parent[u]) {
            out[--n] = u;
        }
        return out;
    }

    /** The tables a walk of {@code page} reads, from the top level down. */
    public int[] chain(int page) {
        return chain[page];
    }

    /** The level of table {@code t}: 0 for a last-level table. */
    public int level(int t) {
        return level[t];
    }

    /** The table above {@code t}, or -1. */
    public int parent(int t) {
        return parent[t];
    }

    /** The longest chain of any page: 0 without tables, 1 with last-level tables only. */
    public int depth() {
        return depth;
    }

    /** The table at {@code level} on the way to {@code page}, or -1. */
    public int at(int page, int level) {
        int[] c = chain[page];
        return level < c.length ? c[c.length - 1 - level] : -1;
    }

    /** The prefix of the built-ins on a table of level {@code level}'s hooking entry: pmd, pud, p4d. */
    public static String prefix(int level) {
        return SET_OF[level];
    }

    /** The kind of entry that hooks a table of level {@code level}, as Linux names it: PMD, PUD, P4D. */
    public static String entry(int level) {
        return ENTRY[level];
    }

    /** The name a table's hooking entry has in the whole-machine view: {@code pmds}, {@code puds}, {@code p4ds}. */
    public static String section(int level) {
        return SET_OF[level] + "s";
    }
}
