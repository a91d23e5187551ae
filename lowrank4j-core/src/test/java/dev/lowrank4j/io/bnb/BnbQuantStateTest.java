package dev.lowrank4j.io.bnb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowrank4j.Lowrank4jException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BnbQuantStateTest {
    private static final String NESTED = "{\"quant_type\": \"nf4\", \"blocksize\": 64, \"dtype\": \"bfloat16\", "
            + "\"shape\": [12, 64], \"nested_blocksize\": 256, \"nested_dtype\": \"float32\", \"nested_offset\": 0.2666829526424408}";

    private static BnbQuantState parse(String json) {
        return BnbQuantState.parse(json.getBytes(StandardCharsets.UTF_8), "w.quant_state.bitsandbytes__nf4");
    }

    @Test
    void parsesAndWritesBackByteIdentical() {
        BnbQuantState s = parse(NESTED);
        assertEquals("nf4", s.quantType());
        assertEquals(64, s.blocksize());
        assertArrayEquals(new int[] {12, 64}, s.shape());
        assertTrue(s.nested());
        assertEquals(NESTED, new String(s.toJson(), StandardCharsets.UTF_8));
        String plain = "{\"quant_type\": \"nf4\", \"blocksize\": 64, \"dtype\": \"bfloat16\", \"shape\": [6, 40]}";
        assertFalse(parse(plain).nested());
        assertEquals(plain, new String(parse(plain).toJson(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"quant_type\": \"nf4\", |not valid JSON",
            "[1, 2]|must be a JSON object",
            "{\"quant_type\": \"fp4\", \"blocksize\": 64, \"dtype\": \"float32\", \"shape\": [2, 2]}|quant_type \"fp4\" is not supported (only nf4)",
            "{\"quant_type\": \"int4\", \"blocksize\": 64, \"dtype\": \"float32\", \"shape\": [2, 2]}|quant_type \"int4\" is not supported",
            "{\"quant_type\": \"nf4\", \"blocksize\": 48, \"dtype\": \"float32\", \"shape\": [2, 2]}|blocksize 48 is not one of",
            "{\"quant_type\": \"nf4\", \"blocksize\": \"64\", \"dtype\": \"float32\", \"shape\": [2, 2]}|\"blocksize\" must be an integer",
            "{\"quant_type\": \"nf4\", \"blocksize\": 64, \"dtype\": \"int8\", \"shape\": [2, 2]}|dtype \"int8\" is not one of",
            "{\"quant_type\": \"nf4\", \"blocksize\": 64, \"dtype\": \"float32\"}|\"shape\" must be a list of integers",
            "{\"quant_type\": \"nf4\", \"blocksize\": 64, \"dtype\": \"float32\", \"shape\": [2, -2]}|dimensions are non-negative integers",
            "{\"quant_type\": \"nf4\", \"blocksize\": 64, \"dtype\": \"float32\", \"shape\": [2], \"extra\": 1}|unknown quant state keys [extra]",
            "{\"quant_type\": \"nf4\", \"blocksize\": 64, \"dtype\": \"float32\", \"shape\": [2], \"nested_offset\": 0.1}|\"nested_blocksize\" must be an integer",
            "{\"quant_type\": \"nf4\", \"blocksize\": 64, \"dtype\": \"float32\", \"shape\": [2], \"nested_blocksize\": 256, \"nested_dtype\": \"float16\", \"nested_offset\": 0.1}|nested_dtype \"float16\" is not supported",
    })
    void badQuantStatesAreOneLineErrors(String json, String message) {
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> parse(json));
        assertTrue(e.getMessage().startsWith("w.quant_state.bitsandbytes__nf4"), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
