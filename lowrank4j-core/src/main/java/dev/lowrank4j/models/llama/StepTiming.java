package dev.lowrank4j.models.llama;

import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.kernels.Parallel;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Developer timing of the model alone (no optimizer): median forward and forward+backward times on
 * the benchmark shape (vocab 4096, dim 256, 4 layers, 4 heads of 64, MLP 688, batch 8 × seq 128).
 * The official number comes from the CLI's {@code bench step}; this exists to see where the model's
 * time goes while tuning it. Arguments: [steps] [threads].
 */
public final class StepTiming {
    private StepTiming() {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        if (args.length > 1) Parallel.setThreads(Integer.parseInt(args[1]));
        LlamaConfig cfg = new LlamaConfig(4096, 256, 688, 4, 4, 4, 64, 1e-6, 10000.0, false, 1024, 0.02);
        int batch = 8, seq = 128;
        LlamaModel model = new LlamaModel(cfg, 0);
        SplittableRandom rng = new SplittableRandom(1);
        int[] ids = new int[batch * seq];
        for (int i = 0; i < ids.length; i++) ids[i] = rng.nextInt(cfg.vocabSize());
        int[] targets = CausalLmTargets.shifted(ids, batch, seq);

        double[] forward = new double[steps], step = new double[steps];
        for (int i = 0; i < steps + 5; i++) { // the first 5 warm the JIT up and are not recorded
            long t0 = System.nanoTime();
            model.loss(ids, targets, batch, seq);
            long t1 = System.nanoTime();
            model.zeroGrad();
            model.lossAndBackward(ids, targets, batch, seq);
            long t2 = System.nanoTime();
            if (i >= 5) {
                forward[i - 5] = (t1 - t0) / 1e6;
                step[i - 5] = (t2 - t1) / 1e6;
            }
        }
        // The minimum is shown next to the median because on a shared machine other processes
        // inflate the median; the minimum is what the code can do.
        System.out.printf("gemm=%s threads=%d  forward+loss %.1f ms (min %.1f)  zeroGrad+forward+backward %.1f ms"
                        + " (min %.1f)  activations %.1f MB%n", Gemm.kernel().name(), Parallel.threads(),
                median(forward), min(forward), median(step), min(step), model.activationBytes() / 1e6);
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
