package dev.shootdown.model;

import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Position;

import java.util.function.Supplier;

/**
 * The model-wide counts inlining may not pass ({@link Compiler#MAX_TERMS}, {@link Compiler#MAX_INSTRUCTIONS}),
 * shared by every body {@link Lowering} compiles: each inlined copy of a procedure counts again.
 */
final class SizeBudget {
    private int terms;
    private int instructions;

    /** One statement or expression term; {@code blame} says where an error would point. */
    void countTerm(Supplier<Position> blame) {
        if (++terms > Compiler.MAX_TERMS) {
            throw tooLarge(blame.get(), "more than " + Compiler.MAX_TERMS + " statements and expression terms");
        }
    }

    void countInstruction(Supplier<Position> blame) {
        if (++instructions > Compiler.MAX_INSTRUCTIONS) {
            throw tooLarge(blame.get(), "more than " + Compiler.MAX_INSTRUCTIONS + " instructions");
        }
    }

    /**
     * A size limit passed: the error is at the outermost call being inlined, since that copy is
     * what grew the body (the call a CPU's program makes), or at the statement itself.
     */
    static CompileError tooLarge(Position at, String what) {
        return new CompileError(at, "the model is too large once procedures are inlined (each call is a copy of the procedure's body): " + what);
    }
}
