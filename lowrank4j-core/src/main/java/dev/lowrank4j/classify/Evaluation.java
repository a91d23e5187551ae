package dev.lowrank4j.classify;

import dev.lowrank4j.models.bert.TokenBatch;
import dev.lowrank4j.tensor.Tensor;

import java.util.List;

/**
 * Test-set loss and metrics of a classifier: forward passes only, examples batched by length.
 *
 * @param loss        mean cross-entropy over all examples
 * @param metrics     confusion counts with label 1 as the positive class
 * @param predictions argmax class per example, in the input order
 */
record Evaluation(double loss, BinaryMetrics metrics, int[] predictions) {
    static final int POSITIVE = 1;

    static Evaluation run(SequenceClassifier model, List<EncodedText> examples, int batchSize) {
        int n = examples.size();
        int[] lengths = examples.stream().mapToInt(EncodedText::length).toArray();
        int[] predicted = new int[n], actual = new int[n];
        double lossSum = 0;
        for (int[] idx : BatchPlan.byLength(lengths, batchSize)) {
            TokenBatch tb = TextEncoding.collate(examples, idx);
            int[] y = TextEncoding.labels(examples, idx);
            Tensor logits = model.logits(tb);
            int classes = logits.dim(1);
            for (int b = 0; b < idx.length; b++) {
                predicted[idx[b]] = argmax(logits.data, b * classes, classes);
                actual[idx[b]] = y[b];
                lossSum += crossEntropy(logits.data, b * classes, classes, y[b]);
            }
        }
        return new Evaluation(n == 0 ? Double.NaN : lossSum / n, BinaryMetrics.of(predicted, actual, POSITIVE), predicted);
    }

    /** First maximum wins, so a tie is decided the same way on every run. */
    private static int argmax(float[] z, int off, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) if (z[off + j] > z[off + best]) best = j;
        return best;
    }

    /** −log softmax(z)[target] in double (the per-example sum must not depend on batch composition). */
    private static double crossEntropy(float[] z, int off, int n, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) max = Math.max(max, z[off + j]);
        double sum = 0;
        for (int j = 0; j < n; j++) sum += Math.exp(z[off + j] - max);
        return max + Math.log(sum) - z[off + target];
    }
}
