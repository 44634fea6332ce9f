package dev.shootdown.model;

import dev.shootdown.lang.Type;

/** A compiled expression and its type. */
record Typed(IrExpr ir, Type type) {}
