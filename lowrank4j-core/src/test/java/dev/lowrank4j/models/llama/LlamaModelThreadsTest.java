package dev.lowrank4j.models.llama;

import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The same step on one thread and on three must agree: a race in the parallel attention, norm or
 * loss code would show up as a gross difference. Only summation order may differ (inside GEMM), so
 * the comparison uses a tolerance far below any real bug.
 */
class LlamaModelThreadsTest {
    private static final double MAX_RELATIVE_DIFFERENCE = 1e-5;
    private static final int BATCH = 5, SEQ = 41;

    @Test
    void oneAndSeveralThreadsGiveTheSameGradients() {
        int saved = Parallel.threads();
        try {
            Map<String, float[]> single = run(1), several = run(3);
            for (var e : single.entrySet()) {
                float[] a = e.getValue(), b = several.get(e.getKey());
                double maxDiff = 0, maxAbs = 0;
                for (int i = 0; i < a.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
                    maxAbs = Math.max(maxAbs, Math.abs(a[i]));
                }
                assertEquals(0, maxDiff / maxAbs, MAX_RELATIVE_DIFFERENCE, e.getKey());
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    private static Map<String, float[]> run(int threads) {
        Parallel.setThreads(threads);
        LlamaModel model = TinyLlama.withLivelyWeights(false, 8);
        int[] ids = TinyLlama.randomIds(new SplittableRandom(9), BATCH * SEQ);
        model.zeroGrad();
        float loss = model.lossAndBackward(ids, CausalLmTargets.shifted(ids, BATCH, SEQ), BATCH, SEQ);
        Map<String, float[]> out = new LinkedHashMap<>();
        out.put("loss", new float[] {loss});
        for (Parameter p : model.parameters()) out.put(p.name(), p.grad().data.clone());
        return out;
    }
}
