package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/** Instructions of the compiled form: one flat array per CPU program and per IRQ handler. */
public sealed interface Insn {

    /** Where an assignment stores. */
    sealed interface Target {
        record Local(int slot) implements Target {}

        record Shared(int var) implements Target {}

        record PerCpu(int var, IrExpr cpu) implements Target {}
    }

    record Assign(Target target, IrExpr value) implements Insn {}

    record Jump(int target) implements Insn {}

    /** Jumps to {@code target} when {@code cond} is false. */
    record Branch(IrExpr cond, int target) implements Insn {}

    /** Enabled only when {@code cond} holds; the CPU can still take interrupts while it waits. */
    record Wait(IrExpr cond) implements Insn {}

    /** Runs the instructions up to {@code end} (exclusive) as one step, enabled when {@code guard} holds. */
    record Atomic(IrExpr guard, int end) implements Insn {}

    /**
     * A built-in operation; {@code result} is a frame slot or -1. {@code lock} is the lock target for spin locks.
     * {@code onFault}: for a user access in a model with a {@code page_fault} procedure, where the code goes when
     * the access faults (the inlined handler, which jumps back to retry the access); -1 otherwise.
     */
    record Op(Builtin op, IrExpr[] args, int result, Target lock, int onFault) implements Insn {
        public Op(Builtin op, IrExpr[] args, int result, Target lock) {
            this(op, args, result, lock, -1);
        }
    }

    record Assert(IrExpr cond, String message) implements Insn {}

    /**
     * Nondeterministic choice ({@code either}): the CPU goes on at one of {@code targets}; each is an
     * action of its own (its argument says which), so the checker explores them all.
     */
    record Choose(int[] targets) implements Insn {}

    /**
     * {@code choose x in S}: frame slot {@code slot} gets one CPU of the set {@code set}, each an action
     * of its own (its argument names the CPU); an empty set is an error of the model.
     */
    record ChooseCpu(int slot, IrExpr set) implements Insn {}

    /** End of an IRQ handler: back to the interrupted code with its interrupt flag. */
    record Iret() implements Insn {}

    /** End of a CPU's program. */
    record Halt() implements Insn {}
}
