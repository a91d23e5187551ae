package dev.lowrank4j.tasks.classify;

import dev.lowrank4j.adapters.lora.LoraAdapters;
import dev.lowrank4j.io.BertConfigJson;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.models.bert.SequenceClassifier;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.train.Metrics;
import dev.lowrank4j.train.ModelWithLoss;
import dev.lowrank4j.util.AtomicFiles;

import java.nio.file.Path;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT sequence classifier with softmax cross-entropy, as the training loop sees it. Evaluation
 * reports the mean cross-entropy per example ({@code loss}) and accuracy, precision, recall and F1
 * with label 1 (spam) as the positive class, each named after its split: the trainer's periodic
 * {@link #evaluate} scores the validation split ({@code val_loss}, {@code val_accuracy}, ...), and
 * the test split is scored once at the end with {@link #metrics(Iterable, String)} and
 * {@link #TEST} ({@code test_loss}, {@code test_accuracy}, ...).
 */
public final class SequenceClassification implements ModelWithLoss<LabeledBatch> {
    public static final String VAL = "val_", TEST = "test_";
    public static final String VAL_LOSS = VAL + "loss", VAL_ACCURACY = VAL + "accuracy";
    public static final String TEST_LOSS = TEST + "loss", TEST_ACCURACY = TEST + "accuracy";

    private final SequenceClassifier model;
    private LoraAdapters dropoutOwner;

    public SequenceClassification(SequenceClassifier model) {
        this.model = model;
    }

    public SequenceClassifier model() {
        return model;
    }

    /** LoRA layers whose dropout follows training/evaluation mode (none by default). */
    public SequenceClassification withAdapters(LoraAdapters lora) {
        this.dropoutOwner = lora;
        return this;
    }

    @Override
    public List<Parameter> parameters() {
        return model.parameters();
    }

    @Override
    public Map<String, Accounted> buffers() {
        return model.encoder().buffers();
    }

    @Override
    public double lossAndBackward(LabeledBatch b) {
        return model.lossAndBackward(b.tokens(), b.labels());
    }

    /** Validation metrics (what the trainer logs during training and selects settings on). */
    @Override
    public Metrics evaluate(Iterable<LabeledBatch> batches) {
        return metrics(batches, VAL);
    }

    /** Metrics over the batches named {@code prefix + name}; the per-example losses are summed in double. */
    public Metrics metrics(Iterable<LabeledBatch> batches, String prefix) {
        List<Integer> predicted = new ArrayList<>(), actual = new ArrayList<>();
        double lossSum = 0;
        for (LabeledBatch b : batches) {
            Tensor logits = model.logits(b.tokens());
            int classes = logits.dim(1);
            for (int i = 0; i < b.size(); i++) {
                predicted.add(argmax(logits.data, i * classes, classes));
                actual.add(b.labels()[i]);
                lossSum += crossEntropy(logits.data, i * classes, classes, b.labels()[i]);
            }
        }
        int n = actual.size();
        BinaryMetrics m = BinaryMetrics.of(predicted.stream().mapToInt(Integer::intValue).toArray(),
                actual.stream().mapToInt(Integer::intValue).toArray(), BinaryMetrics.POSITIVE);
        Map<String, Double> values = new LinkedHashMap<>();
        values.put(prefix + "loss", n == 0 ? Double.NaN : lossSum / n);
        values.put(prefix + "accuracy", m.accuracy());
        values.put(prefix + "precision", m.precision());
        values.put(prefix + "recall", m.recall());
        values.put(prefix + "f1", m.f1());
        return new Metrics(values, prefix + "accuracy");
    }

    /** First maximum wins, so a tie is decided the same way on every run. */
    static int argmax(float[] z, int off, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) if (z[off + j] > z[off + best]) best = j;
        return best;
    }

    /** −log softmax(z)[target] in double (the per-example sum must not depend on batch composition). */
    static double crossEntropy(float[] z, int off, int n, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) max = Math.max(max, z[off + j]);
        double sum = 0;
        for (int j = 0; j < n; j++) sum += Math.exp(z[off + j] - max);
        return max + Math.log(sum) - z[off + target];
    }

    @Override
    public long activationBytes() {
        return model.activationBytes();
    }

    @Override
    public void setTraining(boolean training) {
        if (dropoutOwner != null) dropoutOwner.setTraining(training);
    }

    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) out.put(p.name(), p.value());
        return out;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> weights) {
        model.loadWeights(weights);
    }

    /** A BERT config.json with the head's label count, so a checkpoint folder says what it holds. */
    @Override
    public void writeConfig(Path dir) {
        AtomicFiles.writeString(dir.resolve(HfCheckpoint.CONFIG_FILE),
                BertConfigJson.write(model.encoder().config(), model.head().outFeatures()));
    }
}
