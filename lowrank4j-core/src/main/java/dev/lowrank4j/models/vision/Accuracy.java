package dev.lowrank4j.models.vision;

import dev.lowrank4j.tensor.Tensor;

/** Classification accuracy from logits: a row counts when its largest logit is at the label. */
public final class Accuracy {
    private Accuracy() {}

    /**
     * How many of the rows of logits [N, classes] predict their label. The prediction is the first
     * largest logit (torch.argmax's rule), so a row of equal logits predicts class 0; a row with a
     * NaN never counts as correct.
     */
    public static int correct(Tensor logits, int[] labels) {
        if (logits.rank() != 2 || logits.dim(0) != labels.length) {
            throw new IllegalArgumentException("accuracy: " + labels.length + " labels for logits "
                    + java.util.Arrays.toString(logits.shape()));
        }
        int n = labels.length, classes = logits.dim(1), hits = 0;
        float[] z = logits.data;
        for (int r = 0; r < n; r++) {
            int best = 0;
            boolean nan = false;
            for (int c = 0; c < classes; c++) {
                float v = z[r * classes + c];
                nan |= Float.isNaN(v);
                if (v > z[r * classes + best]) best = c;
            }
            if (!nan && best == labels[r]) hits++;
        }
        return hits;
    }
}
