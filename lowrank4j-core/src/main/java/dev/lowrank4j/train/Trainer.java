package dev.lowrank4j.train;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.optim.Optimizer;
import dev.lowrank4j.util.Json;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one training loop, for every model and loss: gradient accumulation, clipping, the learning
 * rate schedule, method hooks at step boundaries, periodic evaluation, JSONL metrics, atomic
 * checkpoints and exact resume. It never knows what it trains: the model and its loss come as a
 * {@link ModelWithLoss}, the batches as {@link TrainingData}. Everything that changes the
 * trajectory lives in the model, the optimizer and {@link TrainerState}, which is why a resumed run
 * reproduces an uninterrupted one bit for bit.
 */
public final class Trainer<B> {
    public static final String METRICS_FILE = "metrics.jsonl";
    public static final String SUMMARY_FILE = "summary.json";

    private final ModelWithLoss<B> model;
    private final TrainingData<B> data;
    private final TrainConfig cfg;
    private final Path runDir;
    private final Optimizer optimizer;
    private LrSchedule schedule;
    private StepHook hook;
    private TrainListener listener = TrainListener.NONE;
    private GradientExchange exchange = GradientExchange.NONE;

    public Trainer(ModelWithLoss<B> model, TrainingData<B> data, TrainConfig cfg, Path runDir, Optimizer optimizer) {
        this.model = model;
        this.data = data;
        this.cfg = cfg;
        this.runDir = runDir;
        this.optimizer = optimizer;
        this.schedule = new CosineSchedule(cfg.warmup(), cfg.steps(), cfg.minLrRatio())::multiplier;
    }

    public Trainer<B> listener(TrainListener l) {
        this.listener = l;
        return this;
    }

    /** Replaces the default warmup-plus-cosine schedule over the whole run. */
    public Trainer<B> schedule(LrSchedule s) {
        this.schedule = s;
        return this;
    }

    /** Data-parallel training: how this replica averages its gradients with the others. */
    public Trainer<B> exchange(GradientExchange e) {
        this.exchange = e;
        return this;
    }

    public Trainer<B> hook(StepHook h) {
        this.hook = h;
        return this;
    }

