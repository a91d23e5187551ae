package dev.lowrank4j.adapters.lora;

import dev.lowrank4j.Lowrank4jException;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * PiSSA init (PEFT {@code init_lora_weights="pissa"}): with the thin SVD W = U·S·Vᵀ and the top r
 * singular values divided by the scaling s,
 * <pre>
 *   A = diag(√(S_r/s))·V_rᵀ  [r, in]     B = U_r·diag(√(S_r/s))  [out, r]     W ← W − s·B·A
 * </pre>
 * so s·B·A is W's best rank-r approximation, the base keeps the residual, and the layer's output
 * is unchanged. The SVD runs in double (EJML); the residual is formed with the float factors and
 * the same product merge uses, so a later merge restores W to rounding. Exact SVD only; PEFT's
 * randomized {@code pissa_niter_k} is not implemented.
 */
final class Pissa {
    private Pissa() {
    }

    static void initialize(LoraLinear layer) {
        int m = layer.outFeatures(), n = layer.inFeatures(), r = layer.rank();
        double s = layer.scaling();
        if (r > Math.min(m, n)) {
            throw new Lowrank4jException(layer.modulePath() + ": PiSSA needs r <= min(out, in) = " + Math.min(m, n) + ", got r = " + r);
        }
        if (!(s > 0)) throw new Lowrank4jException(layer.modulePath() + ": PiSSA needs a positive scaling (lora_alpha > 0), got " + s);
        float[] w = layer.base().storage().dequantize().data;
        DMatrixRMaj wd = new DMatrixRMaj(m, n);
        for (int i = 0; i < w.length; i++) wd.data[i] = w[i];
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(m, n, true, true, true);
        if (!svd.decompose(wd)) throw new Lowrank4jException(layer.modulePath() + ": the SVD for PiSSA did not converge");
        DMatrixRMaj u = svd.getU(null, false), sv = svd.getW(null), v = svd.getV(null, false);
        SingularOps_DDRM.descendingOrder(u, false, sv, v, false);
        float[] a = layer.loraA().data(), b = layer.loraB().data();
        for (int k = 0; k < r; k++) {
            double root = Math.sqrt(sv.get(k, k) / s);
            for (int j = 0; j < n; j++) a[k * n + j] = (float) (root * v.get(j, k));
            for (int i = 0; i < m; i++) b[i * r + k] = (float) (u.get(i, k) * root);
        }
        layer.addScaledDelta(w, -1f);
        layer.base().storage().assign(w);
    }
}
