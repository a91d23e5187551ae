package dev.lowrank4j.nn;

import dev.lowrank4j.Lowrank4jException;

/**
 * One attention layer's keys (already rotated) and values of the tokens decoded so far, for one
 * sequence: [capacity, kvHeads·headDim] each. Decoding token t then costs one row of attention
 * against t cached rows instead of re-running the whole prefix.
 */
public final class KvCache {
    final float[] keys;
    final float[] values;
    final int width;
    private final int capacity;
    private int length;

    public KvCache(int capacity, int width) {
        this.capacity = capacity;
        this.width = width;
        this.keys = new float[capacity * width];
        this.values = new float[capacity * width];
    }

    /** Tokens cached so far: the position the next token takes. */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    void reserve(int n) {
        if (length + n > capacity) {
            throw new Lowrank4jException("the context is full: " + capacity + " positions (the model's maximum)");
        }
    }

    void advance(int n) {
        length += n;
    }

    public long bytes() {
        return 8L * keys.length;
    }
}