    public TrainSummary run(boolean resume) {
        BatchStream<B> stream = data.trainStream(cfg.seed());
        TrainerState state = new TrainerState(0, stream.position(), 0, 0, Metrics.NONE, new double[0], 0);
        Path metricsFile = runDir.resolve(METRICS_FILE);
        Checkpoints.cleanUp(runDir);
        if (resume) {
            Optional<Path> latest = Checkpoints.latest(runDir);
            if (latest.isEmpty()) throw new Lowrank4jException(runDir + ": nothing to resume (no checkpoints/step-* folder)");
            Checkpoints.Loaded ck = Checkpoints.load(latest.get());
            model.loadStateDict(ck.model(), ck.packed());
            optimizer.loadState(ck.optimizer(), ck.optimizerSteps());
            state = ck.state();
            stream.seek(state.dataPosition());
            MetricsLog.truncateAfter(metricsFile, state.step());
            if (hook != null) hook.onResume(state.step());
        } else {
            MetricsLog.truncateAfter(metricsFile, -1);
        }
        // A resume from the final checkpoint trains nothing but is no error: a kill between that
        // checkpoint and the job's outputs (exported model, adapter, summary) leaves a run that only
        // this can finish, and rewriting the outputs of a finished run gives the same bytes.
        if (state.step() > cfg.steps()) {
            throw new Lowrank4jException("the run already has " + state.step() + " steps; pass a larger --steps to continue");
        }

        MemoryLedger startLedger = ledger(state.peakActivationBytes());
        HeapFit.check(startLedger, Runtime.getRuntime().maxMemory());
        listener.onStart(state.step(), cfg.steps(), startLedger);
        ArrayDeque<Double> recent = new ArrayDeque<>();
        for (double l : state.recentLosses()) recent.addLast(l);
        Path lastCheckpoint = resume ? Checkpoints.latest(runDir).orElse(null) : null;
        long peakActivations = state.peakActivationBytes();
        boolean logMemory = state.step() < cfg.logEvery();
        model.setTraining(true);
        try (MetricsLog log = new MetricsLog(metricsFile)) {
            long step = state.step(), unitsSeen = state.unitsSeen();
            double trainSeconds = state.trainSeconds();
            Metrics metrics = state.lastMetrics();
            while (step < cfg.steps()) {
                long t0 = System.nanoTime();
                List<B> batches = new ArrayList<>(cfg.accum());
                for (int micro = 0; micro < cfg.accum(); micro++) batches.add(stream.next());
                double loss = lossAndGradients(batches);
                if (!Double.isFinite(loss)) {
                    throw new Lowrank4jException("training loss became " + loss + " at step " + (step + 1)
                            + "; stopped (lower --lr or check the data); the last good checkpoint is kept in "
                            + runDir.resolve(Checkpoints.DIR));
                }
                boolean firstMeasurement = peakActivations == 0;
                peakActivations = Math.max(peakActivations, model.activationBytes());
                if (firstMeasurement && peakActivations > 0) listener.onMemoryMeasured(ledger(peakActivations));
                double gradNorm = GradientClipper.clip(trainable(), cfg.clip());
                if (!Double.isFinite(gradNorm)) {
                    throw new Lowrank4jException("gradient norm became " + gradNorm + " at step " + (step + 1)
                            + "; stopped before updating the weights");
                }
                double lr = cfg.lr() * schedule.multiplier(step);
                optimizer.step(lr, batches.size() == 1 && exchange == GradientExchange.NONE
                        ? Optimizer.Closure.singleBackward(() -> lossAndGradients(batches))
                        : () -> lossAndGradients(batches));
                step++;
                if (hook != null) {
                    hook.afterStep(step, optimizer);
                    Map<String, Object> measured = hook.metrics(step);
                    if (!measured.isEmpty()) writeAt(log, step, measured);
                }
                for (B b : batches) unitsSeen += data.units(b);
                double dt = (System.nanoTime() - t0) / 1e9;
                trainSeconds += dt;
                recent.addLast(loss);
                if (recent.size() > TrainerState.RECENT) recent.removeFirst();
                double ups = unitsSeen / Math.max(trainSeconds, 1e-9);
                listener.onStep(new TrainListener.StepStats(step, cfg.steps(), loss, lr, gradNorm, ups, data.unit(), trainSeconds));
                boolean last = step == cfg.steps();
                if (step % cfg.logEvery() == 0 || last) {
                    Map<String, Object> rec = new LinkedHashMap<>();
                    rec.put("step", step);
                    rec.put("loss", loss);
                    rec.put("lr", lr);
                    rec.put("grad_norm", gradNorm);
                    rec.put(data.unit() + "_seen", unitsSeen);
                    rec.put(data.unit() + "_per_second", ups);
                    rec.put("step_seconds", dt);
                    rec.putAll(exchange.stepMetrics());
                    if (logMemory) rec.put("memory_bytes", ledger(peakActivations).asMap());
                    logMemory = false;
                    log.write(rec);
                }
                if (step % cfg.evalEvery() == 0 || last) {
                    metrics = evaluate();
                    listener.onEval(step, metrics);
                    writeAt(log, step, metrics.values());
                }
                if (step % cfg.checkpointEvery() == 0 || last) {
                    TrainerState s = new TrainerState(step, stream.position(), unitsSeen, trainSeconds, metrics,
                            recent.stream().mapToDouble(Double::doubleValue).toArray(), peakActivations);
                    lastCheckpoint = Checkpoints.save(runDir, model, optimizer, s, cfg.keepCheckpoints());
                    listener.onCheckpoint(step, lastCheckpoint);
                }
            }
            TrainSummary summary = new TrainSummary(step, recent.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
                    metrics, data.unit(), unitsSeen / Math.max(trainSeconds, 1e-9), trainSeconds, unitsSeen,
                    count(trainable()), count(distinct(model.parameters())), ledger(peakActivations), lastCheckpoint);
            Json.writeAtomically(runDir.resolve(SUMMARY_FILE), summary.toJson());
            return summary;
        } finally {
            model.setTraining(false);
        }
    }

    /**
     * Zeroes the gradients and accumulates those of every micro-batch, each scaled by 1/accum;
     * returns the mean loss. Also what an optimizer's closure re-runs after changing the weights.
     * Data-parallel replicas average gradients and loss here, before anything reads them.
     */
    private double lossAndGradients(List<B> batches) {
        List<Parameter> trainable = trainable();
        for (Parameter p : trainable) p.zeroGrad();
        double loss = 0;
        for (B b : batches) loss += model.lossAndBackward(b);
        if (batches.size() > 1) GradientClipper.scale(trainable, 1f / batches.size());
        return exchange.average(trainable, loss / batches.size());
    }

    /** Evaluation mode for the held-out batches, then back to training. */
    public Metrics evaluate() {
        model.setTraining(false);
        try {
            return model.evaluate(data.evaluationBatches());
        } finally {
            model.setTraining(true);
        }
    }

    /** Looked up each time: a method may change which parameters train, or their shapes. */
    private List<Parameter> trainable() {
        return distinct(model.parameters()).stream().filter(Parameter::trainable).toList();
    }

    private static List<Parameter> distinct(List<Parameter> ps) {
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        return ps.stream().filter(seen::add).toList();
    }

    private static long count(List<Parameter> ps) {
        return ps.stream().mapToLong(Parameter::numel).sum();
    }

    public MemoryLedger ledger(long activationBytes) {
        return MemoryLedger.of(model.parameters(), model.buffers().values(), optimizer.memory(), activationBytes);
    }

    /** One metrics.jsonl record: the step, then the values (an evaluation, or what a hook measured). */
    private static void writeAt(MetricsLog log, long step, Map<String, ?> values) {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("step", step);
        rec.putAll(values);
        log.write(rec);
    }
}
