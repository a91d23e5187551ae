package dev.lowrank4j.tasks.classify;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A two-class confusion matrix with one class called positive (spam, for the spam task). Ratios
 * with an empty denominator are 0, as scikit-learn reports them with {@code zero_division=0}, so a
 * classifier that never predicts the positive class scores F1 = 0 rather than NaN.
 */
public record BinaryMetrics(long truePositives, long falsePositives, long trueNegatives, long falseNegatives) {
    /** The positive class of the spam task (label 1). */
    public static final int POSITIVE = 1;

    public static BinaryMetrics of(int[] predicted, int[] actual, int positive) {
        if (predicted.length != actual.length) throw new IllegalArgumentException("predictions and labels differ in length");
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < actual.length; i++) {
            boolean p = predicted[i] == positive, a = actual[i] == positive;
            if (p && a) tp++;
            else if (p) fp++;
            else if (a) fn++;
            else tn++;
        }
        return new BinaryMetrics(tp, fp, tn, fn);
    }

    public long total() {
        return truePositives + falsePositives + trueNegatives + falseNegatives;
    }

    public double accuracy() {
        return ratio(truePositives + trueNegatives, total());
    }

    public double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    public double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    public double f1() {
        return ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
    }

    private static double ratio(long num, long den) {
        return den == 0 ? 0.0 : (double) num / den;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accuracy", accuracy());
        m.put("precision", precision());
        m.put("recall", recall());
        m.put("f1", f1());
        m.put("true_positives", truePositives);
        m.put("false_positives", falsePositives);
        m.put("true_negatives", trueNegatives);
        m.put("false_negatives", falseNegatives);
        return m;
    }
}
