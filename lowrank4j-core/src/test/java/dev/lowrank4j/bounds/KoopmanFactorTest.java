package dev.lowrank4j.bounds;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KoopmanFactorTest {
    private static final KoopmanOptions ALL_LAYERS = new KoopmanOptions(0.5, null, 0, false);

    static float[] signedPermutation(int d, long seed) {
        dev.lowrank4j.util.Rng rng = new dev.lowrank4j.util.Rng(seed);
        List<Integer> perm = new java.util.ArrayList<>();
        for (int i = 0; i < d; i++) perm.add(i);
        rng.shuffle(perm);
        float[] w = new float[d * d];
        for (int i = 0; i < d; i++) w[i * d + perm.get(i)] = rng.nextDouble() < 0.5 ? -1f : 1f;
        return w;
    }

    static float[] diag(double... v) {
        float[] w = new float[v.length * v.length];
        for (int i = 0; i < v.length; i++) w[i * v.length + i] = (float) v[i];
        return w;
    }

    static LayerSpectrum spectrum(int rows, int cols, float[] w) {
        return LayerSpectrum.of(LayerMatrix.dense("w", rows, cols, w));
    }

    @Test
    void exactlyOrthogonalWeightsGiveFactorOneAtEveryWidth() {
        for (int d : new int[] {8, 32, 128, 512}) {
            List<LayerMatrix> layers = List.of(LayerMatrix.dense("a", d, d, signedPermutation(d, d)),
                    LayerMatrix.dense("b", d, d, signedPermutation(d, d + 1)), LayerMatrix.dense("c", d, d, signedPermutation(d, d + 2)));
            BoundReport r = Bounds.compute(new MatrixLayers("perm", true, layers), null, ALL_LAYERS);
            for (KoopmanFactor k : r.koopman()) assertEquals(0.0, k.logFactor(), 1e-12, "width " + d);
            assertEquals(0.0, r.total(Bounds.KOOPMAN).logComplexity(), 1e-12, "width " + d);
        }
    }

    @Test
    void qrOrthogonalWeightsGiveFactorOneToFloatPrecision() {
        for (int d : new int[] {8, 32, 128}) {
            BoundReport r = Bounds.compute(SyntheticNetworks.draw("orthogonal", d, 4, 7), null, ALL_LAYERS);
            // σ_i = 1 ± ~1e-7 (float Q); the sum of d logs stays within d·1e-6
            assertEquals(0.0, r.total(Bounds.KOOPMAN).logComplexity(), 4 * d * 1e-6, "width " + d);
        }
    }

    @Test
    void scaledIdentityGivesCToTheSMinusHalfD() {
        for (int d : new int[] {2, 5, 16}) {
            for (double c : new double[] {1.0, 1.5, 4.0}) {
                float[] w = new float[d * d];
                for (int i = 0; i < d; i++) w[i * d + i] = (float) c;
                KoopmanFactor k = KoopmanFactor.of(spectrum(d, d, w), ALL_LAYERS);
                double s = d / 2.0 + 0.5;
                assertEquals((s - d / 2.0) * Math.log((float) c), k.logFactor(), 1e-9, "d=" + d + " c=" + c);
                assertEquals(KoopmanFactor.SQUARE, k.layerCase());
            }
            // c < 1: no norm term, only the determinant: K = c^{-d/2}
            float[] w = new float[d * d];
            for (int i = 0; i < d; i++) w[i * d + i] = 0.5f;
            assertEquals(-d / 2.0 * Math.log(0.5), KoopmanFactor.of(spectrum(d, d, w), ALL_LAYERS).logFactor(), 1e-9);
        }
    }

    @Test
    void fixedSobolevOrderEntersAsThePowerOfTheNorm() {
        KoopmanOptions s3 = new KoopmanOptions(0.5, 3.0, 0, false);
        assertEquals(3 * Math.log(2) - 0.5 * Math.log(2), KoopmanFactor.of(spectrum(2, 2, diag(2, 1)), s3).logFactor(), 1e-12);
    }

    @Test
    void handComputedTwoByTwoAndThreeByThree() {
        // diag(2,1): s = 1.5, ln K = 1.5 ln 2 − ½ ln 2 = ln 2
        assertEquals(Math.log(2), KoopmanFactor.of(spectrum(2, 2, diag(2, 1)), ALL_LAYERS).logFactor(), 1e-12);
        // [[1,1],[0,1]]: σ = φ, 1/φ (det 1), ln K = 1.5 ln φ
        double phi = (1 + Math.sqrt(5)) / 2;
        assertEquals(1.5 * Math.log(phi), KoopmanFactor.of(spectrum(2, 2, new float[] {1, 1, 0, 1}), ALL_LAYERS).logFactor(), 1e-7);
        // diag(2,3,0.5): s = 2, ln K = 2 ln 3 − ½ ln(3·2·0.5) = 1.5 ln 3
        LayerSpectrum w3 = spectrum(3, 3, diag(2, 3, 0.5));
        assertEquals(1.5 * Math.log(3), KoopmanFactor.of(w3, ALL_LAYERS).logFactor(), 1e-12);
        assertEquals(6.0, w3.conditionNumber(), 1e-12);
        assertEquals(13.25 / 9, w3.stableRank(), 1e-12);
        assertEquals(5.5, w3.rowNormSum(), 1e-12);
    }

    @Test
    void injectiveNonInjectiveAndSingularLayers() {
        // 3×2 [[1,0],[0,2],[0,0]]: σ = 2, 1; s = 1 + 0.5; ln K = 1.5 ln 2 − ½ ln 2
        KoopmanFactor inj = KoopmanFactor.of(spectrum(3, 2, new float[] {1, 0, 0, 2, 0, 0}), ALL_LAYERS);
        assertEquals(Math.log(2), inj.logFactor(), 1e-12);
        assertEquals(KoopmanFactor.INJECTIVE, inj.layerCase());
        KoopmanFactor wide = KoopmanFactor.of(spectrum(2, 3, new float[] {1, 0, 0, 0, 2, 0}), ALL_LAYERS);
        assertEquals(Double.POSITIVE_INFINITY, wide.logFactor());
        assertEquals(KoopmanFactor.NOT_INJECTIVE, wide.layerCase());
        KoopmanFactor singular = KoopmanFactor.of(spectrum(2, 2, new float[] {1, 2, 2, 4}), ALL_LAYERS);
        assertEquals(Double.POSITIVE_INFINITY, singular.logFactor());
        assertEquals(KoopmanFactor.SINGULAR, singular.layerCase());
    }

    @Test
    void finalLayerTakenIntoGContributesNothing() {
        List<LayerMatrix> layers = List.of(LayerMatrix.dense("hidden", 2, 2, diag(2, 1)),
                LayerMatrix.dense("head", 1, 2, new float[] {3, 4}));
        BoundReport inG = Bounds.compute(new MatrixLayers("n", true, layers), null, KoopmanOptions.defaults());
        assertEquals(Math.log(2), inG.total(Bounds.KOOPMAN).logComplexity(), 1e-12);
        assertEquals(KoopmanFactor.IN_G, inG.koopman().get(1).layerCase());
        BoundReport all = Bounds.compute(new MatrixLayers("n", true, layers), null, ALL_LAYERS);
        assertEquals(Double.POSITIVE_INFINITY, all.total(Bounds.KOOPMAN).logComplexity());
    }

    @Test
    void activationFactorCountsTheActivationsBetweenKoopmanLayers() {
        List<LayerMatrix> layers = List.of(LayerMatrix.dense("a", 2, 2, diag(1, 1)), LayerMatrix.dense("b", 2, 2, diag(1, 1)),
                LayerMatrix.dense("c", 2, 2, diag(1, 1)));
        BoundReport r = Bounds.compute(new MatrixLayers("n", true, layers), null, new KoopmanOptions(0.5, null, 0.25, false));
        assertEquals(2 * 0.25, r.total(Bounds.KOOPMAN).logComplexity(), 1e-12);
        // with the last layer folded into g the two activations remain: σ_2 sits between b and g ∘ c
        BoundReport inG = Bounds.compute(new MatrixLayers("n", true, layers), null, new KoopmanOptions(0.5, null, 0.25, true));
        assertEquals(2 * 0.25, inG.total(Bounds.KOOPMAN).logComplexity(), 1e-12);
    }

    @Test
    void sobolevKernelDiagonalMatchesTheClosedForm() {
        // d = 1, s = 1: ∫ (1+ω²)^{-1} dω = π, times (2π)^{-2}
        assertEquals(Math.log(Math.PI / Math.pow(2 * Math.PI, 2)), KoopmanFactor.logKernelDiagonal(1, 1), 1e-12);
        // d = 2, s = 2: ∫_{R²} (1+|ω|²)^{-2} dω = 2π ∫ r (1+r²)^{-2} dr = π, times (2π)^{-4}
        assertEquals(Math.log(Math.PI / Math.pow(2 * Math.PI, 4)), KoopmanFactor.logKernelDiagonal(2, 2), 1e-12);
        assertEquals(Math.log(24), LogGamma.of(5), 1e-12);
        assertEquals(0.5 * Math.log(Math.PI), LogGamma.of(0.5), 1e-12);
        assertEquals(Math.log(Math.sqrt(Math.PI) / 2), LogGamma.of(1.5), 1e-12);
        assertTrue(Double.isFinite(LogGamma.of(300.5)));
    }
}
