package dev.lowrank4j.tasks.classify;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.data.spam.SpamAssassin;
import dev.lowrank4j.data.spam.TextSplit;
import dev.lowrank4j.io.onnx.MiniLm;
import dev.lowrank4j.models.bert.BertEncoder;
import dev.lowrank4j.models.bert.SequenceClassifier;
import dev.lowrank4j.models.bert.WordPieceTokenizer;
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
        Tensor weight = head.get(SequenceClassifier.HEAD_PATH + ".weight");
        if (weight == null) {
            throw new Lowrank4jException("the model has no classifier head (classifier.weight): --task spam scores a fine-tuned"
                    + " classifier, e.g. the model/ folder of `finetune --model minilm --task spam` or its quantized copy");
        }
        if (maxTokens < 2 || maxTokens > FinetuneOptions.MAX_TOKENS_LIMIT) {
            throw new Lowrank4jException("--max-tokens must be in [2, " + FinetuneOptions.MAX_TOKENS_LIMIT + "], got " + maxTokens);
        }
        Path dir = dataDir != null ? dataDir : SpamAssassin.defaultDir();
        TextSplit split = progress.during("reading SpamAssassin from " + dir,
                () -> SpamAssassin.split(dir, FinetuneOptions.DEFAULT_TEST_FRACTION, seed));
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromResource(MiniLm.TOKENIZER_RESOURCE, maxTokens);
        List<EncodedText> test = progress.during("tokenizing " + split.test().size() + " test e-mails",
                () -> TextEncoding.encode(tokenizer, split.test()));
        SequenceClassifier classifier = new SequenceClassifier(encoder, weight.dim(0), 0);
        classifier.loadHead(head);
        SequenceClassification task = new SequenceClassification(classifier);
        task.setTraining(false);
        List<LabeledBatch> batches = TextBatches.sortedBatches(test, FinetuneOptions.DEFAULT_EVAL_BATCH);
        Metrics m = progress.during("scoring " + test.size() + " test e-mails", () -> task.metrics(batches, SequenceClassification.TEST));
        return new Scored(m, test.size());
    }
}
