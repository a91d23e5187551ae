package dev.lowrank4j.tasks.vision;

import dev.lowrank4j.dlrt.DlrtOptions;
import dev.lowrank4j.dlrt.KlsIntegrator;
import dev.lowrank4j.dlrt.LowRankConversion;
import dev.lowrank4j.dlrt.LowRankLinear;
import dev.lowrank4j.dlrt.VisionArchitecture;
import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.models.vision.ImageClassifier;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tasks.StepBenchmark;
import dev.lowrank4j.util.PhaseListener;
import dev.lowrank4j.util.Rng;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Median wall time of one training step of LeNet5 or the dense network on random 28×28 images,
 * the measurement of shared/peers/torch_lenet_step.py (forward, backward, SGD at lr 0.05). With
 * {@code dlrtRank} > 0 the step is a fixed-rank KLS step at that rank instead (two forward/backward
 * passes, QR of K and L), the DLRT cost without the rank changing under the timer.
 */
public final class VisionStepBenchmark {
    private VisionStepBenchmark() {}

    public record Result(String model, String method, int batch, int threads, String gemm, int steps, double medianMs,
                         double meanMs, double minMs, double maxMs, long parameters) {
        public double imagesPerSecond() {
            return batch / (medianMs / 1e3);
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("median_ms", medianMs);
            m.put("mean_ms", meanMs);
            m.put("min_ms", minMs);
            m.put("max_ms", maxMs);
            m.put("images_per_second", imagesPerSecond());
            m.put("steps", steps);
            m.put("threads", threads);
            m.put("gemm", gemm);
            m.put("model", model);
            m.put("method", method);
            m.put("batch", batch);
            m.put("parameters", parameters);
            return m;
        }
    }

    public static Result run(String modelName, int batch, int warmup, int steps, int dlrtRank) {
        return run(modelName, batch, warmup, steps, dlrtRank, PhaseListener.SILENT);
    }

    public static Result run(String modelName, int batch, int warmup, int steps, int dlrtRank, PhaseListener progress) {
        ImageClassifier model = VisionArchitecture.of(modelName, 1, 28, 28, 10).build(0);
        List<LowRankLinear> layers = List.of();
        DlrtOptions o = DlrtOptions.fixed(Math.max(1, dlrtRank));
        if (dlrtRank > 0) layers = LowRankConversion.apply(model, LowRankConversion.startRanks(model, null, dlrtRank), o.init(), 0);
        KlsIntegrator step = new KlsIntegrator(layers, model.parameters(), o); // no low-rank layers: plain SGD
        Rng rng = new Rng(1);
        float[] x = new float[batch * 28 * 28];
        int[] y = new int[batch];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
        for (int i = 0; i < batch; i++) y[i] = rng.nextInt(10);
        double[] ms = new double[steps];
        progress.begin(warmup + " warm-up and " + steps + " timed steps", warmup + steps, "steps");
        for (int i = 0; i < warmup + steps; i++) {
            long t0 = System.nanoTime();
            model.zeroGrad();
            model.lossAndBackward(x, y, batch);
            step.step(0.05, () -> {
                model.zeroGrad();
                return model.lossAndBackward(x, y, batch);
            });
            if (i >= warmup) ms[i - warmup] = (System.nanoTime() - t0) / 1e6;
            progress.advance(i + 1);
        }
        progress.end();
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        long params = model.parameters().stream().distinct().mapToLong(Parameter::numel).sum();
        return new Result(modelName, dlrtRank > 0 ? "dlrt-fixed-rank-" + dlrtRank : "full", batch, Parallel.threads(),
                Gemm.kernel().name(), steps, StepBenchmark.median(sorted), Arrays.stream(ms).average().orElse(Double.NaN),
                sorted[0], sorted[steps - 1], params);
    }
}
