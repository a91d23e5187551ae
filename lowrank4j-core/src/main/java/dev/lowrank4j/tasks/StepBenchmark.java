package dev.lowrank4j.tasks;

import dev.lowrank4j.bench.GemmBenchmark;
import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.loqt.LoqtOptimizer;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.models.llama.StepPhases;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.optim.Optimizer;
import dev.lowrank4j.train.MemoryLedger;
import dev.lowrank4j.train.TrainConfig;
import dev.lowrank4j.util.PhaseListener;
import dev.lowrank4j.util.Rng;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Median wall time of one full training step (forward, backward, AdamW) on random tokens, the
 * same measurement as shared/peers/torch_llama_step.py so the two can be compared directly.
 */
public final class StepBenchmark {
    private StepBenchmark() {}

    public record Result(ModelShape shape, int batch, int seq, int threads, String gemm, String method, int steps,
                         double medianMs, double meanMs, double minMs, double maxMs, double gflopPerStep,
                         long parameters, double gemmGflops, long ledgerBytes, Map<String, Double> phasesMs) {
        /** Effective GFLOP/s of the median step as a fraction of the GEMM rate measured in the same run. */
        public double fractionOfGemm() {
            return gflopPerStep / (medianMs / 1e3) / gemmGflops;
        }

        public double tokensPerSecond() {
            return batch * (double) seq / (medianMs / 1e3);
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("median_ms", medianMs);
            m.put("mean_ms", meanMs);
            m.put("min_ms", minMs);
            m.put("max_ms", maxMs);
            m.put("tokens_per_second", tokensPerSecond());
            m.put("gflop_per_step", gflopPerStep);
            m.put("effective_gflops", gflopPerStep / (medianMs / 1e3));
            m.put("gemm_gflops", gemmGflops);
            m.put("fraction_of_gemm", fractionOfGemm());
            m.put("ledger_bytes", ledgerBytes);
            m.put("phases_ms", phasesMs);
            m.put("steps", steps);
            m.put("threads", threads);
            m.put("gemm", gemm);
            m.put("method", method);
            m.put("parameters", parameters);
            m.put("vocab", shape.vocab());
            m.put("dim", shape.dim());
            m.put("layers", shape.layers());
            m.put("heads", shape.heads());
            m.put("hidden", shape.hidden());
            m.put("seq", seq);
            m.put("batch", batch);
            return m;
        }
    }

    /** The median of ascending values (the mean of the middle two for an even count). */
    public static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    /** FLOPs per step by the peer script's estimate: 6·(dense params)·tokens + 12·B·T²·D·L. */
    public static double flopsPerStep(ModelShape s, int batch, int seq, long params) {
        long dense = params - (long) s.vocab() * s.dim();
        return 6.0 * dense * batch * seq + 12.0 * batch * (double) seq * seq * s.dim() * s.layers();
    }

    /** A few AdamW steps without the GEMM measurement (gemmGflops is NaN): what a JIT warm-up needs. */
    public static Result run(ModelShape shape, int batch, int seq, int warmup, int steps) {
        return run(shape, batch, seq, warmup, steps, PretrainMethod.defaults(PretrainMethod.Kind.FULL), false);
    }

    /**
     * Times {@code steps} training steps after {@code warmup} untimed ones, with the optimizer of
     * {@code method} (AdamW for full; GaLore/Fira refresh their projectors at optimizer steps 0, T, 2T…,
     * so the mean over T timed steps includes one refresh).
     */
    public static Result run(ModelShape shape, int batch, int seq, int warmup, int steps, PretrainMethod method) {
        return run(shape, batch, seq, warmup, steps, method, PhaseListener.SILENT);
    }

    /** As above, reporting the model's construction (seconds for a paper-size preset) and each step. */
    public static Result run(ModelShape shape, int batch, int seq, int warmup, int steps, PretrainMethod method, PhaseListener progress) {
        return run(shape, batch, seq, warmup, steps, method, true, progress);
    }

    private static Result run(ModelShape shape, int batch, int seq, int warmup, int steps, PretrainMethod method,
                              boolean measureGemm) {
        return run(shape, batch, seq, warmup, steps, method, measureGemm, PhaseListener.SILENT);
    }

