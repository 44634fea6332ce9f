package dev.shootdown.model;

import dev.shootdown.lang.Builtin;
import dev.shootdown.lang.CompileError;

import java.util.List;
import java.util.Map;

/**
 * A compile pass: a {@code pmd_}, {@code pud_} or {@code p4d_} operation on a table named in the text
 * must act on the entry that hooks that table (pmd_* on last-level tables, pud_* on PMD tables, p4d_* on
 * PUD tables), as {@link PageTableTree} gives the levels. A table reached through a variable is checked
 * when the step runs (PageTables.atLevel), with the same words.
 */
final class TableLevelCheck {
    private TableLevelCheck() {}

    /** The level of table each operation works on. */
    private static final Map<Builtin, Integer> LEVEL = Map.of(
            Builtin.PMD_CLEAR, 0, Builtin.PMD_POPULATE, 0, Builtin.PMDP_GET_AND_CLEAR, 0,
            Builtin.PUD_CLEAR, 1, Builtin.PUD_POPULATE, 1,
            Builtin.P4D_CLEAR, 2, Builtin.P4D_POPULATE, 2);

    static void check(PageTableTree tree, List<String> tables, List<Code> handlers, List<Code> programs) {
        Code.eachOp(programs, handlers, (code, pc, o) -> {
            if (LEVEL.containsKey(o.op()) && o.args().length > 0 && o.args()[0] instanceof IrExpr.Const k && k.value() >= 0 && k.value() < tables.size()) {
                int level = tree.level(k.value());
                if (level != LEVEL.get(o.op())) {
                    throw new CompileError(code.positions()[pc], PageTableTree.wrongLevel(o.op(), tables.get(k.value()), level, LEVEL.get(o.op())));
                }
            }
        });
    }
}
