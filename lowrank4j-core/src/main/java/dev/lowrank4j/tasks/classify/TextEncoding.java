package dev.lowrank4j.tasks.classify;

import dev.lowrank4j.models.bert.TokenBatch;
import dev.lowrank4j.models.bert.WordPieceTokenizer;

import java.util.ArrayList;
import java.util.List;
import dev.lowrank4j.data.spam.LabeledText;

/**
 * Tokenises labelled texts once, up front, and pads chosen examples into batches.
 *
 * <p>Mail bodies run to tens of kilobytes while the model reads at most a few hundred word pieces,
 * and the tokenizer splits the whole text before truncating. So each text is first cut at a
 * whitespace boundary after {@value #CHARS_PER_TOKEN_BUDGET} characters per allowed token; this is
 * exact, not an approximation: word pieces never cross whitespace, so when the cut text still fills
 * the token budget its pieces are those of the full text, and when it does not, the full text is
 * tokenised instead.
 */
final class TextEncoding {
    /** Generous: English mail averages about 4–5 characters per word piece. */
    static final int CHARS_PER_TOKEN_BUDGET = 12;
    /** Texts per native tokenizer call (amortises the JNI crossing without large padded arrays). */
    private static final int CHUNK = 64;
    /** BERT vocabularies put [PAD] at id 0; padded positions are masked, so the id never matters. */
    static final int PAD_ID = 0;

    private TextEncoding() {}

    static List<EncodedText> encode(WordPieceTokenizer tokenizer, List<LabeledText> texts) {
        int maxLength = tokenizer.maxLength();
        int charCap = maxLength * CHARS_PER_TOKEN_BUDGET;
        List<EncodedText> out = new ArrayList<>(texts.size());
        for (int start = 0; start < texts.size(); start += CHUNK) {
            List<LabeledText> chunk = texts.subList(start, Math.min(texts.size(), start + CHUNK));
            List<String> cut = chunk.stream().map(t -> cutAtWhitespace(t.text(), charCap)).toList();
            TokenBatch b = tokenizer.encode(cut);
            for (int i = 0; i < chunk.size(); i++) {
                int[] ids = row(b, i);
                LabeledText t = chunk.get(i);
                if (ids.length < maxLength && cut.get(i).length() < t.text().length()) {
                    ids = row(tokenizer.encode(List.of(t.text())), 0); // the cut lost tokens after all
                }
                out.add(new EncodedText(ids, t.label()));
            }
        }
        return out;
    }

    /** The prefix up to the last whitespace before {@code cap} characters; the whole text when there is none. */
    static String cutAtWhitespace(String text, int cap) {
        if (text.length() <= cap) return text;
        for (int i = cap; i > 0; i--) if (Character.isWhitespace(text.charAt(i))) return text.substring(0, i);
        return text;
    }

    private static int[] row(TokenBatch b, int i) {
        int n = b.length(i);
        int[] ids = new int[n];
        System.arraycopy(b.ids(), i * b.seq(), ids, 0, n);
        return ids;
    }

    /** Examples {@code indices} padded on the right to the longest one; token types all 0 (one segment). */
    static TokenBatch collate(List<EncodedText> examples, int[] indices) {
        int seq = 0;
        for (int i : indices) seq = Math.max(seq, examples.get(i).length());
        int batch = indices.length;
        int[] ids = new int[batch * seq], mask = new int[batch * seq], types = new int[batch * seq];
        java.util.Arrays.fill(ids, PAD_ID);
        for (int b = 0; b < batch; b++) {
            int[] src = examples.get(indices[b]).ids();
            System.arraycopy(src, 0, ids, b * seq, src.length);
            java.util.Arrays.fill(mask, b * seq, b * seq + src.length, 1);
        }
        return new TokenBatch(batch, seq, ids, mask, types);
    }

    static int[] labels(List<EncodedText> examples, int[] indices) {
        int[] y = new int[indices.length];
        for (int b = 0; b < indices.length; b++) y[b] = examples.get(indices[b]).label();
        return y;
    }
}
