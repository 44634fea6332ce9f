package dev.shootdown.check;

import java.util.Arrays;

/**
 * For every distinct state, its predecessor's index and its own fingerprint (TLC's TLCTrace):
 * enough to rebuild a counterexample by re-executing from the initial state.
 */
final class TraceLog {
    private long[] fps = new long[1 << 12];
    private int[] parents = new int[1 << 12];
    private int size;

    int add(int parent, long fp) {
        if (size == fps.length) {
            int cap = fps.length * 2;
            fps = Arrays.copyOf(fps, cap);
            parents = Arrays.copyOf(parents, cap);
        }
        fps[size] = fp;
        parents[size] = parent;
        return size++;
    }

    long fingerprint(int index) {
        return fps[index];
    }

    int parent(int index) {
        return parents[index];
    }

    int size() {
        return size;
    }

    long bytes() {
        return fps.length * 12L;
    }

    long bytesToGrow() {
        return size + 16 >= fps.length ? fps.length * 12L * 2 : 0;
    }
}
