package dev.shootdown.model;

import java.util.Arrays;

/**
 * An open-addressing map from long keys to non-negative int values, for memo tables on hot paths
 * (no boxing, and a mixing hash: keys that pack two small ints would collide in a HashMap's bins).
 */
public final class LongIntMap {
    private static final int FREE = -1;
    private long[] keys = new long[64];
    private int[] values = new int[64];
    private int size;

    public LongIntMap() {
        Arrays.fill(values, FREE);
    }

    /** The value of {@code key}, or -1. */
    public int get(long key) {
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            if (values[i] == FREE) {
                return -1;
            }
            if (keys[i] == key) {
                return values[i];
            }
        }
    }

    public void put(long key, int value) {
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            if (values[i] == FREE) {
                keys[i] = key;
                values[i] = value;
                size++;
                return;
            }
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
        }
    }

    /** Receives an entry of the map. */
    public interface EntryVisitor {
        void visit(long key, int value);
    }

    public void forEach(EntryVisitor visitor) {
        for (int i = 0; i < keys.length; i++) {
            if (values[i] != FREE) {
                visitor.visit(keys[i], values[i]);
            }
        }
    }

    public int size() {
        return size;
    }

    public void clear() {
        Arrays.fill(values, FREE);
        size = 0;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldValues.length * 2];
        Arrays.fill(values, FREE);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != FREE) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int mix(long k) {
        k *= 0x9E3779B97F4A7C15L;
        return (int) (k ^ (k >>> 29));
    }
}
