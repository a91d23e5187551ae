package dev.lowrank4j.adapters;

import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.tensor.Tensor;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The synthetic task of ALGORITHMS §1h/§7h/§8h: a frozen d×d weight W0 and a target W* = W0 + Δ.
 * Feeding the identity as the batch makes the layer output its effective weight transposed, so
 * the loss ½‖W_eff − W*‖²_F / d is the exact population loss of regressing y = W*x on whitened
 * inputs, with no sampling noise to blur a loss floor.
 */
public final class LowRankRegression {
    public final int d;
    public final float[] w0;
    public final float[] target;
    private final Tensor identity;
    private final Tensor targetT;
    private final Tensor grad;

    public LowRankRegression(float[] w0, float[] delta, int d) {
        this.d = d;
        this.w0 = w0.clone();
        this.target = new float[d * d];
        for (int i = 0; i < target.length; i++) target[i] = w0[i] + delta[i];
        identity = Tensor.zeros(d, d);
        for (int i = 0; i < d; i++) identity.data[i * d + i] = 1;
        targetT = Tensor.zeros(d, d);
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) targetT.data[j * d + i] = target[i * d + j];
        grad = Tensor.zeros(d, d);
    }

    /** A random Δ = U·diag(σ)·Vᵀ of the given rank with orthonormal-ish random factors, all σ = scale. */
    public static float[] randomLowRank(int d, int rank, double scale, SplittableRandom rng) {
        double[][] u = orthonormalColumns(d, rank, rng), v = orthonormalColumns(d, rank, rng);
        float[] delta = new float[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int k = 0; k < rank; k++) s += u[k][i] * v[k][j];
                delta[i * d + j] = (float) (scale * s);
            }
        }
        return delta;
    }

    private static double[][] orthonormalColumns(int d, int k, SplittableRandom rng) {
        double[][] q = new double[k][d];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < d; i++) q[c][i] = rng.nextDouble() * 2 - 1;
            for (int p = 0; p < c; p++) { // Gram–Schmidt, twice for stability
                for (int rep = 0; rep < 2; rep++) {
                    double dot = 0;
                    for (int i = 0; i < d; i++) dot += q[c][i] * q[p][i];
                    for (int i = 0; i < d; i++) q[c][i] -= dot * q[p][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < d; i++) norm += q[c][i] * q[c][i];
            norm = Math.sqrt(norm);
            for (int i = 0; i < d; i++) q[c][i] /= norm;
        }
        return q;
    }

    /** Forward on the identity, loss, and backward (gradients ADDED to the layer's parameters). */
    public double lossAndBackward(LinearLayer layer) {
        double loss = loss(layer);
        layer.backward(grad);
        return loss;
    }

    /** ½‖W_eff − W*‖²_F / d; leaves dL/dY in the gradient buffer. */
    public double loss(LinearLayer layer) {
        Tensor y = layer.forward(identity);
        double loss = 0;
        for (int i = 0; i < y.data.length; i++) {
            double e = (double) y.data[i] - targetT.data[i];
            loss += e * e;
            grad.data[i] = (float) (e / d);
        }
        return 0.5 * loss / d;
    }

    /** The effective weight W_eff [d, d] of any layer, read off its response to the identity. */
    public float[] effectiveWeight(LinearLayer layer) {
        Tensor y = layer.forward(identity);
        float[] w = new float[d * d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) w[i * d + j] = y.data[j * d + i];
        return w;
    }

    /** Singular values of a − b (row-major d×d), in double, descending. */
    public static double[] singularValuesOfDifference(float[] a, float[] b, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < a.length; i++) m.data[i] = (double) a[i] - b[i];
        double[] s = SingularOps_DDRM.singularValues(m);
        Arrays.sort(s);
        for (int i = 0, j = s.length - 1; i < j; i++, j--) {
            double tmp = s[i];
            s[i] = s[j];
            s[j] = tmp;
        }
        return s;
    }

    /** Number of singular values above {@code relativeThreshold}·σ_max (ALGORITHMS §7h uses 1e-3). */
    public static int effectiveRank(double[] descending, double relativeThreshold) {
        if (descending.length == 0 || descending[0] == 0) return 0;
        int n = 0;
        for (double s : descending) if (s > relativeThreshold * descending[0]) n++;
        return n;
    }
}
