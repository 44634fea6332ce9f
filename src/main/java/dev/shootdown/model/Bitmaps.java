package dev.shootdown.model;

import dev.shootdown.lang.Builtin;

/**
 * Bitmaps in an int, bits 0 to 31: the pure counterparts of Linux's {@code test_bit},
 * {@code __set_bit}, {@code __clear_bit} and {@code find_next_zero_bit}, with which kernel code keeps
 * small sets of numbers, such as the ASIDs an allocator has handed out (arm64's {@code asid_map}).
 * A bit number outside 0 to 31 is the model's error.
 */
final class Bitmaps {
    private final Monitors monitors;
    private final Expressions x;

    Bitmaps(Monitors monitors, Expressions x) {
        this.monitors = monitors;
        this.x = x;
    }

    void register(BuiltinTable table) {
        table.function(Builtin.TEST_BIT, new BuiltinTable.Function() {
            @Override
            int call(IrExpr[] a, int[] s, int c, int fr) {
                int nr = bit(x.eval(a[0], s, c, fr));
                return (x.eval(a[1], s, c, fr) >>> nr) & 1;
            }
        });
        table.function(Builtin.SET_BIT, new BuiltinTable.Function() {
            @Override
            int call(IrExpr[] a, int[] s, int c, int fr) {
                int nr = bit(x.eval(a[0], s, c, fr));
                return x.eval(a[1], s, c, fr) | (1 << nr);
            }
        });
        table.function(Builtin.CLEAR_BIT, new BuiltinTable.Function() {
            @Override
            int call(IrExpr[] a, int[] s, int c, int fr) {
                int nr = bit(x.eval(a[0], s, c, fr));
                return x.eval(a[1], s, c, fr) & ~(1 << nr);
            }
        });
        // find_next_zero_bit(map, size, offset): the lowest clear bit from offset below size, else size.
        table.function(Builtin.FIND_NEXT_ZERO_BIT, new BuiltinTable.Function() {
            @Override
            int call(IrExpr[] a, int[] s, int c, int fr) {
                int map = x.eval(a[0], s, c, fr);
                int size = x.eval(a[1], s, c, fr);
                int offset = x.eval(a[2], s, c, fr);
                if (size < 0 || size > 32 || offset < 0) {
                    monitors.fail(Verdict.ASSERTION, "find_next_zero_bit(map, " + size + ", " + offset + "): a bitmap has 0 to 32 bits, from offset 0 up");
                    return 0;
                }
                for (int nr = offset; nr < size; nr++) {
                    if ((map >>> nr & 1) == 0) {
                        return nr;
                    }
                }
                return size;
            }
        });
    }

    /** A bit number: outside 0 to 31, an assertion failure (and bit 0 stands in). */
    private int bit(int nr) {
        if (nr < 0 || nr > 31) {
            monitors.fail(Verdict.ASSERTION, "bit " + nr + " out of range: a bitmap has bits 0 to 31");
            return 0;
        }
        return nr;
    }
}
