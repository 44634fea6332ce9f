package dev.shootdown.model;

import dev.shootdown.lang.Position;
import dev.shootdown.lang.Type;

/**
 * One compiled body: a CPU's program (procedures inlined) or an IRQ handler. {@code labels} and
 * {@code positions} give each instruction's source statement for timelines; {@code background}
 * marks instructions inside a top-level {@code loop} of a CPU program (user work that never ends and
 * so does not count as unfinished work for {@code no_deadlock}); {@code local} marks instructions that
 * touch only the code's own frame, which the engines run in the same step as the instruction before;
 * {@code slotTypes} is the type of each frame slot (a slot holds one variable or temporary for the
 * whole body); {@code slotNames} the name a reader knows it by (a local, a parameter, a handler's
 * sender, or what a temporary holds where that helps: the PMD {@code gup_fast} read, the CPUs a
 * {@code for} has still to visit as {@code c.left}), null for the compiler's other temporaries.
 */
public record Code(String name, Insn[] insns, String[] labels, Position[] positions, boolean[] background, boolean[] local, int frameSize,
                   Type[] slotTypes, String[] slotNames, long[][] liveIn, byte[] memoryOrder) {

    public Code(String name, Insn[] insns, String[] labels, Position[] positions, boolean[] background, boolean[] local, int frameSize, Type[] slotTypes) {
        this(name, insns, labels, positions, background, local, frameSize, slotTypes, new String[slotTypes.length]);
    }

    public Code(String name, Insn[] insns, String[] labels, Position[] positions, boolean[] background, boolean[] local, int frameSize, Type[] slotTypes,
                String[] slotNames) {
        this(name, insns, labels, positions, background, local, frameSize, slotTypes, slotNames, Liveness.liveIn(insns, frameSize), memoryOrders(insns));
    }

    /** The reader's name of frame slot {@code slot}, or null for a temporary with none (and past the frame). */
    public String slotName(int slot) {
        return slot < slotNames.length ? slotNames[slot] : null;
    }

    private static byte[] memoryOrders(Insn[] insns) {
        byte[] r = new byte[insns.length];
        for (int i = 0; i < insns.length; i++) {
            r[i] = MemoryOrder.classify(insns[i]);
        }
        return r;
    }

    /** Whether frame slot {@code slot} may still be read from {@code pc} on. */
    public boolean live(int pc, int slot) {
        return (liveIn[pc][slot >>> 6] & (1L << (slot & 63))) != 0;
    }

    public int size() {
        return insns.length;
    }

    /** What a compile pass does with each built-in operation of a body, at its program counter. */
    interface OpVisitor {
        void visit(Code code, int pc, Insn.Op op);
    }

    /** Hands every built-in operation of {@code programs}, then of {@code handlers}, to {@code visitor}, in code order. */
    static void eachOp(java.util.List<Code> programs, java.util.List<Code> handlers, OpVisitor visitor) {
        for (java.util.List<Code> bodies : java.util.List.of(programs, handlers)) {
            for (Code code : bodies) {
                for (int pc = 0; pc < code.size(); pc++) {
                    if (code.insns()[pc] instanceof Insn.Op o) {
                        visitor.visit(code, pc, o);
                    }
                }
            }
        }
    }
}
