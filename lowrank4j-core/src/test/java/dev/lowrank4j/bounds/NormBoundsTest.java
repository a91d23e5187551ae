package dev.lowrank4j.bounds;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.lowrank4j.bounds.KoopmanFactorTest.diag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NormBoundsTest {
    private static final KoopmanOptions ALL_LAYERS = new KoopmanOptions(0.5, null, 0, false);
    private static final double PHI = (1 + Math.sqrt(5)) / 2;

    /** W1 = diag(2,1), W2 = [[1,1],[0,1]]: every quantity worked out by hand. */
    private static BoundReport handNetwork(DataStats data) {
        List<LayerMatrix> layers = List.of(LayerMatrix.dense("w1", 2, 2, diag(2, 1)),
                LayerMatrix.dense("w2", 2, 2, new float[] {1, 1, 0, 1}));
        return Bounds.compute(new MatrixLayers("hand", true, layers), data, ALL_LAYERS);
    }

    @Test
    void handComputedTwoLayerNetwork() {
        BoundReport r = handNetwork(null);
        assertEquals(2 * Math.log(2) + 0.5 * Math.log(5) + 0.5 * Math.log(3), r.total(Bounds.FROBENIUS).logComplexity(), 1e-7);
        assertEquals(Math.log(Math.sqrt(4 * Math.log(2)) + 1) + 0.5 * Math.log(15), r.total(Bounds.GOLOWICH).logComplexity(), 1e-7);
        // paths: 2·1 (x1→h1→o1), 1·1 (x2→h2→o1), 1·1 (x2→h2→o2): φ₂² = 4 + 1 + 1
        assertEquals(2 * Math.log(2) + 0.5 * Math.log(6), r.total(Bounds.PATH).logComplexity(), 1e-7);
        double ratio = Math.pow(3 / 2.0, 2.0 / 3) + Math.pow((Math.sqrt(2) + 1) / PHI, 2.0 / 3);
        assertEquals(Math.log(2 * PHI) + 1.5 * Math.log(ratio), r.total(Bounds.SPECTRAL).logComplexity(), 1e-6);
        double stable = 5 / 4.0 + 3 / (PHI * PHI);
        assertEquals(Math.log(2) + 0.5 * Math.log(2 * Math.log(4)) + Math.log(2 * PHI) + 0.5 * Math.log(stable),
                r.total(Bounds.PAC_BAYES).logComplexity(), 1e-6);
        assertEquals(Math.log(2) + 1.5 * Math.log(PHI), r.total(Bounds.KOOPMAN).logComplexity(), 1e-6);
        for (BoundTotal t : r.totals().values()) assertTrue(!t.hasBound());
    }

    @Test
    void dataTermsEnterAsTheFormulasSay() {
        DataStats d = new DataStats("train", 100, 3.0, 20.0, 0.1, 0.5, 0.1, 0.9);
        BoundReport r = handNetwork(d), none = handNetwork(null);
        double lnB = Math.log(3), lnN = Math.log(100), lnG = Math.log(0.5);
        for (String name : List.of(Bounds.FROBENIUS, Bounds.GOLOWICH, Bounds.PATH, Bounds.PAC_BAYES)) {
            assertEquals(none.total(name).logComplexity() + lnB - 0.5 * lnN - lnG, r.total(name).logBound(), 1e-9, name);
        }
        // h = 2 < 3, where ln ln h would be negative: that factor is left out
        assertEquals(none.total(Bounds.SPECTRAL).logComplexity() + Math.log(20) - lnG - lnN, r.total(Bounds.SPECTRAL).logBound(), 1e-9);
        assertEquals(none.total(Bounds.KOOPMAN).logComplexity() + 0.5 * KoopmanFactor.logKernelDiagonal(1.5, 2) - 0.5 * lnN - lnG,
                r.total(Bounds.KOOPMAN).logBound(), 1e-9);
    }

    @Test
    void scalingEveryLayerByCScalesEachBoundAsItsFormulaSays() {
        int d = 16, depth = 3;
        double c = 3.0;
        MatrixLayers base = SyntheticNetworks.draw("gaussian", d, depth, 11);
        List<LayerMatrix> scaled = new ArrayList<>();
        for (LayerMatrix m : base.matrices()) {
            float[] w = m.data().clone();
            for (int i = 0; i < w.length; i++) w[i] *= (float) c;
            scaled.add(LayerMatrix.dense(m.name(), m.rows(), m.cols(), w));
        }
        BoundReport a = Bounds.compute(base, null, ALL_LAYERS);
        BoundReport b = Bounds.compute(new MatrixLayers("scaled", true, scaled), null, ALL_LAYERS);
        // every norm-based complexity is homogeneous of degree L in a common scale
        for (String name : List.of(Bounds.FROBENIUS, Bounds.GOLOWICH, Bounds.PATH, Bounds.SPECTRAL, Bounds.PAC_BAYES)) {
            assertEquals(depth * Math.log(c), b.total(name).logComplexity() - a.total(name).logComplexity(), 1e-5, name);
        }
        // Koopman: the determinant term drops by (d/2) ln c per layer, the norm term grows by s ln c while σ₁ ≥ 1
        double expected = 0;
        for (int j = 0; j < depth; j++) {
            double s1 = a.layers().get(j).spectral(), s = d / 2.0 + 0.5;
            expected += s * (Math.log(Math.max(1, c * s1)) - Math.log(Math.max(1, s1))) - d / 2.0 * Math.log(c);
        }
        assertEquals(expected, b.total(Bounds.KOOPMAN).logComplexity() - a.total(Bounds.KOOPMAN).logComplexity(), 1e-4);
    }

    @Test
    void pathNormIsInvariantUnderReluRescalingAndBelowTheFrobeniusProduct() {
        MatrixLayers base = SyntheticNetworks.draw("gaussian", 8, 2, 3);
        LayerMatrix w1 = base.matrices().get(0), w2 = base.matrices().get(1);
        float[] a = w1.data().clone(), b = w2.data().clone();
        for (int c = 0; c < 8; c++) a[2 * 8 + c] *= 4f; // hidden unit 2: ×4 in, ×¼ out
        for (int r = 0; r < 8; r++) b[r * 8 + 2] *= 0.25f;
        double p0 = Bounds.pathNormLog(base.matrices());
        double p1 = Bounds.pathNormLog(List.of(LayerMatrix.dense("a", 8, 8, a), LayerMatrix.dense("b", 8, 8, b)));
        assertEquals(p0, p1, 1e-6);
        BoundReport r = Bounds.compute(base, null, ALL_LAYERS);
        assertTrue(r.total(Bounds.PATH).logComplexity() <= r.total(Bounds.FROBENIUS).logComplexity() + 1e-9);
    }

    @Test
    void orthogonalNetworksKeepKoopmanConstantWhileNormBoundsGrowWithWidth() {
        double previousFro = Double.NEGATIVE_INFINITY, previousSpec = Double.NEGATIVE_INFINITY, previousPb = Double.NEGATIVE_INFINITY;
        for (int d : new int[] {8, 32, 128}) {
            BoundReport r = Bounds.compute(SyntheticNetworks.draw("orthogonal", d, 3, 5), null, ALL_LAYERS);
            assertEquals(0, r.total(Bounds.KOOPMAN).logComplexity(), 1e-3);
            // ‖Q‖_F = √d per layer
            assertEquals(3 * Math.log(2) + 1.5 * Math.log(d), r.total(Bounds.FROBENIUS).logComplexity(), 1e-4);
            // ‖Qᵀ‖_{2,1} = d, ‖Q‖₂ = 1: R_A = (3 d^{2/3})^{3/2}
            assertEquals(1.5 * Math.log(3 * Math.pow(d, 2.0 / 3)), r.total(Bounds.SPECTRAL).logComplexity(), 1e-4);
            assertTrue(r.total(Bounds.FROBENIUS).logComplexity() > previousFro);
            assertTrue(r.total(Bounds.SPECTRAL).logComplexity() > previousSpec);
            assertTrue(r.total(Bounds.PAC_BAYES).logComplexity() > previousPb);
            previousFro = r.total(Bounds.FROBENIUS).logComplexity();
            previousSpec = r.total(Bounds.SPECTRAL).logComplexity();
            previousPb = r.total(Bounds.PAC_BAYES).logComplexity();
        }
    }

    @Test
    void deepNetworksStayFiniteInLogSpace() {
        // 200 layers of 4·I: the plain product 4^200 ≈ 1e120 per bound; with Frobenius 8^200 — far past float
        List<LayerMatrix> layers = new ArrayList<>();
        for (int j = 0; j < 200; j++) layers.add(LayerMatrix.dense("l" + j, 4, 4, diag(4, 4, 4, 4)));
        BoundReport r = Bounds.compute(new MatrixLayers("deep", true, layers), null, ALL_LAYERS);
        for (BoundTotal t : r.totals().values()) assertTrue(Double.isFinite(t.logComplexity()), t.paper());
        assertEquals(200 * (Math.log(2) + Math.log(8)), r.total(Bounds.FROBENIUS).logComplexity(), 1e-6);
        // 4I in d = 4: s − d/2 = 0.5 → ln K = 0.5 ln 4 per layer
        assertEquals(200 * 0.5 * Math.log(4), r.total(Bounds.KOOPMAN).logComplexity(), 1e-6);
    }

    @Test
    void singularValuesMatchTheExactTopSvd() {
        MatrixLayers g = SyntheticNetworks.draw("gaussian", 20, 1, 9);
        float[] w = g.matrices().getFirst().data();
        double[] s = dev.lowrank4j.linalg.SingularValues.of(w, 20, 20, "w");
        double[] t = dev.lowrank4j.linalg.TopSvd.exactJava().top(w, 20, 20, 20, 0, "w").s();
        for (int i = 0; i < 20; i++) assertEquals(t[i], s[i], 1e-5 * s[0]);
        for (int i = 1; i < 20; i++) assertTrue(s[i] <= s[i - 1]);
        // wide matrices take the transpose route
        float[] wide = {3, 0, 0, 0, 4, 0};
        double[] sw = dev.lowrank4j.linalg.SingularValues.of(wide, 2, 3, "wide");
        assertEquals(2, sw.length);
        assertEquals(4, sw[0], 1e-12);
        assertEquals(3, sw[1], 1e-12);
    }
}
