package dev.lowrank4j.models.bert;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.lowrank4j.Lowrank4jException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A BERT WordPiece tokenizer loaded from a Hugging Face {@code tokenizer.json}, run by DJL's bundled
 * native build of the Hugging Face tokenizers library, so normalisation, pre-tokenisation and
 * special tokens behave exactly as in Python. Works offline: DJL copies the library out of its jar
 * into {@code ~/.djl.ai/tokenizers/} on first use.
 *
 * <p>Texts get [CLS] … [SEP], are truncated to {@link #maxLength()} tokens (longest-first, [SEP]
 * kept) and padded on the right to the longest text of the batch. The truncation and padding
 * settings stored in the JSON file are overridden by these.
 */
public final class WordPieceTokenizer {
    /** sentence-transformers' max_seq_length for all-MiniLM-L6-v2. */
    public static final int DEFAULT_MAX_LENGTH = 256;
    /** Longest native error text kept, so the message stays one readable line. */
    private static final int MAX_REASON_CHARS = 160;

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;

    private WordPieceTokenizer(HuggingFaceTokenizer tokenizer, int maxLength) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    /** Loads a tokenizer.json from the class path. */
    public static WordPieceTokenizer fromResource(String resource, int maxLength) {
        try (InputStream in = WordPieceTokenizer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new Lowrank4jException("class-path resource " + resource + " not found");
            return fromStream(in, "classpath:" + resource, maxLength);
        } catch (IOException e) {
            throw new Lowrank4jException("classpath:" + resource + ": cannot read (" + e.getMessage() + ")");
        }
    }

    public static WordPieceTokenizer fromFile(Path file, int maxLength) {
        try (InputStream in = Files.newInputStream(file)) {
            return fromStream(in, file.toString(), maxLength);
        } catch (IOException e) {
            throw new Lowrank4jException(file + ": cannot read the tokenizer (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Loads from a stream; {@code source} names it in error messages. */
    public static WordPieceTokenizer fromStream(InputStream in, String source, int maxLength) {
        if (maxLength < 2) throw new Lowrank4jException("max length must leave room for [CLS] and [SEP], got " + maxLength);
        Map<String, String> options = Map.of(
                "addSpecialTokens", "true",
                "truncation", "true",        // longest-first, as transformers' truncation=True
                "padding", "true",           // to the longest sequence of each batch
                "maxLength", Integer.toString(maxLength),
                "modelMaxLength", Integer.toString(maxLength));
        try {
            return new WordPieceTokenizer(HuggingFaceTokenizer.newInstance(in, options), maxLength);
        } catch (IOException | RuntimeException e) {
            // The native library reports JSON and schema errors as RuntimeException("expected value at line 1 …").
            throw new Lowrank4jException(source + ": not a valid tokenizer.json (" + reason(e) + ")");
        } catch (UnsatisfiedLinkError e) {
            throw new Lowrank4jException("cannot load the native Hugging Face tokenizers library (" + reason(e) + ")");
        }
    }

    private static String reason(Throwable e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\s+", " ").trim();
        return msg.length() > MAX_REASON_CHARS ? msg.substring(0, MAX_REASON_CHARS) + "…" : msg;
    }

    public int maxLength() {
        return maxLength;
    }

    /** Ids, mask and token types for the texts, padded to the longest. */
    public TokenBatch encode(List<String> texts) {
        if (texts.isEmpty()) throw new Lowrank4jException("nothing to tokenize: the list of texts is empty");
        Encoding[] encodings = tokenizer.batchEncode(texts);
        int batch = encodings.length, seq = 0;
        for (Encoding e : encodings) seq = Math.max(seq, e.getIds().length);
        int[] ids = new int[batch * seq], mask = new int[batch * seq], types = new int[batch * seq];
        for (int b = 0; b < batch; b++) {
            long[] id = encodings[b].getIds(), m = encodings[b].getAttentionMask(), t = encodings[b].getTypeIds();
            // Batch padding makes every row equally long; a shorter row would be a library change we must notice.
            if (id.length != seq) throw new IllegalStateException("tokenizer returned rows of unequal length");
            for (int i = 0; i < seq; i++) {
                ids[b * seq + i] = Math.toIntExact(id[i]);
                mask[b * seq + i] = (int) m[i];
                types[b * seq + i] = (int) t[i];
            }
        }
        return new TokenBatch(batch, seq, ids, mask, types);
    }

    /** The word pieces of one text, special tokens included (for inspection and tests). */
    public List<String> tokens(String text) {
        return List.of(tokenizer.encode(text).getTokens());
    }
}
