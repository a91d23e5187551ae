package dev.lowrank4j.tasks.classify;

import dev.lowrank4j.models.bert.TokenBatch;
import dev.lowrank4j.models.bert.WordPieceTokenizer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import dev.lowrank4j.data.spam.LabeledText;

class TextEncodingTest {
    static final int MAX_TOKENS = 16;

    @Test
    void cuttingLongTextsBeforeTokenisingChangesNoToken() {
        WordPieceTokenizer tok = ClassifyFixtures.tokenizer(MAX_TOKENS);
        String longProse = "word ".repeat(5000) + "tail";
        // a long text whose first few hundred characters hold few tokens: the cut must fall back to the full text
        String sparse = " ".repeat(MAX_TOKENS * TextEncoding.CHARS_PER_TOKEN_BUDGET + 50) + "late words arrive here";
        String unbroken = "x".repeat(MAX_TOKENS * TextEncoding.CHARS_PER_TOKEN_BUDGET * 2);
        List<LabeledText> texts = List.of(new LabeledText("a", "g", 0, longProse), new LabeledText("b", "g", 1, sparse),
                new LabeledText("c", "g", 0, unbroken), new LabeledText("d", "g", 1, "short text"));
        List<EncodedText> encoded = TextEncoding.encode(tok, texts);
        for (int i = 0; i < texts.size(); i++) {
            TokenBatch full = tok.encode(List.of(texts.get(i).text()));
            assertArrayEquals(full.ids(), encoded.get(i).ids(), texts.get(i).key());
            assertEquals(texts.get(i).label(), encoded.get(i).label());
        }
        assertEquals(MAX_TOKENS, encoded.get(0).length());
    }

    @Test
    void collatingCachedIdsEqualsTokenisingTheBatch() {
        WordPieceTokenizer tok = ClassifyFixtures.tokenizer(MAX_TOKENS);
        List<String> texts = List.of("a fairly long sentence that will be truncated at sixteen word pieces for sure",
                "short", "medium length text here");
        List<EncodedText> encoded = TextEncoding.encode(tok,
                texts.stream().map(t -> new LabeledText(t, "g", 0, t)).toList());
        TokenBatch expected = tok.encode(texts);
        TokenBatch got = TextEncoding.collate(encoded, new int[]{0, 1, 2});
        assertEquals(expected.seq(), got.seq());
        assertArrayEquals(expected.ids(), got.ids(), "padding id must be the tokenizer's [PAD]");
        assertArrayEquals(expected.attentionMask(), got.attentionMask());
        assertArrayEquals(expected.tokenTypes(), got.tokenTypes());
        TokenBatch reordered = TextEncoding.collate(encoded, new int[]{2, 1});
        assertEquals(Arrays.stream(encoded.get(2).ids()).boxed().toList(),
                Arrays.stream(reordered.ids(), 0, encoded.get(2).length()).boxed().toList());
    }

    @Test
    void cutFallsOnWhitespace() {
        assertEquals("ab cd", TextEncoding.cutAtWhitespace("ab cd efgh", 6));
        assertEquals("ab", TextEncoding.cutAtWhitespace("ab cdefgh", 4));
        assertEquals("abcdefgh", TextEncoding.cutAtWhitespace("abcdefgh", 4));
        assertEquals("short", TextEncoding.cutAtWhitespace("short", 40));
    }
}
