package dev.lowrank4j.tasks.classify;

import dev.lowrank4j.bounds.DataStats;
import dev.lowrank4j.bounds.SequenceMarginStats;
import dev.lowrank4j.models.bert.SequenceClassifier;
import dev.lowrank4j.util.PhaseListener;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bound --data spam}: a BERT classifier's margins and input norms on SpamAssassin e-mails. */
class SpamMarginsTest {
    private static SequenceClassifier classifier() {
        SequenceClassifier c = new SequenceClassifier(ClassifyFixtures.tinyEncoder(4), 2, 9);
        new SequenceClassification(c).setTraining(false);
        return c;
    }

    /**
     * Batched with padding, the stats must equal those of the e-mails taken one at a time (no
     * padding at all), and the accuracy must equal the classifier's own evaluation of the split.
     */
    @Test
    void paddedBatchesGiveTheMarginsAndNormsOfSingleEmails() {
        SequenceClassifier c = classifier();
        List<EncodedText> emails = SpamClassifierData.emails("test", 3, ClassifyFixtures.TEST_MAX_TOKENS, ClassifyFixtures.fixtureDir(),
                PhaseListener.SILENT);
        List<LabeledBatch> batches = TextBatches.sortedBatches(emails, 4);
        assertTrue(batches.stream().anyMatch(b -> b.realTokens() < (long) b.tokens().batch() * b.tokens().seq()), "some padding");
        DataStats batched = SequenceMarginStats.of(c, batches, "spam test", 0, PhaseListener.SILENT);
        assertEquals(emails.size(), batched.n());

        double minMargin = Double.POSITIVE_INFINITY, maxNorm = 0, sumNorm2 = 0;
        for (EncodedText e : emails) {
            DataStats one = SequenceMarginStats.of(c, TextBatches.sortedBatches(List.of(e), 1), "one", 0, PhaseListener.SILENT);
            minMargin = Math.min(minMargin, one.margin());
            maxNorm = Math.max(maxNorm, one.maxInputNorm());
            sumNorm2 += one.maxInputNorm() * one.maxInputNorm();
        }
        assertEquals(minMargin, batched.margin(), 1e-5);
        assertEquals(maxNorm, batched.maxInputNorm(), 1e-4 * maxNorm);
        assertEquals(Math.sqrt(sumNorm2), batched.inputFrobenius(), 1e-4 * Math.sqrt(sumNorm2));

        SequenceClassification task = new SequenceClassification(c);
        task.setTraining(false);
        assertEquals(task.metrics(batches, SequenceClassification.TEST).get("test_accuracy"), batched.accuracy(), 1e-12);
    }
}
