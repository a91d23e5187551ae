package dev.lowrank4j.tasks.classify;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.data.spam.SpamAssassin;
import dev.lowrank4j.data.spam.TextSplit;
import dev.lowrank4j.io.onnx.MiniLm;
import dev.lowrank4j.models.bert.BertEncoder;
import dev.lowrank4j.models.bert.SequenceClassifier;
import dev.lowrank4j.models.bert.WordPieceTokenizer;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.PhaseListener;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A fine-tuned spam classifier rebuilt from an encoder and its saved head, and the SpamAssassin
 * e-mails of the split a {@code finetune --task spam} run with the same seed made: what
 * {@code eval --task spam} scores and what {@code bound --data spam} takes margins on.
 */
public final class SpamClassifierData {
    private SpamClassifierData() {}

    /** The classifier over {@code encoder} with the head {@code head} holds (a one-line error when there is none). */
    public static SequenceClassifier classifier(BertEncoder encoder, Map<String, Tensor> head) {
        Tensor weight = head.get(SequenceClassifier.HEAD_PATH + ".weight");
        if (weight == null) {
            throw new Lowrank4jException("the model has no classifier head (classifier.weight): a fine-tuned"
                    + " classifier is needed, e.g. the model/ folder of `finetune --model minilm --task spam` or its quantized copy");
        }
        SequenceClassifier classifier = new SequenceClassifier(encoder, weight.dim(0), 0);
        classifier.loadHead(head);
        return classifier;
    }

    /**
     * The e-mails of {@code part} ("train", which still holds the validation share finetune carved
     * from it, or "test"), tokenized to at most {@code maxTokens} word pieces.
     */
    static List<EncodedText> emails(String part, long seed, int maxTokens, Path dataDir, PhaseListener progress) {
        if (maxTokens < 2 || maxTokens > FinetuneOptions.MAX_TOKENS_LIMIT) {
            throw new Lowrank4jException("--max-tokens must be in [2, " + FinetuneOptions.MAX_TOKENS_LIMIT + "], got " + maxTokens);
        }
        Path dir = dataDir != null ? dataDir : SpamAssassin.defaultDir();
        TextSplit split = progress.during("reading SpamAssassin from " + dir,
                () -> SpamAssassin.split(dir, FinetuneOptions.DEFAULT_TEST_FRACTION, seed));
        var examples = switch (part) {
            case "train" -> split.train();
            case "test" -> split.test();
            default -> throw new Lowrank4jException("--split must be train or test, got '" + part + "'");
        };
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromResource(MiniLm.TOKENIZER_RESOURCE, maxTokens);
        return progress.during("tokenizing " + examples.size() + " " + part + " e-mails", () -> TextEncoding.encode(tokenizer, examples));
    }

    /** {@link #emails} in the held-out batches {@code eval} scores (similar lengths together, no seed in the order). */
    public static List<LabeledBatch> evalBatches(String part, long seed, int maxTokens, Path dataDir, PhaseListener progress) {
        return TextBatches.sortedBatches(emails(part, seed, maxTokens, dataDir, progress), FinetuneOptions.DEFAULT_EVAL_BATCH);
    }
}
