package dev.lowrank4j.io.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BnbQuantizationConfigTest {
    /** A quantization_config as transformers saves it (BitsAndBytesConfig.to_dict, keys sorted). */
    private static final String TRANSFORMERS = "{\"_load_in_4bit\":true,\"_load_in_8bit\":false,"
            + "\"bnb_4bit_compute_dtype\":\"float32\",\"bnb_4bit_quant_storage\":\"uint8\",\"bnb_4bit_quant_type\":\"nf4\","
            + "\"bnb_4bit_use_double_quant\":true,\"llm_int8_enable_fp32_cpu_offload\":false,\"llm_int8_has_fp16_weight\":false,"
            + "\"llm_int8_skip_modules\":null,\"llm_int8_threshold\":6.0,\"load_in_4bit\":true,\"load_in_8bit\":false,"
            + "\"quant_method\":\"bitsandbytes\"}";

    private static ObjectNode config(String quantizationConfig) {
        return Json.parseObject(("{\"model_type\":\"llama\",\"quantization_config\":" + quantizationConfig + "}")
                .getBytes(StandardCharsets.UTF_8), "config.json");
    }

    @Test
    void writesTheKeysTransformersWrites() {
        assertEquals(TRANSFORMERS, Json.compact(BnbQuantizationConfig.nf4(true).toJson()));
    }

    @Test
    void readsTransformersConfigs() {
        BnbQuantizationConfig c = BnbQuantizationConfig.fromConfig(config(TRANSFORMERS), "config.json").orElseThrow();
        assertTrue(c.doubleQuant());
        assertEquals("float32", c.computeDtype());
        assertNull(c.skipModules());
        BnbQuantizationConfig minimal = BnbQuantizationConfig.fromConfig(config("{\"quant_method\":\"bitsandbytes\","
                + "\"load_in_4bit\":true,\"bnb_4bit_quant_type\":\"nf4\",\"bnb_4bit_compute_dtype\":\"bfloat16\","
                + "\"llm_int8_skip_modules\":[\"lm_head\"]}"), "config.json").orElseThrow();
        assertFalse(minimal.doubleQuant());
        assertEquals("uint8", minimal.quantStorage());
        assertEquals(List.of("lm_head"), minimal.skipModules());
        assertTrue(BnbQuantizationConfig.fromConfig(Json.parseObject("{}".getBytes(StandardCharsets.UTF_8), "c"), "c").isEmpty());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"quant_method\":\"gptq\",\"bits\":4}|quantization method \"gptq\" is not supported",
            "{\"quant_method\":\"bitsandbytes\",\"load_in_8bit\":true}|8-bit bitsandbytes models are not supported",
            "{\"quant_method\":\"bitsandbytes\",\"load_in_4bit\":true}|bnb_4bit_quant_type \"fp4\" is not supported",
            "{\"quant_method\":\"bitsandbytes\",\"load_in_4bit\":false,\"bnb_4bit_quant_type\":\"nf4\"}|load_in_4bit is not true",
            "{\"quant_method\":\"bitsandbytes\",\"load_in_4bit\":true,\"bnb_4bit_quant_type\":\"nf4\",\"bnb_4bit_compute_dtype\":\"int4\"}|bnb_4bit_compute_dtype \"int4\" is not one of",
            "{\"quant_method\":\"bitsandbytes\",\"load_in_4bit\":\"yes\",\"bnb_4bit_quant_type\":\"nf4\"}|\"load_in_4bit\" must be true or false",
            "{\"quant_method\":\"bitsandbytes\",\"load_in_4bit\":true,\"bnb_4bit_quant_type\":\"nf4\",\"llm_int8_skip_modules\":\"lm_head\"}|llm_int8_skip_modules must be a list of strings",
            "[1]|quantization_config must be an object",
    })
    void unsupportedConfigsAreOneLineErrors(String block, String message) {
        Lowrank4jException e = assertThrows(Lowrank4jException.class,
                () -> BnbQuantizationConfig.fromConfig(config(block), "config.json"));
        assertTrue(e.getMessage().startsWith("config.json: quantization_config"), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
