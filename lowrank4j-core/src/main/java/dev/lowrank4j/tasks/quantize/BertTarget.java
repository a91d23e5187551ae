package dev.lowrank4j.tasks.quantize;

import dev.lowrank4j.io.BertConfigJson;
import dev.lowrank4j.models.bert.BertEncoder;
import dev.lowrank4j.models.bert.WordPieceTokenizer;
import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.nn.TransformerBlock;
import dev.lowrank4j.quant.ptq.CalibrationSet;
import dev.lowrank4j.tensor.Tensor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A BERT encoder (MiniLM). Calibration samples are word-piece windows wrapped in [CLS] … [SEP];
 * {@code head} holds a fine-tuned classifier's tensors (kept in float), empty for a bare encoder.
 */
public record BertTarget(BertEncoder encoder, WordPieceTokenizer tokenizer, int clsId, int sepId, Map<String, Tensor> head,
                         String base) implements PtqTarget {
    @Override
    public String modelType() {
        return "bert";
    }

    @Override
    public ModuleHost host() {
        return encoder;
    }

    @Override
    public List<TransformerBlock> blocks() {
        return encoder.blocks();
    }

    @Override
    public CalibrationSet embed(List<int[]> samples, int seq) {
        List<float[]> xs = new ArrayList<>();
        for (int[] s : samples) xs.add(encoder.embed(s, null, 1, seq).data.clone());
        return new CalibrationSet(xs, seq, encoder.config().hiddenSize());
    }

    /** Word pieces of the text without [CLS]/[SEP]. */
    @Override
    public int[] tokenize(byte[] text) {
        String s = new String(text, StandardCharsets.UTF_8);
        String[] words = s.trim().split("\\s+");
        List<Integer> ids = new ArrayList<>();
        // encode in chunks of words: the tokenizer truncates a single text at its maximum length
        int chunk = 64;
        for (int from = 0; from < words.length && !s.isBlank(); from += chunk) {
            String piece = String.join(" ", java.util.Arrays.copyOfRange(words, from, Math.min(words.length, from + chunk)));
            var batch = tokenizer.encode(List.of(piece));
            for (int t = 0; t < batch.seq(); t++) {
                int id = batch.ids()[t];
                if (batch.attentionMask()[t] == 1 && id != clsId && id != sepId) ids.add(id);
            }
        }
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.get(i);
        return out;
    }

    @Override
    public int[] wrap(int[] tokens) {
        int[] out = new int[tokens.length + 2];
        out[0] = clsId;
        System.arraycopy(tokens, 0, out, 1, tokens.length);
        out[out.length - 1] = sepId;
        return out;
    }

    @Override
    public int specialTokens() {
        return 2;
    }

    @Override
    public int maxSequence() {
        return encoder.config().maxPositionEmbeddings();
    }

    @Override
    public String configJson() {
        int labels = head.containsKey("classifier.weight") ? head.get("classifier.weight").dim(0) : 0;
        return BertConfigJson.write(encoder.config(), labels);
    }

    @Override
    public Map<String, Tensor> extras() {
        return head;
    }
}
