package dev.shootdown.sim;

import java.util.Arrays;

/**
 * The CPUs waiting for their turn, ordered by the time of their next action, ties by CPU number
 * (so a run is deterministic). An indexed 4-ary heap (half the depth of a binary one: most CPUs
 * wait far in the future and each new entry climbs from the bottom) whose entries are one long each, time in
 * the high bits and CPU in the low 11, so a comparison is one load and one compare; a CPU is in
 * the queue at most once and its time can be moved either way.
 */
final class CpuQueue {
    static final int CPU_BITS = 11;
    private static final long CPU_MASK = (1L << CPU_BITS) - 1;
    /** Times beyond this do not fit next to a CPU number (about 1,200 hours at 3 GHz). */
    static final long MAX_TIME = Long.MAX_VALUE >>> CPU_BITS;

    private final long[] heap;
    private final int[] pos;
    private int size;

    CpuQueue(int cpus) {
        if (cpus > (1 << CPU_BITS)) {
            throw new IllegalArgumentException("at most " + (1 << CPU_BITS) + " CPUs");
        }
        heap = new long[cpus];
        pos = new int[cpus];
        Arrays.fill(pos, -1);
    }

    boolean isEmpty() {
        return size == 0;
    }

    boolean contains(int cpu) {
        return pos[cpu] >= 0;
    }

    long topTime() {
        return heap[0] >>> CPU_BITS;
    }

    int topCpu() {
        return (int) (heap[0] & CPU_MASK);
    }

    long time(int cpu) {
        return heap[pos[cpu]] >>> CPU_BITS;
    }

    /** Puts {@code cpu} in the queue at {@code time}, or moves it there. */
    void put(int cpu, long time) {
        long e = (Math.min(time, MAX_TIME) << CPU_BITS) | cpu;
        int i = pos[cpu];
        if (i < 0) {
            up(size++, e);
        } else if (e < heap[i]) {
            up(i, e);
        } else {
            down(i, e);
        }
    }

    int pop() {
        int top = (int) (heap[0] & CPU_MASK);
        pos[top] = -1;
        size--;
        if (size > 0) {
            down(0, heap[size]);
        }
        return top;
    }

    private void up(int i, long e) {
        while (i > 0) {
            int parent = (i - 1) >>> 2;
            long p = heap[parent];
            if (p <= e) {
                break;
            }
            heap[i] = p;
            pos[(int) (p & CPU_MASK)] = i;
            i = parent;
        }
        heap[i] = e;
        pos[(int) (e & CPU_MASK)] = i;
    }

    private void down(int i, long e) {
        while (true) {
            int c = 4 * i + 1;
            if (c >= size) {
                break;
            }
            long ce = heap[c];
            int end = Math.min(c + 4, size);
            for (int j = c + 1; j < end; j++) {
                if (heap[j] < ce) {
                    c = j;
                    ce = heap[j];
                }
            }
            if (e <= ce) {
                break;
            }
            heap[i] = ce;
            pos[(int) (ce & CPU_MASK)] = i;
            i = c;
        }
        heap[i] = e;
        pos[(int) (e & CPU_MASK)] = i;
    }
}
