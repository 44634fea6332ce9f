package dev.shootdown.model;

import dev.shootdown.lang.Position;

/**
 * A place where a model uses a CPU number as more than an identity: a constant that names a CPU
 * ({@code x[0]}, {@code {1, 2}}, {@code ack(3)}), or a CPU number that becomes an int or is made from
 * one ({@code c + 1}, {@code c < d}, an int variable holding {@code self}), or an order over CPUs
 * ({@code for} visits a set from the lowest). Symmetry reduction may only exchange CPUs a model does
 * not tell apart: the CPUs in {@code named} each keep their own place, and a use with {@code anyCpu}
 * tells every CPU apart, so no symmetry is used at all.
 *
 * @param named the CPUs a constant names (bit c for CPU c); 0 when {@code anyCpu}
 */
public record CpuUse(Position at, String what, long named, boolean anyCpu) {

    static CpuUse naming(Position at, String what, int cpu) {
        return new CpuUse(at, what, cpu >= 0 && cpu < 64 ? 1L << cpu : 0, false);
    }

    static CpuUse namingSet(Position at, String what, long mask) {
        return new CpuUse(at, what, mask, false);
    }

    static CpuUse ordering(Position at, String what) {
        return new CpuUse(at, what, 0, true);
    }
}
