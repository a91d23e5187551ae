package dev.lowrank4j.classify;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.plora.PeriodicLora;
import dev.lowrank4j.models.bert.TokenBatch;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.optim.AdamW;
import dev.lowrank4j.train.GradientClipper;
import dev.lowrank4j.train.MemoryLedger;
import dev.lowrank4j.train.MetricsLog;
import dev.lowrank4j.train.TrainListener;
import dev.lowrank4j.util.Rng;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fine-tuning loop: length-grouped shuffled batches, AdamW, global-norm clipping, cosine
 * schedule with warmup (restarted per PeriodicLoRA stage), a test evaluation after every epoch and
 * after the last step. Everything random comes from the options' seed, and no step depends on
 * timing, so a seed fixes the whole trajectory.
 */
final class ClassifierTrainer {
    /** Salts the batch-order stream apart from the split and init streams. */
    private static final long ORDER_SALT = 0x0DE2_5EED_0000_0001L;
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;

    /**
     * What a run produced.
     *
     * @param stepLosses       training loss of every step, in order
     * @param trainSeconds     time in training steps (evaluation excluded)
     * @param evalSeconds      time spent evaluating
     * @param tokensSeen       real (unpadded) training tokens processed
     * @param memory           weights, gradients, optimizer states and the largest step's activations
     * @param evaluation       test-set result after the last step
     */
    record Outcome(long steps, double[] stepLosses, double trainSeconds, double evalSeconds, long examplesSeen,
                   long tokensSeen, MemoryLedger memory, Evaluation evaluation) {}

    private final SequenceClassifier model;
    private final FinetuneSetup.Applied setup;
    private final FinetuneOptions o;
    private final List<Parameter> trainable;

    ClassifierTrainer(SequenceClassifier model, FinetuneSetup.Applied setup, FinetuneOptions o) {
        this.model = model;
        this.setup = setup;
        this.o = o;
        this.trainable = setup.trainable();
    }

    /** Steps for this many training examples: epochs × batches per epoch, capped by maxSteps. */
    static long totalSteps(FinetuneOptions o, int trainExamples) {
        long steps = (long) o.epochs() * BatchPlan.batchesPerEpoch(trainExamples, o.batchSize());
        return o.maxSteps() > 0 ? Math.min(steps, o.maxSteps()) : steps;
    }

    Outcome train(List<EncodedText> train, List<EncodedText> test, TrainListener listener, MetricsLog log) {
        if (train.isEmpty()) throw new Lowrank4jException("no training examples");
        long total = totalSteps(o, train.size());
        AdamW optimizer = new AdamW(trainable, new AdamW.Hyper(BETA1, BETA2, EPS, o.weightDecay()));
        LearningRatePlan plan = new LearningRatePlan(total, o.warmupRatio());
        PeriodicLora plora = setup.plora();
        long stageLength = plora != null ? o.resolvedStageLength() : total;
        int[] lengths = train.stream().mapToInt(EncodedText::length).toArray();
        Rng order = new Rng(o.seed() ^ ORDER_SALT);

        listener.onStart(0, total, MemoryLedger.of(model.parameters(), optimizer.stateBytes(), 0));
        double[] losses = new double[(int) total];
        long step = 0, examples = 0, tokens = 0, peakActivations = 0;
        double trainSeconds = 0, evalSeconds = 0;
        Evaluation evaluation = null;
        setup.setTraining(true);
        for (int epoch = 1; step < total; epoch++) {
            for (int[] idx : BatchPlan.trainEpoch(lengths, o.batchSize(), order)) {
                long t0 = System.nanoTime();
                TokenBatch tb = TextEncoding.collate(train, idx);
                for (Parameter p : trainable) p.zeroGrad();
                double loss = model.lossAndBackward(tb, TextEncoding.labels(train, idx));
                if (!Double.isFinite(loss)) {
                    throw new Lowrank4jException("training loss became " + loss + " at step " + (step + 1) + "; lower the learning rate");
                }
                double gradNorm = GradientClipper.clip(trainable, o.clipNorm());
                long origin = plora != null ? plora.stageStartStep() : 0;
                double lr = o.learningRate() * plan.multiplier(step, origin, stageLength);
                optimizer.step(lr);
                peakActivations = Math.max(peakActivations, model.activationBytes());
                step++;
                if (plora != null) optimizer.resetState(plora.afterStep(step).resetOptimizerState());
                double dt = (System.nanoTime() - t0) / 1e9;
                trainSeconds += dt;
                losses[(int) step - 1] = loss;
                examples += idx.length;
                for (int i : idx) tokens += lengths[i];
                listener.onStep(new TrainListener.StepStats(step, total, loss, lr, gradNorm, tokens / trainSeconds, trainSeconds));
                if (log != null && (step % o.logEvery() == 0 || step == total)) {
                    log.write(stepRecord(step, epoch, loss, lr, gradNorm, dt, examples / trainSeconds));
                }
                if (step == total) break;
            }
            long e0 = System.nanoTime();
            setup.setTraining(false);
            evaluation = Evaluation.run(model, test, o.evalBatchSize());
            setup.setTraining(true);
            evalSeconds += (System.nanoTime() - e0) / 1e9;
            listener.onEval(step, evaluation.loss());
            if (log != null) log.write(evalRecord(step, epoch, evaluation));
        }
        setup.setTraining(false);
        MemoryLedger memory = MemoryLedger.of(model.parameters(), optimizer.stateBytes(), peakActivations);
        return new Outcome(step, losses, trainSeconds, evalSeconds, examples, tokens, memory, evaluation);
    }

    private static Map<String, Object> stepRecord(long step, int epoch, double loss, double lr, double gradNorm,
                                                  double seconds, double examplesPerSecond) {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("step", step);
        rec.put("epoch", epoch);
        rec.put("loss", loss);
        rec.put("lr", lr);
        rec.put("grad_norm", gradNorm);
        rec.put("step_seconds", seconds);
        rec.put("examples_per_second", examplesPerSecond);
        return rec;
    }

    private static Map<String, Object> evalRecord(long step, int epoch, Evaluation e) {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("step", step);
        rec.put("epoch", epoch);
        rec.put("test_loss", e.loss());
        rec.putAll(e.metrics().toJson());
        return rec;
    }
}
