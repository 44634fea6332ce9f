package dev.shootdown.lang;

import java.util.List;

/** Top-level declarations of a model file. */
public sealed interface Decl {
    Position pos();

    /** {@code title "..."}, {@code seed "000"}, {@code expect use_after_free}, {@code explain """..."""}. */
    record Meta(Position pos, String key, String value) implements Decl {}

    /** {@code hardware x86 { cpus 3; tlb_capacity 2; blind_set }}. */
    record Hardware(Position pos, String profile, List<Knob> knobs) implements Decl {}

    /** One knob: a name and an optional value (a number or a word). */
    record Knob(Position pos, String name, Token value) {}

    /** {@code mm A { page p -> frame f writable; table t -> frame pt { page q -> frame g } }}. */
    record Mm(Position pos, String name, List<Page> pages, List<Table> tables) implements Decl {}

    /**
     * A page of an mm; {@code table} names the page-table page holding its PTE, or is null when tables are not
     * modelled; {@code at} names a page of another mm whose virtual address it shares ({@code page q at p}), or is null.
     */
    record Page(Position pos, String name, String frame, List<Token> flags, String table, Token at) {}

    /**
     * A page table in its own frame, hooked by one entry of the level above: of the table {@code parent} it is
     * declared in, or of the mm's top level (the table in CR3) when {@code parent} is null. A table that holds
     * pages is a last-level table (hooked by a PMD); one that holds tables is a PMD table (hooked by a PUD), and so on.
     */
    record Table(Position pos, String name, String frame, List<Token> flags, String parent) {}

    /** {@code frames g, h}: frames that start free, for {@code alloc_frame()}. */
    record Frames(Position pos, List<Token> names) implements Decl {}

    /** {@code shared x = 0} or {@code percpu y = false}; {@code type} is null when inferred from the initial value. */
    record Var(Position pos, boolean perCpu, String name, String type, Expr init) implements Decl {}

    record Param(Position pos, String name, String type) {}

    /**
     * {@code param N = 3}: a whole number the parser puts wherever {@code N} is written after it (knob
     * values, CPU numbers, expressions); {@code -D N=5} on the command line replaces the value.
     *
     * @param defined whether the value came from the command line
     */
    record ModelParam(Position pos, String name, int value, boolean defined) implements Decl {}

    /** {@code proc name(params) { ... }} or {@code irq name(from) { ... }}. */
    record Proc(Position pos, boolean irq, String name, List<Param> params, Stmt.Block body) implements Decl {}

    /** {@code cpu 0, 2..5, 7.. runs A: stmt}: the CPUs are numbers and ranges ({@code to} is -1 for "to the last CPU"). */
    record Cpu(Position pos, List<CpuRange> cpus, String mm, Position mmPos, Stmt body) implements Decl {}

    record CpuRange(Position pos, int from, int to) {}

    /** {@code check no_use_after_free, no_deadlock}. */
    record Check(Position pos, List<Token> properties) implements Decl {}

    /** {@code invariant expr}: must hold in every reachable state. */
    record Invariant(Position pos, Expr cond) implements Decl {}
}
