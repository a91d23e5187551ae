package dev.lowrank4j.models.bert;

import dev.lowrank4j.Lowrank4jException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.lowrank4j.io.onnx.MiniLm;

class WordPieceTokenizerTest {
    private static WordPieceTokenizer tokenizer;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        tokenizer = WordPieceTokenizer.fromResource(MiniLm.TOKENIZER_RESOURCE, WordPieceTokenizer.DEFAULT_MAX_LENGTH);
    }

    @Test
    void uncasedWordPieceWithSpecialTokens() {
        // bert-base-uncased ids: [CLS] hello world ! [SEP]
        TokenBatch t = tokenizer.encode(List.of("Hello WORLD!"));
        assertArrayEquals(new int[]{101, 7592, 2088, 999, 102}, t.ids());
        assertEquals(List.of("[CLS]", "token", "##izer", "##s", "[SEP]"), tokenizer.tokens("Tokenizers"));
    }

    @Test
    void padsToTheLongestTextOfTheBatchNotToTheFilesFixedLength() {
        TokenBatch t = tokenizer.encode(List.of("Hello world!", "a b"));
        assertEquals(2, t.batch());
        assertEquals(5, t.seq()); // the file itself asks for fixed padding to 128
        assertArrayEquals(new int[]{101, 1037, 1038, 102, 0}, Arrays.copyOfRange(t.ids(), 5, 10));
        assertArrayEquals(new int[]{1, 1, 1, 1, 0}, Arrays.copyOfRange(t.attentionMask(), 5, 10));
        assertArrayEquals(new int[10], t.tokenTypes());
        assertEquals(4, t.length(1));
    }

    @Test
    void truncatesToMaxLengthKeepingSep() {
        String longText = "word ".repeat(400);
        assertEquals(256, tokenizer.encode(List.of(longText)).seq());
        WordPieceTokenizer short16 = WordPieceTokenizer.fromResource(MiniLm.TOKENIZER_RESOURCE, 16);
        TokenBatch t = short16.encode(List.of(longText, "hi"));
        assertEquals(16, t.seq());
        assertEquals(101, t.ids()[0]);
        assertEquals(102, t.ids()[15]);
    }

    @Test
    void garbageTokenizerFileIsAOneLineError() throws Exception {
        Path file = Files.write(dir.resolve("tokenizer.json"), "{ not json at all".getBytes(StandardCharsets.UTF_8));
        var e = assertThrows(Lowrank4jException.class, () -> WordPieceTokenizer.fromFile(file, 256));
        System.out.println("garbage tokenizer -> " + e.getMessage());
        assertTrue(e.getMessage().startsWith(file + ": not a valid tokenizer.json ("), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        Path wrongSchema = Files.write(dir.resolve("schema.json"), "{\"model\": 3}".getBytes(StandardCharsets.UTF_8));
        var e2 = assertThrows(Lowrank4jException.class, () -> WordPieceTokenizer.fromFile(wrongSchema, 256));
        assertTrue(e2.getMessage().startsWith(wrongSchema + ": not a valid tokenizer.json ("), e2.getMessage());
    }

    @Test
    void emptyInputAndBadLengthAreUserErrors() {
        assertThrows(Lowrank4jException.class, () -> tokenizer.encode(List.of()));
        assertThrows(Lowrank4jException.class, () -> WordPieceTokenizer.fromResource(MiniLm.TOKENIZER_RESOURCE, 1));
        assertThrows(Lowrank4jException.class, () -> WordPieceTokenizer.fromFile(dir.resolve("absent.json"), 256));
    }
}
