package dev.shootdown.sim;

import java.util.Arrays;

/** A growable int list without boxing. */
final class IntList {
    int[] data = new int[16];
    int size;

    void add(int v) {
        if (size == data.length) {
            data = Arrays.copyOf(data, size * 2);
        }
        data[size++] = v;
    }
}
