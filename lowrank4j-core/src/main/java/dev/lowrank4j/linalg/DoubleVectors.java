package dev.lowrank4j.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products and axpy on contiguous double ranges. Householder QR spends nearly all its time
 * here, and HotSpot does not auto-vectorise floating-point reductions (their order is fixed by
 * the language), so these loops use the Vector API explicitly.
 */
final class DoubleVectors {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;

    private DoubleVectors() {}

    /** Σ x[xOff+i]·y[yOff+i] for i in [0, n). */
    static double dot(double[] x, int xOff, double[] y, int yOff, int n) {
        int i = 0;
        int bound = SPECIES.loopBound(n);
        DoubleVector acc = DoubleVector.zero(SPECIES);
        for (; i < bound; i += SPECIES.length()) {
            DoubleVector a = DoubleVector.fromArray(SPECIES, x, xOff + i);
            DoubleVector b = DoubleVector.fromArray(SPECIES, y, yOff + i);
            acc = a.fma(b, acc);
        }
        double sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += x[xOff + i] * y[yOff + i];
        return sum;
    }

    /** y[yOff+i] += alpha·x[xOff+i] for i in [0, n). */
    static void axpy(double alpha, double[] x, int xOff, double[] y, int yOff, int n) {
        int i = 0;
        int bound = SPECIES.loopBound(n);
        DoubleVector va = DoubleVector.broadcast(SPECIES, alpha);
        for (; i < bound; i += SPECIES.length()) {
            DoubleVector a = DoubleVector.fromArray(SPECIES, x, xOff + i);
            DoubleVector b = DoubleVector.fromArray(SPECIES, y, yOff + i);
            a.fma(va, b).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }
}
