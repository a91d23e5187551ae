package dev.lowrank4j.optim;

import dev.lowrank4j.linalg.SingularTriplets;
import dev.lowrank4j.linalg.TopSvd;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;

import java.util.List;

/** Parameters, gradients and seams shared by the optimizer tests. */
final class OptimFixtures {
    private OptimFixtures() {}

    static Parameter param(String name, long seed, int... shape) {
        Parameter p = new Parameter(name, Tensor.zeros(shape));
        Rng rng = new Rng(seed);
        for (int i = 0; i < p.numel(); i++) p.data()[i] = (float) (0.5 * rng.nextGaussian());
        return p;
    }

    static Parameter zeroParam(String name, int... shape) {
        return new Parameter(name, Tensor.zeros(shape));
    }

    /** A reproducible gradient: a function of (parameter name, step, scale) only. */
    static void setGradient(Parameter p, long step, double scale) {
        Rng rng = new Rng(p.name().hashCode() * 31L + step);
        float[] g = p.grad().data;
        for (int i = 0; i < g.length; i++) g[i] = (float) (scale * rng.nextGaussian());
    }

    static void setGradients(List<Parameter> params, long step) {
        for (Parameter p : params) setGradient(p, step, 1.0);
    }

    /** Replaces the SVD by identity columns: P = I[:, :r], Q = I[:r, :]. */
    static TopSvd identitySvd() {
        return (a, rows, cols, rank, seed, name) -> {
            float[] u = new float[rows * rank], vt = new float[rank * cols];
            for (int i = 0; i < rank; i++) {
                u[i * rank + i] = 1;
                vt[i * cols + i] = 1;
            }
            return new SingularTriplets(rows, cols, rank, u, new double[rank], vt);
        };
    }

    /** ρ = identity: plain SGD on the projected gradient, step size lr. */
    static ProjectedRule sgd() {
        return (grad, state, out, lr) -> {
            state.step++;
            System.arraycopy(grad, 0, out, 0, grad.length);
            return lr;
        };
    }

    /** Everything the optimizer holds, in bytes (moments, projectors, Fira's norm). */
    static long memoryBytes(Optimizer o) {
        return o.memory().stream().mapToLong(dev.lowrank4j.tensor.Accounted::bytes).sum();
    }

    static float[] copy(Parameter p) {
        return p.data().clone();
    }

    static double maxAbs(float[] a) {
        double m = 0;
        for (float x : a) m = Math.max(m, Math.abs(x));
        return m;
    }

    /** (I − P·Pᵀ)·D for P rows×r and D rows×cols, in double; returns its Frobenius norm. */
    static double leftComplementNorm(float[] p, int rows, int r, double[] d, int cols) {
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double proj = 0;
                for (int k = 0; k < rows; k++) {
                    double ppt = 0;
                    for (int c = 0; c < r; c++) ppt += (double) p[i * r + c] * p[k * r + c];
                    proj += ppt * d[k * cols + j];
                }
                double e = d[i * cols + j] - proj;
                sum += e * e;
            }
        }
        return Math.sqrt(sum);
    }

    /** D·(I − Qᵀ·Q) for Q r×cols and D rows×cols, in double; returns its Frobenius norm. */
    static double rightComplementNorm(float[] q, int r, int cols, double[] d, int rows) {
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double proj = 0;
                for (int k = 0; k < cols; k++) {
                    double qtq = 0;
                    for (int c = 0; c < r; c++) qtq += (double) q[c * cols + k] * q[c * cols + j];
                    proj += d[i * cols + k] * qtq;
                }
                double e = d[i * cols + j] - proj;
                sum += e * e;
            }
        }
        return Math.sqrt(sum);
    }

    static double[] difference(float[] a, float[] b) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = (double) a[i] - b[i];
        return d;
    }

    static double norm(double[] d) {
        double s = 0;
        for (double x : d) s += x * x;
        return Math.sqrt(s);
    }
}
