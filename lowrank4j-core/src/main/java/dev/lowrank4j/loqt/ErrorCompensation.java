package dev.lowrank4j.loqt;

import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.quant.nf4.Nf4Options;
import dev.lowrank4j.quant.nf4.Nf4Tensor;
import dev.lowrank4j.tensor.Tensor;

/**
 * LoQT's initialisation of the quantized weight and the trainable factor (ALGORITHMS §4b.4,
 * the authors' {@code init_LoRA_with_gradient_projections}): B absorbs the part of the
 * quantization error that lies in P's row space (left) or column space (right), iterated C times:
 * <pre>
 *   Ŵ = W;  repeat C:  Q = NF4(Ŵ);  B = (W − deq Q)·P⁺ / s  (right: P⁺·(W − deq Q) / s);  Ŵ = W − s·B·P
 * </pre>
 * keeping the (Q, B) with the smallest ‖W − (deq Q + s·B·P)‖_F. With C = 0, Q = NF4(W) and B = 0.
 * The first iteration alone never does worse than B = 0: W − deq Q − s·B·P = E·(I − P⁺P) is E
 * with its component in P's space removed, and I − P⁺P is an orthogonal projector.
 */
public final class ErrorCompensation {
    private ErrorCompensation() {}

    /**
     * @param quantized the chosen NF4 weight
     * @param factor    the chosen B [out, r] (left) or A [r, in] (right)
     * @param error     ‖W − (deq Q + s·B·P)‖_F for that choice
     * @param plainError ‖W − deq NF4(W)‖_F, what B = 0 would leave
     */
    public record Result(Nf4Tensor quantized, float[] factor, double error, double plainError) {}

    /**
     * @param w W [out, in] (float32, the merged weight); not modified
     * @param p P as the forward uses it (dequantized when P is in NF4): [r, in] left, [out, r] right
     */
    public static Result run(float[] w, int out, int in, float[] p, LoqtSide side, int r, float s, int iterations,
                             Nf4Options nf4, String name) {
        int[] shape = {out, in};
        Nf4Tensor plain = Nf4Tensor.quantize(name, new Tensor(w, shape), nf4);
        float[] e = residual(w, plain.dequantize());
        double plainError = norm(e);
        int factorSize = side == LoqtSide.LEFT ? out * r : r * in;
        if (iterations == 0) return new Result(plain, new float[factorSize], plainError, plainError);
        float[] pinv = side == LoqtSide.LEFT ? Pinv.of(p, r, in) : Pinv.of(p, out, r); // [in, r] or [r, out]
        Nf4Tensor bestQ = plain;
        float[] bestB = new float[factorSize];
        double best = plainError;
        Nf4Tensor q = plain;
        float[] last = null; // the previous iteration's B, which the next Ŵ subtracts (best or not, as the authors iterate)
        for (int it = 0; it < iterations; it++) {
            if (it > 0) {
                float[] target = w.clone(); // Ŵ = W − s·B·P
                addProduct(target, out, in, p, last, side, r, -s);
                q = Nf4Tensor.quantize(name, new Tensor(target, shape), nf4);
                e = residual(w, q.dequantize());
            }
            float[] b = new float[factorSize];
            if (side == LoqtSide.LEFT) Gemm.sgemm(false, false, out, r, in, 1f / s, e, 0, in, pinv, 0, r, 0f, b, 0, r);
            else Gemm.sgemm(false, false, r, in, out, 1f / s, pinv, 0, out, e, 0, in, 0f, b, 0, in);
            float[] left = e.clone();
            addProduct(left, out, in, p, b, side, r, -s);
            double err = norm(left);
            if (err < best) {
                best = err;
                bestQ = q;
                bestB = b;
            }
            last = b;
        }
        return new Result(bestQ, bestB, best, plainError);
    }

    /** m [out, in] += factor·(B·P) (left: B [out, r], P [r, in]) or factor·(P·A) (right: P [out, r], A [r, in]). */
    static void addProduct(float[] m, int out, int in, float[] p, float[] trained, LoqtSide side, int r, float factor) {
        if (side == LoqtSide.LEFT) Gemm.sgemm(false, false, out, in, r, factor, trained, 0, r, p, 0, in, 1f, m, 0, in);
        else Gemm.sgemm(false, false, out, in, r, factor, p, 0, r, trained, 0, in, 1f, m, 0, in);
    }

    private static float[] residual(float[] w, float[] deq) {
        float[] e = new float[w.length];
        for (int i = 0; i < w.length; i++) e[i] = w[i] - deq[i];
        return e;
    }

    static double norm(float[] x) {
        double s = 0;
        for (float v : x) s += (double) v * v;
        return Math.sqrt(s);
    }
}
