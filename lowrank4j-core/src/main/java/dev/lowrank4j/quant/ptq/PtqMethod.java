package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.Lowrank4jException;

/**
 * The three post-training quantizers: round-to-nearest on the starting grid (no calibration
 * learning), FlexRound (a full learned divisor matrix) and LRQ (a low-rank one), ALGORITHMS §5(a).
 */
public enum PtqMethod {
    RTN("rtn"),
    FLEXROUND("flexround"),
    LRQ("lrq");

    public final String id;

    PtqMethod(String id) {
        this.id = id;
    }

    /** Whether the method learns anything from calibration data. */
    public boolean learns() {
        return this != RTN;
    }

    /**
     * The authors' Llama-2-7B learning rate for this method at W4A16 (ALGORITHMS §5(e)): the starting
     * point at our scale, where each run may choose another.
     */
    public double defaultLearningRate() {
        return this == FLEXROUND ? 3e-3 : 9e-4;
    }

    public static PtqMethod parse(String s) {
        for (PtqMethod m : values()) if (m.id.equalsIgnoreCase(s)) return m;
        throw new Lowrank4jException("unknown quantization method '" + s + "'; choose rtn, flexround or lrq");
    }
}
