package dev.lowrank4j.adapters.loldu;

import dev.lowrank4j.adapters.TargetModules;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against the LoLDU authors' own parametrization (scripts/reference/loldu_reference.py runs
 * SKDDJ/LoLDU minloldu/loldu.py with torch): for every init the factors P, L_r, U_r, the residual
 * W_res, W_eff and the gradients of z and σ agree with ours, σ = lora_alpha / r = 1/r (their
 * from_linear default). Their random inits draw from torch's generator, so the test replays their
 * initial z through {@link LolduLinear#create(String, Linear, LolduConfig, float[])}; everything
 * else, including which of z and D_r the residual is built from, is computed by our code.
 */
class LolduReferenceTest {
    /** torch's float32 LU against ours (double, then rounded); relative to the largest entry. */
    private static final double FACTOR_TOL = 1e-5;
    /** W_res, W_eff: a few float roundings of products of O(1) factors. */
    private static final double WEIGHT_TOL = 2e-5;
    /** Gradients: sums over 4 rows of such products. */
    private static final double GRAD_TOL = 1e-4;

    private static SafeTensorsFile fixture() throws Exception {
        return SafeTensors.open(Path.of(LolduReferenceTest.class.getResource("/loldu-reference/loldu_reference.safetensors").toURI()));
    }

    @Test
    void factorsResidualsWeightsAndGradientsMatchTheAuthorsForEveryInit() throws Exception {
        try (SafeTensorsFile f = fixture()) {
            int r = Integer.parseInt(f.metadata().get("rank"));
            double alpha = Double.parseDouble(f.metadata().get("lora_alpha"));
            int checked = 0;
            for (String shape : f.metadata().get("shapes").split(",")) {
                Tensor w = f.readFloat(shape + ".w"), x = f.readFloat(shape + ".x"), g = f.readFloat(shape + ".g");
                int m = w.dim(0), n = w.dim(1);
                for (String initName : f.metadata().get("inits").split(",")) {
                    String key = shape + "." + initName;
                    LolduInit init = LolduInit.parse(initName);
                    Linear base = new Linear(new Parameter("w.weight", new Tensor(w.data.clone(), m, n)));
                    LolduLinear l = LolduLinear.create("w", base, new LolduConfig(r, alpha, init, true, TargetModules.names("w"), 0),
                            f.readFloat(key + ".z_init").data);
                    assertEquals(f.readFloat(shape + ".sigma").data[0], l.sigma().data()[0], 1e-7, key + ": σ = alpha / r");
                    if (init == LolduInit.LU) checkFactors(f, shape, l, m);
                    assertClose(f.readFloat(key + ".w_res").data, base.weight().data(), WEIGHT_TOL, key + ": W_res");
                    assertClose(f.readFloat(key + ".w_eff").data, l.mergedWeight().data, WEIGHT_TOL, key + ": W_eff");

                    l.z().zeroGrad();
                    l.sigma().zeroGrad();
                    l.forward(x);
                    l.backward(g);
                    assertClose(f.readFloat(key + ".grad_z").data, l.z().grad().data, GRAD_TOL, key + ": dL/dz");
                    assertClose(f.readFloat(key + ".grad_sigma").data, l.sigma().grad().data, GRAD_TOL, key + ": dL/dσ");
                    checked++;
                }
            }
            assertEquals(16, checked, "two shapes × eight inits");
        }
    }

    /** Their dense P and our permutation describe the same rows; L_r and U_r agree entry by entry. */
    private static void checkFactors(SafeTensorsFile f, String shape, LolduLinear l, int m) throws Exception {
        float[] p = f.readFloat(shape + ".p").data;
        int[] perm = l.permutation();
        float[] ours = new float[m * m];
        // W = P·L·U: row b of L·U lands in row a where P[a, b] = 1; ours: row b lands in perm[b]
        for (int b = 0; b < m; b++) ours[perm[b] * m + b] = 1f;
        assertArrayEquals(p, ours, shape + ": P");
        assertClose(f.readFloat(shape + ".lower").data, l.lower().data(), FACTOR_TOL, shape + ": L_r");
        assertClose(f.readFloat(shape + ".upper").data, l.upper().data(), FACTOR_TOL, shape + ": U_r");
    }

    private static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0, worst = 0;
        for (float v : expected) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        assertTrue(worst <= tol * Math.max(scale, 1e-3), what + ": max |diff| " + worst + " vs scale " + scale);
    }
}
