package dev.lowrank4j.bounds;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.data.images.ImageSplit;
import dev.lowrank4j.dlrt.LowRankModelFile;
import dev.lowrank4j.dlrt.VisionArchitecture;
import dev.lowrank4j.models.vision.ImageClassifier;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.util.AtomicFiles;
import dev.lowrank4j.util.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The experiment of docs/BOUNDS.md: MLPs whose hidden layers all have the same width (square
 * hidden matrices, an injective first layer when width ≥ input size), trained with and without
 * the {@link OrthogonalityPenalty}; for each, the measured generalization gap and every bound on
 * the training split, then which bounds track the gap across the runs (Spearman).
 *
 * <p>Several input sizes (the same images shrunk, {@link dev.lowrank4j.data.images.AreaResize}) make one
 * sweep, so square networks of several widths, whose Koopman bound is defined, are ranked together.
 *
 * <p>Writes {@code OUT/[s{side}-]w{width}-p{penalty}/} (a {@link dev.lowrank4j.dlrt.LowRankModelFile} with no low-rank layers, plus its bounds.json,
 * readable by {@code bound --model}), {@code OUT/sweep.json} and {@code OUT/sweep.md}.
 */
public final class BoundSweep {
    /**
     * One input size of the sweep: its data and the hidden widths trained on it.
     *
     * @param tag prefixes the run names ("s14" for 14×14 images), empty for the data as it is
     */
    public record Input(String tag, ImageSplit data, List<Integer> widths) {}

    /**
     * @param seeds every configuration is trained once per seed (initialisation and batch order); the
     *              seed of {@code training} is not used
     */
    public record Config(String dataName, List<Input> inputs, int hiddenLayers, List<Double> penalties, List<Long> seeds,
                         ClassifierTraining.Settings training, double marginQuantile, KoopmanOptions koopman, Path out) {
        public Config {
            seeds = List.copyOf(seeds);
        }

        /** One input size, the seed of {@code training}. */
        public Config(String dataName, ImageSplit data, List<Integer> widths, int hiddenLayers, List<Double> penalties,
                      ClassifierTraining.Settings training, double marginQuantile, KoopmanOptions koopman, Path out) {
            this(dataName, List.of(new Input("", data, widths)), hiddenLayers, penalties, List.of(training.seed()), training,
                    marginQuantile, koopman, out);
        }
    }

    /** Fewer runs than this with a defined bound give no rank correlation. */
    static final int MIN_RUNS_FOR_RANKING = 3;

    private BoundSweep() {}

