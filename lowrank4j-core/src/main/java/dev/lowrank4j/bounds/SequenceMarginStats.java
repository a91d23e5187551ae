package dev.lowrank4j.bounds;

import dev.lowrank4j.models.bert.SequenceClassifier;
import dev.lowrank4j.models.bert.TokenBatch;
import dev.lowrank4j.tasks.classify.LabeledBatch;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.PhaseListener;

import java.util.List;

/**
 * {@link DataStats} of a BERT sequence classifier on labelled texts: one example per text, its
 * margin the logit of the true label minus the largest other, its input the embedded sequence the
 * first encoder layer reads, padding left out (x ∈ R^{tokens·hidden}, so ‖x‖² sums over the
 * text's real tokens). That is the input the encoder's weight product acts on; the norm-based
 * bounds were proved for vector inputs, and reading a sequence as one long vector is our choice.
 */
public final class SequenceMarginStats {
    private SequenceMarginStats() {}

    public static DataStats of(SequenceClassifier classifier, List<LabeledBatch> batches, String splitName, double quantile,
                               PhaseListener progress) {
        DataStats.checkQuantile(quantile);
        int n = 0;
        for (LabeledBatch b : batches) n += b.size();
        double[] margins = new double[n];
        long correct = 0;
        double maxNorm2 = 0, sumNorm2 = 0;
        int k = 0;
        progress.begin("classifier margins on " + splitName, n, "texts");
        for (LabeledBatch lb : batches) {
            TokenBatch b = lb.tokens();
            Tensor embedded = classifier.encoder().embed(b.ids(), b.tokenTypes(), b.batch(), b.seq());
            int hidden = embedded.dim(1);
            double[] norm2 = new double[b.batch()];
            for (int row = 0; row < b.batch() * b.seq(); row++) {
                if (b.attentionMask() != null && b.attentionMask()[row] == 0) continue;
                double s = 0;
                for (int h = 0; h < hidden; h++) s += (double) embedded.data[row * hidden + h] * embedded.data[row * hidden + h];
                norm2[row / b.seq()] += s;
            }
            Tensor logits = classifier.logits(b);
            int labels = logits.dim(1);
            for (int i = 0; i < b.batch(); i++) {
                int y = lb.labels()[i];
                double own = logits.data[i * labels + y], other = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < labels; j++) if (j != y) other = Math.max(other, logits.data[i * labels + j]);
                margins[k++] = own - other;
                if (own > other) correct++;
                maxNorm2 = Math.max(maxNorm2, norm2[i]);
                sumNorm2 += norm2[i];
            }
            progress.advance(k);
        }
        progress.end();
        return DataStats.fromMargins(splitName, margins, correct, maxNorm2, sumNorm2, quantile);
    }
}
