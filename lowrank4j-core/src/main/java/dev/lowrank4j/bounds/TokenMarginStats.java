package dev.lowrank4j.bounds;

import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.tasks.ForwardJob;
import dev.lowrank4j.tasks.quantize.TextWindows;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.PhaseListener;

/**
 * {@link DataStats} of a causal LM on a text: every position of a window that has a next token in
 * the window is one example, its margin the logit of the true next token minus the largest other
 * logit, its input the token embedding that the first decoder layer reads (x ∈ R^hidden). So n =
 * windows·(seq − 1), and B, ‖X‖_F are the norms of the embeddings at those positions.
 */
public final class TokenMarginStats {
    /** Windows per forward pass, as {@code eval} batches them. */
    private static final int BATCH = 4;

    private TokenMarginStats() {}

    public static DataStats of(LlamaModel model, TextWindows text, String splitName, double quantile, PhaseListener progress) {
        DataStats.checkQuantile(quantile);
        int seq = text.seq(), windows = text.windows(), vocab = model.config().vocabSize(), hidden = model.config().hiddenSize();
        double[] margins = new double[windows * (seq - 1)];
        long correct = 0;
        int k = 0;
        double maxNorm2 = 0, sumNorm2 = 0;
        progress.begin("next-token margins on " + splitName, windows, "windows");
        for (int from = 0; from < windows; from += BATCH) {
            int b = Math.min(BATCH, windows - from);
            int[] ids = text.ids(from, b);
            int[] targets = ForwardJob.causalTargets(ids, b, seq);
            Tensor embedded = model.embed(ids);
            float[] x = embedded.data.clone(); // forward may reuse the embedding's buffer
            float[] logits = model.forward(ids, b, seq).data;
            for (int row = 0; row < ids.length; row++) {
                int y = targets[row];
                if (y < 0) continue; // a window's last position predicts nothing inside the window
                double own = logits[row * vocab + y], other = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < vocab; v++) if (v != y) other = Math.max(other, logits[row * vocab + v]);
                margins[k++] = own - other;
                if (own > other) correct++;
                double s = 0;
                for (int h = 0; h < hidden; h++) s += (double) x[row * hidden + h] * x[row * hidden + h];
                maxNorm2 = Math.max(maxNorm2, s);
                sumNorm2 += s;
            }
            progress.advance(from + b);
        }
        progress.end();
        return DataStats.fromMargins(splitName, margins, correct, maxNorm2, sumNorm2, quantile);
    }
}
