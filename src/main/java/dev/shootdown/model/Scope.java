package dev.shootdown.model;

import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Position;
import dev.shootdown.lang.Type;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The locals of one body: a frame of slots ({@link Compiler#MAX_LOCALS} at most) and the scopes that
 * name them. Only the innermost scope is visible: an inlined procedure sees its parameters and its
 * own locals, not its caller's; a set comprehension sees the enclosing locals and its variable.
 */
final class Scope {
    /** A variable of a body's frame. */
    record Local(int slot, Type type) {}

    private final Map<String, Position> globals;
    private final Supplier<CompileError> full;
    private final List<Map<String, Local>> scopes = new ArrayList<>();
    private int frameSize;
    private final List<Type> types = new ArrayList<>();
    /** Each slot's source name, or null for a temporary the compiler made (a call's result, a loop's rest). */
    private final List<String> names = new ArrayList<>();

    /** {@code full} is the error for one slot too many. */
    Scope(Map<String, Position> globals, Supplier<CompileError> full) {
        this.globals = globals;
        this.full = full;
        scopes.add(new HashMap<>());
    }

    /** A new slot holding values of type {@code t} (the state layout reads it: symmetry renumbers cpu and cpuset slots). */
    int newSlot(Type t) {
        if (frameSize == Compiler.MAX_LOCALS) {
            throw full.get();
        }
        types.add(t);
        names.add(null);
        return frameSize++;
    }

    /** Names slot {@code slot} for the reader: counterexamples show a frame's slots by these names. */
    void name(int slot, String n) {
        names.set(slot, n);
    }

    String[] slotNames() {
        return names.toArray(String[]::new);
    }

    /** Sets the type of a slot made before its values' type was known (a procedure's result). */
    void retype(int slot, Type t) {
        types.set(slot, t);
    }

    Type[] slotTypes() {
        return types.toArray(Type[]::new);
    }

    /** A new local in the innermost scope; a global's name may not be taken. */
    Local declare(String n, Type t, Position at) {
        if (globals.containsKey(n)) {
            throw new CompileError(at, "'" + n + "' is already declared at " + globals.get(n) + "; choose another local name");
        }
        Local v = new Local(newSlot(t), t);
        name(v.slot(), n);
        innermost().put(n, v);
        return v;
    }

    Local lookup(String n) {
        return innermost().get(n);
    }

    Map<String, Local> innermost() {
        return scopes.get(scopes.size() - 1);
    }

    void push(Map<String, Local> scope) {
        scopes.add(scope);
    }

    void pop() {
        scopes.remove(scopes.size() - 1);
    }

    int frameSize() {
        return frameSize;
    }
}
