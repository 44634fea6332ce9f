package dev.shootdown.model;

import dev.shootdown.lang.Position;

/**
 * A place where a model can tell a PTE whose accessed (A) bit is set from one whose bit is clear:
 * the {@code .accessed} field, a comparison of two whole PTEs ({@code ==}, {@code ptep_cmpxchg}) or
 * {@code ptep_test_and_clear_young}. No hardware rule of the model reads A (x86 sets it on a walk and
 * never reads it back: Intel SDM vol. 3A 4.8), so a model without such a place cannot be affected by
 * it, and the checker does not track it there ({@link Machine#forChecking}).
 */
public record AccessedBitRead(Position at, String what) {}
