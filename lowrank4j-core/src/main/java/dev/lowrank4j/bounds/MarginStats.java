package dev.lowrank4j.bounds;

import dev.lowrank4j.data.images.ImageBatch;
import dev.lowrank4j.data.images.ImageDataset;
import dev.lowrank4j.models.vision.ImageClassifier;
import dev.lowrank4j.tensor.Tensor;

/** Measures {@link DataStats} of an image classifier on a split: input norms, margins, accuracy. */
public final class MarginStats {
    private static final int BATCH = 256;

    private MarginStats() {}

    /** @param quantile which quantile of the margins is γ (0.1: 90% of the examples have margin ≥ γ) */
    public static DataStats of(ImageClassifier model, ImageDataset split, String splitName, double quantile) {
        DataStats.checkQuantile(quantile);
        int n = split.size(), pixels = split.pixelsPerImage(), classes = model.numClasses();
        float[] images = split.images();
        double maxNorm2 = 0, sumNorm2 = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int p = 0; p < pixels; p++) {
                double v = images[i * pixels + p];
                s += v * v;
            }
            maxNorm2 = Math.max(maxNorm2, s);
            sumNorm2 += s;
        }
        double[] margins = new double[n];
        int correct = 0;
        ImageBatch batch = null;
        for (int start = 0; start < n; start += BATCH) {
            int[] idx = new int[Math.min(BATCH, n - start)];
            for (int i = 0; i < idx.length; i++) idx[i] = start + i;
            batch = split.batch(idx, batch);
            Tensor logits = model.forward(batch.images(), batch.size());
            for (int i = 0; i < idx.length; i++) {
                int y = batch.labels()[i];
                double own = logits.data[i * classes + y], other = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) if (c != y) other = Math.max(other, logits.data[i * classes + c]);
                margins[start + i] = own - other;
                if (own > other) correct++;
            }
        }
        return DataStats.fromMargins(splitName, margins, correct, maxNorm2, sumNorm2, quantile);
    }
}
