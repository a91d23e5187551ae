package dev.lowrank4j.linalg;

import dev.lowrank4j.kernels.Lanes;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products and axpy on contiguous double ranges. Householder QR spends nearly all its time
 * here, and HotSpot does not auto-vectorise floating-point reductions (their order is fixed by
 * the language), so these loops use the Vector API explicitly.
 */
final class DoubleVectors {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;

    private DoubleVectors() {}

    /**
     * Σ x[xOff+i]·y[yOff+i] for i in [0, n). Four independent accumulators: with one, every FMA
     * waits for the previous one's result and the loop runs at a quarter of the FMA throughput.
     */
    static double dot(double[] x, int xOff, double[] y, int yOff, int n) {
        int lanes = SPECIES.length(), i = 0;
        DoubleVector a0 = DoubleVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
        for (int bound4 = n - 4 * lanes; i <= bound4; i += 4 * lanes) {
            a0 = DoubleVector.fromArray(SPECIES, x, xOff + i).fma(DoubleVector.fromArray(SPECIES, y, yOff + i), a0);
            a1 = DoubleVector.fromArray(SPECIES, x, xOff + i + lanes).fma(DoubleVector.fromArray(SPECIES, y, yOff + i + lanes), a1);
            a2 = DoubleVector.fromArray(SPECIES, x, xOff + i + 2 * lanes)
                    .fma(DoubleVector.fromArray(SPECIES, y, yOff + i + 2 * lanes), a2);
            a3 = DoubleVector.fromArray(SPECIES, x, xOff + i + 3 * lanes)
                    .fma(DoubleVector.fromArray(SPECIES, y, yOff + i + 3 * lanes), a3);
        }
        for (int bound = SPECIES.loopBound(n); i < bound; i += lanes) {
            a0 = DoubleVector.fromArray(SPECIES, x, xOff + i).fma(DoubleVector.fromArray(SPECIES, y, yOff + i), a0);
        }
        double sum = Lanes.sum(a0.add(a1).add(a2.add(a3))); // fixed lane order: same bits before and after JIT
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
