package dev.lowrank4j;

import dev.lowrank4j.tasks.quantize.QuantizationConfig;
import dev.lowrank4j.util.Json;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Lowrank4jExceptionTest {
    @Test
    void lineBreaksAndControlCharactersAreEscaped() {
        assertEquals("format is 'lowr\\nk4j\\r\\t\\u001b'", new Lowrank4jException("format is 'lowr\nk4j\r\t\u001b'").getMessage());
        assertEquals("a\\u2028b", new Lowrank4jException("a\u2028b", new RuntimeException()).getMessage());
    }

    @Test
    void plainMessagesAreUnchanged() {
        String m = "f.safetensors: header length 9 is implausible (é, 日本)";
        assertSame(m, Lowrank4jException.oneLine(m));
    }

    /** The fuzzer's finding: a quantization config quoting a "format" value that holds a newline. */
    @Test
    void quotedFileValueWithNewlineGivesOneLine() {
        var j = Json.parseObject("{\"format\":\"lowr\\nk4j-ptq\"}".getBytes(), "q.json");
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> QuantizationConfig.fromJson(j, "q.json"));
        assertEquals("q.json: format is 'lowr\\nk4j-ptq', expected lowrank4j-ptq", e.getMessage());
    }
}
