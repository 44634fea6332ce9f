package dev.shootdown.sim;

import java.util.Arrays;

/**
 * The CPUs waiting for their turn, ordered by the time of their next action, ties by CPU number
 * (so a run is deterministic). An indexed binary heap on flat arrays: a CPU is in the queue at most
 * once, and its time can be moved either way.
 */
final class CpuQueue {
    private final int[] heap;
    private final int[] pos;
    private final long[] key;
    private int size;

    CpuQueue(int cpus) {
        heap = new int[cpus];
        pos = new int[cpus];
        key = new long[cpus];
        Arrays.fill(pos, -1);
    }

    boolean isEmpty() {
        return size == 0;
    }

    boolean contains(int cpu) {
        return pos[cpu] >= 0;
    }

    long topTime() {
        return key[heap[0]];
    }

    long time(int cpu) {
        return key[cpu];
    }

    /** Puts {@code cpu} in the queue at {@code time}, or moves it there. */
    void put(int cpu, long time) {
        if (pos[cpu] < 0) {
            key[cpu] = time;
            heap[size] = cpu;
            pos[cpu] = size;
            up(size++);
        } else {
            long old = key[cpu];
            key[cpu] = time;
            if (time < old) {
                up(pos[cpu]);
            } else {
                down(pos[cpu]);
            }
        }
    }

    int pop() {
        int top = heap[0];
        pos[top] = -1;
        size--;
        if (size > 0) {
            heap[0] = heap[size];
            pos[heap[0]] = 0;
            down(0);
        }
        return top;
    }

    private boolean less(int a, int b) {
        long ka = key[a];
        long kb = key[b];
        return ka < kb || (ka == kb && a < b);
    }

    private void up(int i) {
        int x = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            int p = heap[parent];
            if (!less(x, p)) {
                break;
            }
            heap[i] = p;
            pos[p] = i;
            i = parent;
        }
        heap[i] = x;
        pos[x] = i;
    }

    private void down(int i) {
        int x = heap[i];
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                break;
            }
            int r = l + 1;
            int c = r < size && less(heap[r], heap[l]) ? r : l;
            if (!less(heap[c], x)) {
                break;
            }
            heap[i] = heap[c];
            pos[heap[i]] = i;
            i = c;
        }
        heap[i] = x;
        pos[x] = i;
    }
}
