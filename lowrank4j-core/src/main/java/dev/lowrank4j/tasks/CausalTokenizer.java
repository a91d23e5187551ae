package dev.lowrank4j.tasks;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.data.ByteTokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tokenizer of a causal LM folder: bytes for the byte-level models trained here (vocabulary of
 * 256 and no tokenizer.json), the folder's {@code tokenizer.json} otherwise. No special tokens are
 * added. Fine-tuning, quantization, evaluation and generation all tokenize through this one class.
 */
public final class CausalTokenizer {
    public static final String TOKENIZER_FILE = "tokenizer.json";

    private final Path tokenizerJson; // null: bytes
    private final int vocab;

    private CausalTokenizer(Path tokenizerJson, int vocab) {
        this.tokenizerJson = tokenizerJson;
        this.vocab = vocab;
    }

    public static CausalTokenizer forModel(Path modelDir, int vocab) {
        Path json = modelDir.resolve(TOKENIZER_FILE);
        if (vocab == ByteTokenizer.VOCAB_SIZE && !Files.isRegularFile(json)) return new CausalTokenizer(null, vocab);
        if (!Files.isRegularFile(json)) {
            throw new Lowrank4jException(modelDir + ": vocabulary of " + vocab
                    + " tokens but no tokenizer.json; lowrank4j needs the model's tokenizer.json (or a byte-level model)");
        }
        return new CausalTokenizer(json, vocab);
    }

    /** The tokenizer.json in use, or null for bytes. */
    public Path file() {
        return tokenizerJson;
    }

    public int[] encode(byte[] raw) {
        if (tokenizerJson == null) return ByteTokenizer.encode(raw);
        try (HuggingFaceTokenizer tok = open()) {
            long[] ids = tok.encode(new String(raw, StandardCharsets.UTF_8)).getIds();
            int[] out = new int[ids.length];
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] < 0 || ids[i] >= vocab) {
                    throw new Lowrank4jException(tokenizerJson + ": produced token id " + ids[i] + " outside the model's vocabulary of " + vocab);
                }
                out[i] = (int) ids[i];
            }
            return out;
        } catch (IOException | RuntimeException e) {
            if (e instanceof Lowrank4jException le) throw le;
            throw new Lowrank4jException(tokenizerJson + ": cannot use tokenizer (" + e.getMessage() + ")");
        }
    }

    public String decode(int[] ids) {
        if (tokenizerJson == null) return ByteTokenizer.decode(ids);
        try (HuggingFaceTokenizer tok = open()) {
            long[] l = new long[ids.length];
            for (int i = 0; i < ids.length; i++) l[i] = ids[i];
            return tok.decode(l);
        } catch (IOException | RuntimeException e) {
            throw new Lowrank4jException(tokenizerJson + ": cannot use tokenizer (" + e.getMessage() + ")");
        }
    }

    private HuggingFaceTokenizer open() throws IOException {
        return HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson).optAddSpecialTokens(false).optTruncation(false).build();
    }
}
