package dev.shootdown.check;

import java.util.ArrayDeque;

/**
 * The BFS frontier: fixed-width records (state index, depth, packed state) in int blocks, so that
 * a million queued states cost their ints and not a million objects.
 */
final class StateQueue {
    private static final int RECORDS_PER_BLOCK = 4096;
    private final int width;
    private final ArrayDeque<int[]> blocks = new ArrayDeque<>();
    private int[] tail;
    private int tailCount = RECORDS_PER_BLOCK;
    private int headCount;
    private long size;

    StateQueue(int stateSize) {
        this.width = stateSize + 2;
    }

    void push(int index, int depth, int[] state) {
        if (tailCount == RECORDS_PER_BLOCK) {
            tail = new int[RECORDS_PER_BLOCK * width];
            blocks.addLast(tail);
            tailCount = 0;
        }
        int at = tailCount * width;
        tail[at] = index;
        tail[at + 1] = depth;
        System.arraycopy(state, 0, tail, at + 2, width - 2);
        tailCount++;
        size++;
    }

    /** Copies the oldest state into {@code state} and returns its index and depth packed as index << 32 | depth. */
    long pop(int[] state) {
        int[] head = blocks.peekFirst();
        int at = headCount * width;
        long r = ((long) head[at] << 32) | (head[at + 1] & 0xffffffffL);
        System.arraycopy(head, at + 2, state, 0, width - 2);
        headCount++;
        size--;
        if (headCount == RECORDS_PER_BLOCK || (head == tail && headCount == tailCount)) {
            blocks.pollFirst();
            headCount = 0;
            if (head == tail) {
                tail = null;
                tailCount = RECORDS_PER_BLOCK;
            }
        }
        return r;
    }

    boolean isEmpty() {
        return size == 0;
    }

    long size() {
        return size;
    }

    long bytes() {
        return (long) blocks.size() * RECORDS_PER_BLOCK * width * 4;
    }
}
