package dev.lowrank4j.adapters.plora;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.lora.LoraLinear;
import dev.lowrank4j.adapters.peft.PeftConfig;
import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.linalg.SingularTriplets;
import dev.lowrank4j.linalg.TopSvd;
import dev.lowrank4j.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PeriodicLoRA's whole update relative to the original weights, ΔW = W + s·B·A − W₀ per adapted
 * layer, written as ONE LoRA adapter so that a PEFT user can apply it to the original base model.
 * Every stage unloads a rank-r update, so after k completed stages ΔW has rank ≤ (k+1)·r and a LoRA
 * of that rank holds it exactly (up to float rounding, measured). With momentum unloading a piece
 * of the adapter is unloaded every step and the bound no longer holds; the adapter then has the
 * layers' full rank. The factors come from an exact SVD, B = U·√Σ and A = √Σ·Vᵀ, with
 * lora_alpha = r so the scaling is 1.
 */
public final class AccumulatedUpdate {
    /** @param maxAbsError largest |B·A − ΔW| over all layers: what writing ΔW as factors cost */
    public record Result(PeftConfig config, Map<String, Tensor[]> factors, int rank, double maxAbsError) {}

    private AccumulatedUpdate() {}

    /**
     * @param original W₀ of every adapted layer by module path ([out·in] row-major)
     * @param template the config whose targets, dropout and task the result keeps
     */
    public static Result of(PeriodicLora plora, Map<String, LoraLinear> layers, Map<String, float[]> original, PeftConfig template) {
        int rank = Integer.MAX_VALUE;
        for (LoraLinear l : layers.values()) rank = Math.min(rank, Math.min(l.outFeatures(), l.inFeatures()));
        if (plora.config().momentum() == MomentumUnloading.OFF) {
            int r = layers.values().iterator().next().rank();
            rank = (int) Math.min(rank, (long) (plora.stagesCompleted() + 1) * r);
        }
        Map<String, Tensor[]> factors = new LinkedHashMap<>();
        double worst = 0;
        for (Map.Entry<String, LoraLinear> e : layers.entrySet()) {
            LoraLinear l = e.getValue();
            float[] w0 = original.get(e.getKey());
            int m = l.outFeatures(), n = l.inFeatures();
            if (w0 == null || w0.length != m * n) {
                throw new Lowrank4jException(e.getKey() + ": the original weight needed to write PeriodicLoRA's update is missing or misshaped");
            }
            float[] delta = l.base().storage().dequantize().data;
            float[] ab = l.deltaWeight().data;
            for (int i = 0; i < delta.length; i++) delta[i] = delta[i] + ab[i] - w0[i];
            SingularTriplets svd = TopSvd.exact().top(delta, m, n, rank, 0, e.getKey() + " accumulated update");
            float[] b = new float[m * rank], a = new float[rank * n];
            for (int k = 0; k < rank; k++) {
                double root = Math.sqrt(svd.s()[k]);
                for (int i = 0; i < m; i++) b[i * rank + k] = (float) (svd.u()[i * rank + k] * root);
                for (int j = 0; j < n; j++) a[k * n + j] = (float) (svd.vt()[k * n + j] * root);
            }
            float[] product = new float[m * n];
            Gemm.sgemm(false, false, m, n, rank, 1f, b, 0, rank, a, 0, n, 0f, product, 0, n);
            for (int i = 0; i < product.length; i++) worst = Math.max(worst, Math.abs(product[i] - delta[i]));
            factors.put(e.getKey(), new Tensor[] {new Tensor(a, rank, n), new Tensor(b, m, rank)});
        }
        PeftConfig cfg = new PeftConfig(template.taskType(), rank, rank, template.loraDropout(), template.targets(), false,
                template.init(), template.baseModelNameOrPath(), true, template.peftVersion(), template.modulesToSave());
        return new Result(cfg, factors, rank, worst);
    }
}