    public static Map<String, Object> run(Config c, Consumer<String> progress) {
        if (c.inputs().isEmpty() || c.penalties().isEmpty() || c.seeds().isEmpty() || c.inputs().stream().anyMatch(i -> i.widths().isEmpty())) {
            throw new Lowrank4jException("give at least one width, one penalty and one seed");
        }
        if (c.seeds().stream().distinct().count() < c.seeds().size()) {
            throw new Lowrank4jException("the seeds repeat: " + c.seeds());
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        List<BoundReport> reports = new ArrayList<>();
        List<double[]> gaps = new ArrayList<>();
        for (Input input : c.inputs()) {
            var train = input.data().train();
            var test = input.data().test();
            for (int width : input.widths()) {
                for (double penalty : c.penalties()) {
                    String configuration = (input.tag().isEmpty() ? "" : input.tag() + "-") + "w" + width + "-p" + penalty;
                    for (long seed : c.seeds()) {
                        // one seed keeps the names of single-seed sweeps (and their folders) as they were
                        String name = c.seeds().size() == 1 ? configuration : configuration + "-seed" + seed;
                        var arch = new ClassifierFolder.Architecture("mlp", train.channels(), train.height(), train.width(),
                                train.numClasses(), Collections.nCopies(c.hiddenLayers(), width));
                        ImageClassifier model = arch.build(seed);
                        List<Parameter> penalized = new ArrayList<>();
                        for (Parameter p : model.parameters()) {
                            // every hidden weight [out, in] with out ≥ in; the head (fc{L}) is part of g
                            if (p.name().endsWith(".weight") && p.shape()[0] >= p.shape()[1] && !p.name().equals("fc" + (c.hiddenLayers() + 1) + ".weight")) {
                                penalized.add(p);
                            }
                        }
                        var settings = new ClassifierTraining.Settings(c.training().epochs(), c.training().batch(), c.training().lr(), penalty,
                                seed);
                        long t0 = System.nanoTime();
                        ClassifierTraining.train(model, train, settings, penalized, epoch -> {
                            if (epoch % 10 == 0 || epoch == settings.epochs()) progress.accept(name + ": epoch " + epoch + "/" + settings.epochs());
                        });
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        var tr = ClassifierTraining.evaluate(model, train);
                        var te = ClassifierTraining.evaluate(model, test);
                        DataStats stats = MarginStats.of(model, train, "train", c.marginQuantile());
                        Path dir = c.out().resolve(name);
                        // the one saved format of the vision classifiers (DLRT's, here with no low-rank layers)
                        LowRankModelFile.save(dir, new VisionArchitecture(arch.name(), arch.channels(), arch.height(), arch.width(),
                                arch.numClasses(), arch.hidden()), model, List.of());
                        BoundReport report = Bounds.compute(ClassifierFolder.layers("mlp " + name, model), stats, c.koopman());
                        Json.writeAtomically(dir.resolve("bounds.json"), report.toJson());
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("name", name);
                        row.put("configuration", configuration);
                        row.put("seed", seed);
                        row.put("input", train.channels() + "x" + train.height() + "x" + train.width());
                        row.put("width", width);
                        row.put("penalty", penalty);
                        row.put("train_accuracy", tr.accuracy());
                        row.put("test_accuracy", te.accuracy());
                        row.put("train_loss", tr.loss());
                        row.put("test_loss", te.loss());
                        row.put("accuracy_gap", tr.accuracy() - te.accuracy());
                        row.put("loss_gap", te.loss() - tr.loss());
                        row.put("margin", stats.margin());
                        row.put("train_seconds", seconds);
                        double maxCond = 0, meanStable = 0;
                        int hidden = 0;
                        for (int j = 0; j < report.layers().size() - 1; j++) {
                            maxCond = Math.max(maxCond, report.layers().get(j).conditionNumber());
                            meanStable += report.layers().get(j).stableRank() / Math.min(report.layers().get(j).rows(), report.layers().get(j).cols());
                            hidden++;
                        }
                        row.put("max_condition_hidden", maxCond);
                        row.put("mean_stable_rank_fraction_hidden", meanStable / hidden);
                        Map<String, Object> b = new LinkedHashMap<>();
                        report.totals().forEach((k, v) -> b.put(k, BoundReport.num(v.logBound() / Math.log(10))));
                        row.put("log10_bounds", b);
                        row.put("log10_koopman_weights", BoundReport.num(report.total(Bounds.KOOPMAN).logComplexity() / Math.log(10)));
                        rows.add(row);
                        reports.add(report);
                        gaps.add(new double[] {tr.accuracy() - te.accuracy(), te.loss() - tr.loss()});
                        progress.accept(String.format(Locale.ROOT, "%s: train %.4f test %.4f gap %.4f (%.1f s)", name, tr.accuracy(),
                                te.accuracy(), tr.accuracy() - te.accuracy(), seconds));
                    }
                }
            }
        }
        Map<String, Object> corr = new LinkedHashMap<>();
        for (String bound : reports.getFirst().totals().keySet()) {
            double[] x = new double[rows.size()], accGap = new double[rows.size()], lossGap = new double[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                x[i] = reports.get(i).total(bound).logBound();
                accGap[i] = gaps.get(i)[0];
                lossGap[i] = gaps.get(i)[1];
            }
            Map<String, Object> m = correlation(x, accGap, lossGap);
            corr.put(bound, m);
        }
        corr.put(KOOPMAN_WEIGHTS, koopmanWeightsCorrelation(reports, gaps));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("data", c.dataName());
        result.put("hidden_layers", c.hiddenLayers());
        result.put("training", Map.of("epochs", c.training().epochs(), "batch", c.training().batch(), "lr", c.training().lr(),
                "seeds", c.seeds(), "optimizer", "AdamW (betas 0.9/0.999, no weight decay)"));
        result.put("margin_quantile", c.marginQuantile());
        result.put("runs", rows);
        result.put("spearman", corr);
        List<Map<String, Object>> spread = SeedSpread.of(rows);
        result.put("across_seeds", spread);
        Json.writeAtomically(c.out().resolve("sweep.json"), result);
        AtomicFiles.writeString(c.out().resolve("sweep.md"), markdown(rows, corr, reports.getFirst().totals().keySet())
                + "\n" + SeedSpread.markdown(spread));
        return result;
    }

    /**
     * The Koopman bound's weights-only factor, ranked against the gaps. Its log10_bound adds ½ log10 k(x,x),
     * a constant of the Sobolev kernel's normalization that depends only on the input dimension d and
     * is huge (about −60 at d = 64, −952 at d = 784): across runs of different widths it, not the
     * weights, would set the ranking.
     */
    public static final String KOOPMAN_WEIGHTS = "koopman_weights";

    private static Map<String, Object> koopmanWeightsCorrelation(List<BoundReport> reports, List<double[]> gaps) {
        double[] x = new double[reports.size()], a = new double[reports.size()], l = new double[reports.size()];
        for (int i = 0; i < reports.size(); i++) {
            x[i] = reports.get(i).total(Bounds.KOOPMAN).logComplexity();
            if (Double.isInfinite(x[i])) x[i] = Double.NaN; // a singular layer: the factor is undefined, not rankable
            a[i] = gaps.get(i)[0];
            l[i] = gaps.get(i)[1];
        }
        return correlation(x, a, l);
    }

    /**
     * Spearman of one bound with both gaps over the runs where the bound is defined: it is NaN for a
     * run whose margin is not positive (an under-fitted run), and ranking only the others is what
     * the data allow; {@code runs} says how many were ranked (null correlations below
     * {@link #MIN_RUNS_FOR_RANKING}).
     */
    static Map<String, Object> correlation(double[] logBound, double[] accGap, double[] lossGap) {
        int[] idx = java.util.stream.IntStream.range(0, logBound.length).filter(i -> !Double.isNaN(logBound[i])).toArray();
        double[] x = new double[idx.length], a = new double[idx.length], l = new double[idx.length];
        for (int k = 0; k < idx.length; k++) {
            x[k] = logBound[idx[k]];
            a[k] = accGap[idx[k]];
            l[k] = lossGap[idx[k]];
        }
        boolean enough = idx.length >= MIN_RUNS_FOR_RANKING;
        Map<String, Object> m = new LinkedHashMap<>(); // values may be null (NaN), which Map.of refuses
        m.put("accuracy_gap", enough ? BoundReport.num(RankCorrelation.spearman(x, a)) : null);
        m.put("loss_gap", enough ? BoundReport.num(RankCorrelation.spearman(x, l)) : null);
        m.put("runs", idx.length);
        return m;
    }

    @SuppressWarnings("unchecked")
    static String markdown(List<Map<String, Object>> rows, Map<String, Object> corr, java.util.Set<String> bounds) {
        StringBuilder sb = new StringBuilder("| run | train acc | test acc | acc gap | loss gap | max cond | stable rank / dim |");
        for (String b : bounds) sb.append(' ').append(b).append(" |");
        sb.append(" koopman_weights |");
        sb.append("\n|---|---|---|---|---|---|---|").append("---|".repeat(bounds.size() + 1)).append('\n');
        for (Map<String, Object> r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.4f | %.3g | %.3f |", r.get("name"), r.get("train_accuracy"),
                    r.get("test_accuracy"), r.get("accuracy_gap"), r.get("loss_gap"), r.get("max_condition_hidden"),
                    r.get("mean_stable_rank_fraction_hidden")));
            Map<String, Object> b = (Map<String, Object>) r.get("log10_bounds");
            for (String name : bounds) sb.append(' ').append(fmt(b.get(name))).append(" |");
            sb.append(' ').append(fmt(r.get("log10_koopman_weights"))).append(" |");
            sb.append('\n');
        }
        sb.append("\nSpearman rank correlation of each log10 bound with the gap, across the runs above where the bound is defined"
                + " (null: the margin was not positive); koopman_weights ranks the Koopman factor of the weights alone, without"
                + " the kernel constant that depends only on the input dimension:\n\n| bound | vs accuracy gap | vs loss gap | runs |\n|---|---|---|---|\n");
        List<String> ranked = new ArrayList<>(bounds);
        ranked.add(KOOPMAN_WEIGHTS);
        for (String name : ranked) {
            Map<String, Object> m = (Map<String, Object>) corr.get(name);
            sb.append("| ").append(name).append(" | ").append(fmt(m.get("accuracy_gap"))).append(" | ").append(fmt(m.get("loss_gap")))
                    .append(" | ").append(m.get("runs")).append(" |\n");
        }
        return sb.toString();
    }

    private static String fmt(Object o) {
        return o instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : String.valueOf(o);
    }
}
