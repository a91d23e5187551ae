package dev.lowrank4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lowrank4j.io.BertConfigJson;
import dev.lowrank4j.io.LlamaConfigJson;
import dev.lowrank4j.io.bnb.BnbQuantizationConfig;
import dev.lowrank4j.util.Json;

/**
 * Hugging Face config.json, read the three ways the project reads it: as a LLaMA config (with its
 * rope_scaling), as a BERT config, and for a bitsandbytes quantization_config block.
 */
class HfConfigFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void configJson(byte[] bytes) {
        FuzzInputs.expectOnlyProjectErrors(() -> LlamaConfigJson.fromJson(Json.parseObject(bytes, "config.json"), "config.json"));
        FuzzInputs.expectOnlyProjectErrors(() -> BertConfigJson.fromJson(Json.parseObject(bytes, "config.json"), "config.json"));
        FuzzInputs.expectOnlyProjectErrors(() -> BnbQuantizationConfig.fromConfig(Json.parseObject(bytes, "config.json"), "config.json"));
    }
}
