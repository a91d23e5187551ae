package dev.lowrank4j.tasks.vision;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.models.vision.Accuracy;
import dev.lowrank4j.models.vision.ImageClassifier;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.train.Metrics;
import dev.lowrank4j.train.ModelWithLoss;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An {@link ImageClassifier} with softmax cross-entropy as the training loop sees it. Evaluation
 * reports {@code test_loss}, {@code test_accuracy}, {@code train_loss} and {@code train_accuracy}
 * (fractions) by the split of each batch, plus whatever {@code extraMetrics} adds (DLRT: the rank of
 * every layer). Parameters listed as resizable (low-rank factors) take the saved shape when a
 * checkpoint is loaded; every other one must match.
 */
public final class ImageClassification implements ModelWithLoss<SplitBatch> {
    public static final String TEST_ACCURACY = "test_accuracy", TRAIN_ACCURACY = "train_accuracy";
    public static final String TEST_LOSS = "test_loss", TRAIN_LOSS = "train_loss";

    private final ImageClassifier model;
    private final Set<Parameter> resizable = Collections.newSetFromMap(new IdentityHashMap<>());
    private Supplier<Map<String, Double>> extraMetrics = Map::of;
    private Consumer<Path> config = dir -> {};

    public ImageClassification(ImageClassifier model) {
        this.model = model;
    }

    public ImageClassifier model() {
        return model;
    }

    public ImageClassification resizable(List<Parameter> ps) {
        resizable.addAll(ps);
        return this;
    }

    public ImageClassification extraMetrics(Supplier<Map<String, Double>> s) {
        this.extraMetrics = s;
        return this;
    }

    /** What checkpoints write beside their weights (the model description that makes them loadable). */
    public ImageClassification config(Consumer<Path> writer) {
        this.config = writer;
        return this;
    }

    @Override
    public List<Parameter> parameters() {
        return model.parameters();
    }

    @Override
    public Map<String, ? extends Accounted> buffers() {
        return model.buffers();
    }

    @Override
    public double lossAndBackward(SplitBatch b) {
        return model.lossAndBackward(b.batch().images(), b.batch().labels(), b.batch().size());
    }

    @Override
    public Metrics evaluate(Iterable<SplitBatch> batches) {
        Map<String, double[]> bySplit = new LinkedHashMap<>(); // split → {loss sum, correct, count}
        for (SplitBatch b : batches) {
            int n = b.batch().size();
            Tensor logits = model.forward(b.batch().images(), n);
            double[] acc = bySplit.computeIfAbsent(b.split(), k -> new double[3]);
            acc[0] += crossEntropySum(logits, b.batch().labels());
            acc[1] += Accuracy.correct(logits, b.batch().labels());
            acc[2] += n;
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (String split : List.of(SplitBatch.TEST, SplitBatch.TRAIN)) {
            double[] a = bySplit.get(split);
            if (a == null) continue;
            values.put(split + "_loss", a[0] / a[2]);
            values.put(split + "_accuracy", a[1] / a[2]);
        }
        values.putAll(extraMetrics.get());
        return new Metrics(values, values.containsKey(TEST_ACCURACY) ? TEST_ACCURACY : values.keySet().iterator().next());
    }

    /** Σ over rows of −log softmax(logits)[label], in double. */
    static double crossEntropySum(Tensor logits, int[] labels) {
        int classes = logits.dim(1);
        float[] z = logits.data;
        double sum = 0;
        for (int r = 0; r < labels.length; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) max = Math.max(max, z[r * classes + c]);
            double e = 0;
            for (int c = 0; c < classes; c++) e += Math.exp(z[r * classes + c] - max);
            sum += max + Math.log(e) - z[r * classes + labels[r]];
        }
        return sum;
    }

    @Override
    public long activationBytes() {
        return model.activationBytes();
    }

    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) out.put(p.name(), p.value());
        return out;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> weights) {
        List<String> problems = new ArrayList<>();
        Set<String> expected = new TreeSet<>();
        for (Parameter p : model.parameters()) {
            expected.add(p.name());
            Tensor t = weights.get(p.name());
            if (t == null) {
                problems.add("missing " + p.name());
            } else if (t.sameShape(p.shape())) {
                p.set(t);
            } else if (resizable.contains(p)) {
                p.replace(t.copy());
            } else {
                problems.add(p.name() + " is " + java.util.Arrays.toString(t.shape()) + ", expected " + java.util.Arrays.toString(p.shape()));
            }
        }
        for (String k : weights.keySet()) if (!expected.contains(k)) problems.add("unexpected " + k);
        if (!problems.isEmpty()) throw new Lowrank4jException("cannot load the weights: " + String.join("; ", problems));
    }

    @Override
    public void writeConfig(Path dir) {
        config.accept(dir);
    }
}
