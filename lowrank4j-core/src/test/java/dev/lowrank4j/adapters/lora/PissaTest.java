package dev.lowrank4j.adapters.lora;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static dev.lowrank4j.adapters.AdapterTestSupport.maxRelativeError;
import static dev.lowrank4j.adapters.AdapterTestSupport.randomInput;
import static dev.lowrank4j.adapters.AdapterTestSupport.randomLinear;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PissaTest {
    /** W_res + s·BA vs W: float32 factors of a double SVD, a few ulps per product term. */
    private static final double RECONSTRUCTION_TOLERANCE = 2e-6;
    /** Singular values of the residual vs W's tail: float32 storage of W_res. */
    private static final double SPECTRUM_TOLERANCE = 1e-4;
    private static final int OUT = 18, IN = 30, R = 5;

    @Test
    void residualPlusAdapterIsWAndHoldsOnlyTheTailOfTheSpectrum() {
        for (boolean rslora : new boolean[]{false, true}) {
            SplittableRandom rng = new SplittableRandom(rslora ? 2 : 1);
            Linear base = randomLinear("m.q", IN, OUT, false, rng);
            float[] w = base.weight().data().clone();
            Tensor x = randomInput(rng, 5, IN);
            float[] before = new Linear(base.weight()).forward(x).data.clone();

            LoraLinear l = new LoraLinear("m.q", base, R, LoraConfig.scaling(R, 16, rslora), 0, 0);
            LoraInitializer.initialize(l, LoraInit.PISSA, new Rng(0));
            float[] wRes = base.weight().data().clone();
            float[] delta = l.deltaWeight().data;
            float[] sum = new float[w.length];
            for (int i = 0; i < w.length; i++) sum[i] = wRes[i] + delta[i];
            assertTrue(maxRelativeError(sum, w) < RECONSTRUCTION_TOLERANCE, "W_res + s·BA != W");
            assertTrue(maxRelativeError(l.forward(x).data, before) < RECONSTRUCTION_TOLERANCE * 10, "output changed");

            double[] sw = singularValues(w), sres = singularValues(wRes);
            for (int k = 0; k + R < sw.length; k++) {
                assertEquals(sw[k + R], sres[k], SPECTRUM_TOLERANCE * sw[0], "sigma " + k);
            }
            for (int k = sw.length - R; k < sw.length; k++) assertEquals(0, sres[k], SPECTRUM_TOLERANCE * sw[0]);
        }
    }

    @Test
    void rankAboveMinDimensionIsRefused() {
        Linear base = randomLinear("m.q", 6, 4, false, new SplittableRandom(3));
        LoraLinear l = new LoraLinear("m.q", base, 5, 1, 0, 0);
        assertThrows(Lowrank4jException.class, () -> LoraInitializer.initialize(l, LoraInit.PISSA, new Rng(0)));
    }

    static double[] singularValues(float[] w) {
        DMatrixRMaj m = new DMatrixRMaj(OUT, IN);
        for (int i = 0; i < w.length; i++) m.data[i] = w[i];
        double[] s = SingularOps_DDRM.singularValues(m);
        Arrays.sort(s);
        double[] desc = new double[s.length];
        for (int i = 0; i < s.length; i++) desc[i] = s[s.length - 1 - i];
        return desc;
    }
}
