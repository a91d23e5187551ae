package dev.lowrank4j.tasks.quantize;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.data.Corpus;
import dev.lowrank4j.io.onnx.MiniLm;
import dev.lowrank4j.models.bert.SentenceEncoder;
import dev.lowrank4j.models.bert.TokenBatch;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.tasks.ForwardJob;
import dev.lowrank4j.tasks.classify.SpamTestScore;
import dev.lowrank4j.train.Metrics;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.PhaseListener;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code lowrank4j eval}: held-out perplexity of a causal LM (float, or a quantized folder) on a text
 * file, over consecutive non-overlapping windows of {@code seq} tokens; for a BERT encoder, the
 * mean cosine between its sentence embeddings and the float32 MiniLM's on the file's lines.
 */
public final class EvalJob {
    /** Windows evaluated per forward pass. */
    private static final int BATCH = 4;
    /** Lines of a BERT evaluation text embedded at most. */
    public static final int MAX_SENTENCES = 256;

    /** {@code weightBytes}: the loaded weights' bytes in memory ({@link PtqTarget#weightBytes}). */
    public record Result(String model, String scheme, double loss, double perplexity, long tokens, double cosine, int sentences,
                         long weightBytes) {
        public boolean causal() {
            return sentences == 0;
        }
    }

    private EvalJob() {}

    public static Result run(String model, Path text, int seq) {
        return run(model, text, seq, PhaseListener.SILENT);
    }

    public static Result run(String model, Path text, int seq, PhaseListener progress) {
        ModelLoading.Loaded loaded = progress.during("loading " + model, () -> ModelLoading.load(model));
        String scheme = loaded.scheme();
        byte[] raw = Corpus.read(text);
        long weightBytes = loaded.target().weightBytes();
        if (loaded.target() instanceof LlamaTarget l) return perplexity(model, scheme, weightBytes, l, raw, text, seq, progress);
        return cosine(model, scheme, weightBytes, (BertTarget) loaded.target(), raw, text, progress);
    }

    /**
     * A fine-tuned spam classifier's metrics (float or quantized folder) on the SpamAssassin test split
     * that {@code finetune --task spam --seed seed} held out.
     */
    public static SpamResult spam(String model, long seed, int maxTokens, PhaseListener progress) {
        ModelLoading.Loaded loaded = progress.during("loading " + model, () -> ModelLoading.load(model));
        if (!(loaded.target() instanceof BertTarget bert)) {
            throw new Lowrank4jException(model + " is a " + loaded.target().modelType() + " model; --task spam scores a BERT classifier");
        }
        SpamTestScore.Scored s = SpamTestScore.score(bert.encoder(), bert.head(), seed, maxTokens, null, progress);
        return new SpamResult(loaded.scheme(), s.metrics(), s.examples());
    }

    /** {@link #spam}'s answer: the folder's scheme and the test_* metrics over {@code examples} e-mails. */
    public record SpamResult(String scheme, Metrics metrics, int examples) {}

    private static Result perplexity(String name, String scheme, long weightBytes, LlamaTarget target, byte[] raw, Path textFile, int seqGiven,
                                     PhaseListener progress) {
        LlamaModel model = target.model();
        TextWindows text = TextWindows.of(target, raw, textFile, seqGiven, progress);
        int seq = text.seq(), windows = text.windows();
        double sum = 0;
        long counted = 0;
        progress.begin("perplexity over " + textFile, windows, "windows");
        for (int from = 0; from < windows; from += BATCH) {
            int b = Math.min(BATCH, windows - from);
            int[] ids = text.ids(from, b);
            long n = (long) b * (seq - 1);
            sum += (double) model.loss(ids, ForwardJob.causalTargets(ids, b, seq), b, seq) * n;
            counted += n;
            progress.advance(from + b);
        }
        progress.end();
        double loss = sum / counted;
        return new Result(name, scheme, loss, Math.exp(loss), counted, Double.NaN, 0, weightBytes);
    }

    private static Result cosine(String name, String scheme, long weightBytes, BertTarget target, byte[] raw, Path text, PhaseListener progress) {
        List<String> lines = new ArrayList<>();
        for (String line : new String(raw, StandardCharsets.UTF_8).split("\\R")) {
            if (!line.isBlank() && lines.size() < MAX_SENTENCES) lines.add(line.strip());
        }
        if (lines.isEmpty()) throw new Lowrank4jException(text + " has no non-blank line to embed");
        SentenceEncoder model = new SentenceEncoder(target.encoder(), true);
        SentenceEncoder reference = progress.during("loading the float32 MiniLM reference", () -> MiniLm.load().sentenceEncoder());
        double sum = 0;
        progress.begin("embedding " + text, lines.size(), "sentences");
        for (int from = 0; from < lines.size(); from += 16) {
            TokenBatch batch = target.tokenizer().encode(lines.subList(from, Math.min(lines.size(), from + 16)));
            float[] a = model.forward(batch).data.clone();
            Tensor r = reference.forward(batch);
            int dim = r.dim(1);
            for (int s = 0; s < batch.batch(); s++) {
                double dot = 0;
                for (int k = 0; k < dim; k++) dot += (double) a[s * dim + k] * r.data[s * dim + k];
                sum += dot; // both unit length
            }
            progress.advance(from + batch.batch());
        }
        progress.end();
        return new Result(name, scheme, Double.NaN, Double.NaN, 0, sum / lines.size(), lines.size(), weightBytes);
    }
}
