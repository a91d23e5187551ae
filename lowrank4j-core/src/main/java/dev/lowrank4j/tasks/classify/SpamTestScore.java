package dev.lowrank4j.tasks.classify;

import dev.lowrank4j.models.bert.BertEncoder;
import dev.lowrank4j.models.bert.SequenceClassifier;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.train.Metrics;
import dev.lowrank4j.util.PhaseListener;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Scores a fine-tuned spam classifier (float, or an encoder quantized afterwards) on the test split a
 * {@code finetune --task spam} run with the same seed held out: the split depends only on the seed and
 * the test fraction, so quantizing a run's {@code model/} and scoring it here gives its accuracy
 * before and after quantization on the same e-mails.
 */
public final class SpamTestScore {
    private SpamTestScore() {}

    /** The test metrics ({@code test_loss}, {@code test_accuracy}, {@code test_precision}, {@code test_recall}, {@code test_f1}) over {@code examples} e-mails. */
    public record Scored(Metrics metrics, int examples) {}

    public static Scored score(BertEncoder encoder, Map<String, Tensor> head, long seed, int maxTokens, Path dataDir,
                                PhaseListener progress) {
        SequenceClassifier classifier = SpamClassifierData.classifier(encoder, head);
        List<EncodedText> test = SpamClassifierData.emails("test", seed, maxTokens, dataDir, progress);
        SequenceClassification task = new SequenceClassification(classifier);
        task.setTraining(false);
        List<LabeledBatch> batches = TextBatches.sortedBatches(test, FinetuneOptions.DEFAULT_EVAL_BATCH);
        Metrics m = progress.during("scoring " + test.size() + " test e-mails", () -> task.metrics(batches, SequenceClassification.TEST));
        return new Scored(m, test.size());
    }
}
