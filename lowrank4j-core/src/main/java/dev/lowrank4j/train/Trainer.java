package dev.lowrank4j.train;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.data.TokenDataset;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.util.Json;
import dev.lowrank4j.util.Rng;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.lowrank4j.optim.Optimizer;

/**
 * The training loop for causal language models: gradient accumulation, clipping, cosine schedule,
 * periodic evaluation on held-out text, JSONL metrics, atomic checkpoints and exact resume.
 * Everything that changes the trajectory lives in the model, the optimizer, and
 * {@link TrainerState}, which is why a resumed run reproduces an uninterrupted one bit for bit.
 */
public final class Trainer {
    /** Seeds the data-order stream apart from model init, which uses the seed directly. */
    private static final long DATA_SEED_SALT = 0x5DEECE66DL;

    private final LlamaModel model;
    private final TokenDataset data;
    private final TrainConfig cfg;
    private final Path runDir;
    private final Optimizer optimizer;
    private final List<Parameter> trainable;
    private LrSchedule schedule;
    private StepHook hook;
    private TrainListener listener = TrainListener.NONE;

    public record Summary(long steps, double trainLoss, double valLoss, double tokensPerSecond, double trainSeconds,
                          long tokensSeen, long trainableParameters, long totalParameters, MemoryLedger memory,
                          Path finalCheckpoint) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("steps", steps);
            m.put("train_loss", trainLoss); // mean of the last TrainerState.RECENT step losses
            m.put("val_loss", valLoss);
            m.put("val_perplexity", Math.exp(valLoss));
            m.put("tokens_per_second", tokensPerSecond);
            m.put("train_seconds", trainSeconds);
            m.put("tokens_seen", tokensSeen);
            m.put("trainable_parameters", trainableParameters);
            m.put("total_parameters", totalParameters);
            m.put("memory_bytes", memory.asMap());
            m.put("final_checkpoint", finalCheckpoint.toString());
            return m;
        }
    }

    public Trainer(LlamaModel model, TokenDataset data, TrainConfig cfg, Path runDir, Optimizer optimizer) {
        this.model = model;
        this.data = data;
        this.cfg = cfg;
        this.runDir = runDir;
        this.optimizer = optimizer;
        this.trainable = model.parameters().stream().filter(Parameter::trainable).toList();
        this.schedule = new CosineSchedule(cfg.warmup(), cfg.steps(), cfg.minLrRatio())::multiplier;
    }

    public Trainer listener(TrainListener l) {
        this.listener = l;
        return this;
    }

    /** Replaces the default warmup-plus-cosine schedule over the whole run. */
    public Trainer schedule(LrSchedule s) {
        this.schedule = s;
        return this;
    }

    public Trainer hook(StepHook h) {
        this.hook = h;
        return this;
    }

    public Summary run(boolean resume) {
        Rng rng = new Rng(cfg.seed() ^ DATA_SEED_SALT);
        TrainerState state = new TrainerState(0, rng.state(), 0, 0, Double.NaN, new double[0]);
        Path metricsFile = runDir.resolve("metrics.jsonl");
        Checkpoints.cleanUp(runDir);
        if (resume) {
            Optional<Path> latest = Checkpoints.latest(runDir);
            if (latest.isEmpty()) throw new Lowrank4jException(runDir + ": nothing to resume (no checkpoints/step-* folder)");
            Checkpoints.Loaded ck = Checkpoints.load(latest.get());
            model.loadWeights(ck.model());
            optimizer.loadState(ck.optimizer(), ck.optimizerSteps());
            state = ck.state();
            rng.setState(state.rngState());
            MetricsLog.truncateAfter(metricsFile, state.step());
            if (hook != null) hook.onResume(state.step());
        } else {
            MetricsLog.truncateAfter(metricsFile, -1);
        }
        if (state.step() >= cfg.steps()) {
            throw new Lowrank4jException("the run already has " + state.step() + " steps; pass a larger --steps to continue");
        }

        MemoryLedger ledger = ledger();
        listener.onStart(state.step(), cfg.steps(), ledger);
        java.util.ArrayDeque<Double> recent = new java.util.ArrayDeque<>();
        for (double l : state.recentLosses()) recent.addLast(l);
        Path lastCheckpoint = null;
        try (MetricsLog log = new MetricsLog(metricsFile)) {
            long step = state.step(), tokensSeen = state.tokensSeen();
            double trainSeconds = state.trainSeconds(), valLoss = state.lastValLoss();
            while (step < cfg.steps()) {
                long t0 = System.nanoTime();
                double loss = 0;
                model.zeroGrad();
                for (int micro = 0; micro < cfg.accum(); micro++) {
                    TokenDataset.Batch b = data.sampleTrain(rng, cfg.batch(), cfg.seq());
                    loss += model.lossAndBackward(b.inputs(), b.targets(), b.batch(), b.seq());
                }
                loss /= cfg.accum();
                if (!Double.isFinite(loss)) {
                    throw new Lowrank4jException("training loss became " + loss + " at step " + (step + 1)
                            + "; stopped (lower --lr or check the data); the last good checkpoint is kept in "
                            + runDir.resolve(Checkpoints.DIR));
                }
                if (cfg.accum() > 1) GradientClipper.scale(trainable, 1f / cfg.accum());
                double gradNorm = GradientClipper.clip(trainable, cfg.clip());
                if (!Double.isFinite(gradNorm)) {
                    throw new Lowrank4jException("gradient norm became " + gradNorm + " at step " + (step + 1)
                            + "; stopped before updating the weights");
                }
                double lr = cfg.lr() * schedule.multiplier(step);
                optimizer.step(lr);
                step++;
                if (hook != null) hook.afterStep(step, optimizer);
                tokensSeen += cfg.tokensPerStep();
                double dt = (System.nanoTime() - t0) / 1e9;
                trainSeconds += dt;
                recent.addLast(loss);
                if (recent.size() > TrainerState.RECENT) recent.removeFirst();
                double tps = tokensSeen / Math.max(trainSeconds, 1e-9);
                listener.onStep(new TrainListener.StepStats(step, cfg.steps(), loss, lr, gradNorm, tps, trainSeconds));
                if (step % cfg.logEvery() == 0 || step == cfg.steps()) {
                    Map<String, Object> rec = new LinkedHashMap<>();
                    rec.put("step", step);
                    rec.put("loss", loss);
                    rec.put("lr", lr);
                    rec.put("grad_norm", gradNorm);
                    rec.put("tokens_seen", tokensSeen);
                    rec.put("tokens_per_second", tps);
                    rec.put("step_seconds", dt);
                    if (step == cfg.logEvery()) rec.put("memory_bytes", ledger().asMap());
                    log.write(rec);
                }
                boolean last = step == cfg.steps();
                if (step % cfg.evalEvery() == 0 || last) {
                    valLoss = evaluate();
                    listener.onEval(step, valLoss);
                    log.write(Map.of("step", step, "val_loss", valLoss, "val_perplexity", Math.exp(valLoss)));
                }
                if (step % cfg.checkpointEvery() == 0 || last) {
                    TrainerState s = new TrainerState(step, rng.state(), tokensSeen, trainSeconds, valLoss,
                            recent.stream().mapToDouble(Double::doubleValue).toArray());
                    lastCheckpoint = Checkpoints.save(runDir, model, optimizer, s, cfg.keepCheckpoints());
                    listener.onCheckpoint(step, lastCheckpoint);
                }
            }
            ledger = ledger();
            long trainableCount = trainable.stream().mapToLong(Parameter::numel).sum();
            long total = model.parameters().stream().distinct().mapToLong(Parameter::numel).sum();
            double trainLoss = recent.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            Summary summary = new Summary(step, trainLoss, valLoss,
                    tokensSeen / Math.max(trainSeconds, 1e-9), trainSeconds, tokensSeen, trainableCount, total,
                    ledger, lastCheckpoint);
            Json.writeAtomically(runDir.resolve("summary.json"), summary.toJson());
            return summary;
        }
    }

    /** Mean loss over the configured number of fixed validation batches. */
    public double evaluate() {
        double sum = 0;
        for (int i = 0; i < cfg.evalBatches(); i++) {
            TokenDataset.Batch b = data.valBatch(i, cfg.batch(), cfg.seq());
            sum += model.loss(b.inputs(), b.targets(), b.batch(), b.seq());
        }
        return sum / cfg.evalBatches();
    }

    public MemoryLedger ledger() {
        return MemoryLedger.of(model.parameters(), optimizer.stateBytes(), model.activationBytes());
    }
}
