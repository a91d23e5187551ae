package dev.lowrank4j.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/**
 * Deterministic horizontal sums. {@code reduceLanes(ADD)} may add the lanes in any order, and the
 * order does change between the interpreter and compiled code, so the same run could round
 * differently before and after JIT warm-up; that breaks bit-exact resume. Summing lane by lane in
 * index order costs a few cycles per reduction and makes every run round the same way.
 */
public final class Lanes {
    private Lanes() {}

    public static float sum(FloatVector v) {
        float s = 0f;
        for (int i = 0, n = v.length(); i < n; i++) s += v.lane(i);
        return s;
    }

    public static double sum(DoubleVector v) {
        double s = 0;
        for (int i = 0, n = v.length(); i < n; i++) s += v.lane(i);
        return s;
    }
}
