package dev.shootdown.sim;

import java.util.Arrays;

/**
 * Hardware events due at a time that no CPU executes: broadcast invalidations reaching a CPU.
 * A binary heap of (time, sequence) on flat arrays; the sequence number breaks ties in the order
 * the timers were set, so runs are deterministic. Each timer carries two ints of payload.
 */
final class TimerQueue {
    private long[] time = new long[64];
    private long[] seq = new long[64];
    private int[] a = new int[64];
    private int[] b = new int[64];
    private int size;
    private long next;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    long topTime() {
        return time[0];
    }

    int topA() {
        return a[0];
    }

    int topB() {
        return b[0];
    }

    void add(long t, int pa, int pb) {
        if (size == time.length) {
            int n = size * 2;
            time = Arrays.copyOf(time, n);
            seq = Arrays.copyOf(seq, n);
            a = Arrays.copyOf(a, n);
            b = Arrays.copyOf(b, n);
        }
        int i = size++;
        long s = next++;
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (time[p] < t || (time[p] == t && seq[p] < s)) {
                break;
            }
            move(p, i);
            i = p;
        }
        time[i] = t;
        seq[i] = s;
        a[i] = pa;
        b[i] = pb;
    }

    void pop() {
        size--;
        if (size == 0) {
            return;
        }
        long t = time[size];
        long s = seq[size];
        int pa = a[size];
        int pb = b[size];
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                break;
            }
            int r = l + 1;
            int c = r < size && (time[r] < time[l] || (time[r] == time[l] && seq[r] < seq[l])) ? r : l;
            if (time[c] > t || (time[c] == t && seq[c] > s)) {
                break;
            }
            move(c, i);
            i = c;
        }
        time[i] = t;
        seq[i] = s;
        a[i] = pa;
        b[i] = pb;
    }

    private void move(int from, int to) {
        time[to] = time[from];
        seq[to] = seq[from];
        a[to] = a[from];
        b[to] = b[from];
    }
}
