package dev.lowrank4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lowrank4j.adapters.peft.PeftConfigJson;

/** PEFT adapter_config.json as read from a file (LoRA type, task, ranks, alpha, target modules). */
class PeftConfigFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void adapterConfig(byte[] bytes) {
        FuzzInputs.expectOnlyProjectErrors(() -> PeftConfigJson.read(FuzzInputs.scratchFile("adapter_config.json", bytes)));
    }
}
