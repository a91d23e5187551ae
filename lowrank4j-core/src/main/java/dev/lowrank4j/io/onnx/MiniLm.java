package dev.lowrank4j.io.onnx;

import dev.lowrank4j.io.onnx.OnnxModelReader;
import dev.lowrank4j.tensor.Tensor;

import java.util.List;
import dev.lowrank4j.models.bert.BertEncoder;
import dev.lowrank4j.models.bert.SentenceEncoder;
import dev.lowrank4j.models.bert.WordPieceTokenizer;

/**
 * The pretrained all-MiniLM-L6-v2 sentence encoder (6 layers, hidden 384, 22.6M parameters), read
 * from the ONNX export and tokenizer.json that langchain4j's Maven artifact carries at its jar root.
 * Nothing is downloaded and nothing is cached on disk, except the native tokenizers library that
 * DJL copies out of its own jar into {@code ~/.djl.ai/tokenizers/} once (JNA also makes
 * {@code ~/.cache/JNA/temp}); DJL's {@code DJL_CACHE_DIR} property or variable moves the former.
 *
 * <p>Parameters are loaded frozen (no gradient memory): adapters bring their own trainable
 * parameters; for full fine-tuning call {@code encoder().setTrainable(true)}.
 *
 * <p>{@link #embed} matches langchain4j's AllMiniLmL6V2EmbeddingModel (mean pooling over all real
 * tokens, then L2 normalisation) for texts up to the tokenizer's max length; langchain4j splits
 * longer texts into 510-token windows and averages them, while this class truncates, as
 * sentence-transformers does.
 */
public final class MiniLm {
    public static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    private final SentenceEncoder sentences;
    private final WordPieceTokenizer tokenizer;

    private MiniLm(BertEncoder encoder, WordPieceTokenizer tokenizer) {
        this.sentences = new SentenceEncoder(encoder, true);
        this.tokenizer = tokenizer;
    }

    /** Loads the encoder and a tokenizer truncating at {@link WordPieceTokenizer#DEFAULT_MAX_LENGTH}. */
    public static MiniLm load() {
        return load(WordPieceTokenizer.DEFAULT_MAX_LENGTH);
    }

    public static MiniLm load(int maxLength) {
        BertEncoder encoder = OnnxBertExport.encoder(OnnxModelReader.readResource(MODEL_RESOURCE));
        encoder.setTrainable(false);
        return new MiniLm(encoder, WordPieceTokenizer.fromResource(TOKENIZER_RESOURCE, maxLength));
    }

    public BertEncoder encoder() {
        return sentences.encoder();
    }

    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    /** Encoder + mean pooling + L2 normalisation, with backward, for fine-tuning on embeddings. */
    public SentenceEncoder sentenceEncoder() {
        return sentences;
    }

    /** Unit-length sentence embeddings, one row of 384 floats per text. */
    public float[][] embed(List<String> texts) {
        Tensor e = sentences.forward(tokenizer.encode(texts));
        int dim = e.dim(1);
        float[][] out = new float[e.dim(0)][];
        for (int b = 0; b < out.length; b++) out[b] = java.util.Arrays.copyOfRange(e.data, b * dim, (b + 1) * dim);
        return out;
    }
}