    private static Result run(ModelShape shape, int batch, int seq, int warmup, int steps, PretrainMethod method,
                              boolean measureGemm, PhaseListener progress) {
        long stateBytes = MemoryFit.stateBytes(shape, method);
        if (stateBytes >= 0) MemoryFit.require(stateBytes, "this model with --method " + method.id());
        LlamaModel model = progress.during("building the model", () -> method.newModel(shape.toConfig(), 0));
        method.prepare(model, 0);
        TrainConfig t = TrainConfig.builder().steps(1).batch(batch).seq(seq).lr(3e-4).warmup(0).weightDecay(0.1).clip(0).seed(0).build();
        Optimizer opt = method.optimizer(model, t);
        Rng rng = new Rng(1);
        int[] ids = new int[batch * seq], tg = new int[batch * seq];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(shape.vocab());
            tg[i] = rng.nextInt(shape.vocab());
        }
        double gemmGflops = measureGemm ? progress.during("measuring the GEMM rate", () -> gemmRate(shape, batch, seq)) : Double.NaN;
        double[] ms = new double[steps];
        long peakActivations = 0;
        StepPhases phases = new StepPhases();
        // LoQT: one phase per step, advanced as each layer merges (a 7B merge step takes long enough to want it)
        LoqtOptimizer loqt = opt instanceof LoqtOptimizer q ? q : null;
        if (loqt != null) loqt.reportMerges(progress::advance);
        else progress.begin(warmup + " warm-up and " + steps + " timed steps", warmup + steps, "steps");
        for (int i = 0; i < warmup + steps; i++) {
            if (loqt != null) {
                boolean merging = loqt.mergesNext();
                progress.begin("step " + (i + 1) + " of " + (warmup + steps) + (merging ? " (a LoQT merge, layer by layer)" : ""),
                        merging ? loqt.layerCount() : 0, "layers");
            }
            if (i == warmup) model.timePhases(phases); // the timed steps only
            long t0 = System.nanoTime();
            model.zeroGrad();
            model.lossAndBackward(ids, tg, batch, seq);
            // LoQT's update steps recompute the gradient of the merged weights (one pass: layer by layer)
            long modelBefore = phases.modelNanos(), t1 = System.nanoTime();
            opt.step(3e-4, Optimizer.Closure.singleBackward(() -> {
                model.zeroGrad();
                return model.lossAndBackward(ids, tg, batch, seq);
            }));
            // the optimizer's own time: its step minus the model passes it ran through the closure
            if (i >= warmup) {
                phases.add(StepPhases.Phase.OPTIMIZER, System.nanoTime() - t1 - (phases.modelNanos() - modelBefore));
                ms[i - warmup] = (System.nanoTime() - t0) / 1e6;
            }
            peakActivations = Math.max(peakActivations, model.activationBytes());
            if (loqt != null) progress.end();
            else progress.advance(i + 1);
        }
        if (loqt == null) progress.end();
        model.timePhases(null);
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = median(sorted);
        double mean = Arrays.stream(ms).average().orElse(Double.NaN);
        Map<String, Double> phasesMs = phases.msPerStep(steps);
        // zeroing gradients, the loop itself: what no phase covers
        phasesMs.put("other", Math.max(0, mean - phases.totalNanos() / 1e6 / steps));
        long params = model.parameters().stream().distinct().mapToLong(Parameter::numel).sum();
        return new Result(shape, batch, seq, Parallel.threads(), Gemm.kernel().name(), method.id(), steps, median, mean,
                sorted[0], sorted[steps - 1], flopsPerStep(shape, batch, seq, params) / 1e9, params, gemmGflops,
                MemoryLedger.of(model.parameters(), model.buffers().values(), opt.memory(), peakActivations).total(), phasesMs);
    }

    /**
     * GFLOP/s of the step's own GEMM kernel at the step's thread count on the model's largest
     * per-layer product (the MLP up-projection: tokens × hidden × dim), measured before the steps.
     */
    static double gemmRate(ModelShape shape, int batch, int seq) {
        return GemmBenchmark.measure(Gemm.kernel(), new GemmBenchmark.Shape(batch * seq, shape.hidden(), shape.dim()), 1.0);
    }
}
