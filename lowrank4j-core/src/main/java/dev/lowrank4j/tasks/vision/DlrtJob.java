package dev.lowrank4j.tasks.vision;

import dev.lowrank4j.bounds.BoundsLogHook;
import dev.lowrank4j.bounds.KoopmanOptions;
import dev.lowrank4j.data.images.ImageSplit;
import dev.lowrank4j.dlrt.DlrtOptions;
import dev.lowrank4j.dlrt.KlsIntegrator;
import dev.lowrank4j.dlrt.LowRankConversion;
import dev.lowrank4j.dlrt.LowRankLinear;
import dev.lowrank4j.dlrt.LowRankModelFile;
import dev.lowrank4j.dlrt.ParameterCounts;
import dev.lowrank4j.dlrt.VisionArchitecture;
import dev.lowrank4j.models.vision.ImageClassifier;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tasks.RunFolder;
import dev.lowrank4j.tasks.RunReport;
import dev.lowrank4j.train.TrainConfig;
import dev.lowrank4j.train.TrainListener;
import dev.lowrank4j.train.TrainSummary;
import dev.lowrank4j.train.Trainer;
import dev.lowrank4j.util.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One DLRT training run of LeNet5 or the dense network on an image split, through the one
 * {@link Trainer}: constant learning rate (as the authors' scripts), evaluation and a checkpoint
 * after every epoch, exact --resume. The run folder gets run_config.json, metrics.jsonl (per
 * epoch: test/train loss and accuracy and {@code rank_PATH} of every low-rank layer),
 * checkpoints/, {@code model/} ({@link LowRankModelFile}), summary.json and report.html.
 * {@code dlrt} null trains the full-rank baseline the same way (same integrator, lr, batches).
 */
public final class DlrtJob {
    public static final String MODEL_DIR = "model";
    public static final int EVAL_BATCH = 1000, TRAIN_EVAL_LIMIT = 10_000;
    public static final String RANK_PREFIX = RunReport.RANK_PREFIX;

    private DlrtJob() {}

    /**
     * @param dlrt       null for the full-rank baseline
     * @param startRanks null for the default (min(m, n)/2 per layer; the fixed rank for fixed-rank KLS)
     */
    public record Options(String model, String dataName, ImageSplit data, DlrtOptions dlrt, int[] startRanks, int epochs,
                          int batch, double lr, long seed, Path out, boolean resume, DlrtOptions.IntegratorKind baselineIntegrator) {}

    /** What a finished run reports (also read back from its summary.json). */
    public record Result(long steps, Map<String, Integer> ranks, ParameterCounts counts, double testAccuracy,
                         double trainAccuracy, double trainSeconds, Path runDir, boolean alreadyFinished) {}

    /** A finished run's result from its summary.json, or null when the folder has no finished run of {@code steps} steps. */
    static Result finished(Path dir, long steps) {
        Path file = dir.resolve(Trainer.SUMMARY_FILE);
        if (!java.nio.file.Files.isRegularFile(file)) return null;
        com.fasterxml.jackson.databind.JsonNode n = Json.readObjectFile(file);
        if (n.path("steps").asLong() != steps || !n.has("ranks") || !n.has("test_parameters")) return null;
        Map<String, Integer> ranks = new LinkedHashMap<>();
        n.get("ranks").fields().forEachRemaining(e -> ranks.put(e.getKey(), e.getValue().asInt()));
        ParameterCounts c = new ParameterCounts(n.get("full_parameters").asLong(), n.get("test_parameters").asLong(),
                n.get("train_parameters").asLong());
        return new Result(steps, ranks, c, n.get("test_accuracy").asDouble(), n.get("train_accuracy").asDouble(),
                n.path("train_seconds").asDouble(), dir, true);
    }

    public static Result run(Options o, TrainListener listener) {
        return run(o, listener, 0);
    }

    /**
     * As {@link #run(Options, TrainListener)}; {@code logBoundsEvery} > 0 logs every bound's
     * weights-only complexity every that many steps into RUN/metrics.jsonl
     * ({@link BoundsLogHook}, low-rank layers as U·S·Vᵀ), charted in report.html; 0 = off.
     */
    public static Result run(Options o, TrainListener listener, int logBoundsEvery) {
        ImageSplit split = o.data();
        VisionArchitecture arch = VisionArchitecture.of(o.model(), split.train().channels(), split.train().height(),
                split.train().width(), split.train().numClasses());
        if (o.epochs() < 1) throw new dev.lowrank4j.Lowrank4jException("--epochs must be >= 1, got " + o.epochs());
        ImageClassifier model = arch.build(o.seed());
        List<LowRankLinear> layers = List.of();
        if (o.dlrt() != null) {
            Map<String, Integer> ranks = LowRankConversion.startRanks(model, o.startRanks(), o.dlrt().fixedRank());
            layers = LowRankConversion.apply(model, ranks, o.dlrt().init(), o.seed());
        }
        RunFolder.prepare(o.out(), o.resume(), settings(o, arch));
        List<LowRankLinear> lowRank = layers;
        List<Parameter> factors = new ArrayList<>();
        for (LowRankLinear l : layers) factors.addAll(List.of(l.u(), l.s(), l.v()));
        ImageClassification task = new ImageClassification(model).resizable(factors)
                .extraMetrics(() -> rankMetrics(lowRank))
                .config(dir -> LowRankModelFile.writeConfig(dir, arch, model, lowRank));
        ImageBatches data = new ImageBatches(split, o.batch(), EVAL_BATCH, TRAIN_EVAL_LIMIT);
        int perEpoch = data.batchesPerEpoch();
        TrainConfig cfg = TrainConfig.builder().steps(o.epochs() * perEpoch).batch(o.batch()).lr(o.lr()).clip(0).warmup(0)
                .evalEvery(perEpoch).checkpointEvery(perEpoch).logEvery(Math.max(1, perEpoch / 10)).seed(o.seed()).build();
        DlrtOptions integrator = o.dlrt() != null ? o.dlrt()
                : DlrtOptions.fixed(1).withIntegrator(o.baselineIntegrator()); // no low-rank layers: plain SGD/Adam
        KlsIntegrator kls = new KlsIntegrator(layers, model.parameters(), integrator);
        if (o.resume()) {
            Result done = finished(o.out(), cfg.steps());
            if (done != null) return done;
        }
        Trainer<SplitBatch> trainer = new Trainer<>(task, data, cfg, o.out(), kls).schedule(step -> 1.0).listener(listener);
        if (logBoundsEvery > 0) {
            trainer.hook(new BoundsLogHook(model, "dlrt " + o.model() + (o.dlrt() == null ? " (full rank)" : ""), true,
                    logBoundsEvery, KoopmanOptions.defaults()));
        }
        TrainSummary summary = trainer.run(o.resume());

        LowRankModelFile.save(o.out().resolve(MODEL_DIR), arch, model, layers);
        Map<String, Integer> ranks = new LinkedHashMap<>();
        for (LowRankLinear l : layers) ranks.put(l.modulePath(), l.rank());
        ParameterCounts counts = counts(model, ranks);
        double testAcc = summary.metric(ImageClassification.TEST_ACCURACY), trainAcc = summary.metric(ImageClassification.TRAIN_ACCURACY);
        Map<String, Object> json = new LinkedHashMap<>(summary.toJson());
        json.put("method", o.dlrt() == null ? "full-rank" : o.dlrt().adaptive() ? "dlrt-adaptive" : "dlrt-fixed");
        json.put("model", o.model());
        json.put("data", o.dataName());
        if (o.dlrt() != null && o.dlrt().adaptive()) json.put("tau", o.dlrt().tau());
        json.put("test_accuracy", testAcc);
        json.put("train_accuracy", trainAcc);
        json.put("test_compression", counts.testCompression());
        json.put("train_compression", counts.trainCompression());
        json.put("ranks", ranks);
        json.put("full_parameters", counts.full());
        json.put("test_parameters", counts.test());
        json.put("train_parameters", counts.train());
        json.put("train_accuracy_images", data.trainEvalImages());
        json.put("model_dir", o.out().resolve(MODEL_DIR).toString());
        Json.writeAtomically(o.out().resolve(Trainer.SUMMARY_FILE), json);
        RunReport.write(o.out(), "lowrank4j dlrt: " + o.model() + " on " + o.dataName(), description(o, ranks, counts, testAcc),
                "nats", summary);
        return new Result(summary.steps(), ranks, counts, testAcc, trainAcc, summary.trainSeconds(), o.out(), false);
    }

    /** The paper's counting (ALGORITHMS.md §6(f)): low-rank layers r(m+n) (+ r² training), the head m·n. */
    public static ParameterCounts counts(ImageClassifier model, Map<String, Integer> ranks) {
        List<ParameterCounts.Layer> ls = new ArrayList<>();
        for (Map.Entry<String, LinearLayer> e : model.linears().entrySet()) {
            ls.add(new ParameterCounts.Layer(e.getValue().outFeatures(), e.getValue().inFeatures(), ranks.getOrDefault(e.getKey(), 0)));
        }
        return ParameterCounts.of(ls);
    }

    private static Map<String, Double> rankMetrics(List<LowRankLinear> layers) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (LowRankLinear l : layers) m.put(RANK_PREFIX + l.modulePath(), (double) l.rank());
        return m;
    }

    private static Map<String, Object> settings(Options o, VisionArchitecture arch) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", "dlrt");
        m.putAll(arch.toJson());
        m.put("data", o.dataName());
        m.put("method", o.dlrt() == null ? "full-rank" : "dlrt");
        if (o.dlrt() != null) {
            DlrtOptions d = o.dlrt();
            m.put("fixed_rank", d.fixedRank());
            m.put("tau", d.tau());
            m.put("absolute_tau", d.absoluteTau());
            m.put("truncation", d.rule().name().toLowerCase(Locale.ROOT));
            m.put("dense_tau_factor", d.denseTauFactor());
            m.put("max_rank", d.maxRank());
            m.put("integrator", d.integrator().name().toLowerCase(Locale.ROOT));
            m.put("init", d.init().name().toLowerCase(Locale.ROOT));
            m.put("start_ranks", o.startRanks() == null ? "default" : Arrays.toString(o.startRanks()));
        } else {
            m.put("integrator", o.baselineIntegrator().name().toLowerCase(Locale.ROOT));
        }
        m.put("epochs", o.epochs());
        m.put("batch", o.batch());
        m.put("lr", o.lr());
        m.put("seed", o.seed());
        return m;
    }

    private static String description(Options o, Map<String, Integer> ranks, ParameterCounts c, double testAcc) {
        return String.format(Locale.ROOT, "%s on %s (%d train / %d test images), %s, %d epochs, batch %d, lr %g, seed %d. "
                        + "Final ranks %s; test accuracy %.4f; compression %.4f (evaluation) / %.4f (training), counted as the paper counts.",
                o.model(), o.dataName(), o.data().train().size(), o.data().test().size(),
                o.dlrt() == null ? "full-rank baseline" : o.dlrt().adaptive() ? "rank-adaptive KLS, tau " + o.dlrt().tau() : "fixed-rank KLS",
                o.epochs(), o.batch(), o.lr(), o.seed(), ranks, testAcc, c.testCompression(), c.trainCompression());
    }
}
