package dev.lowrank4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.io.bnb.Bnb4bitWeights;
import dev.lowrank4j.io.bnb.BnbQuantState;

/**
 * bitsandbytes 4-bit layout: a safetensors file whose weights carry a quant_state JSON tensor,
 * absmax / quant_map and (double quantization) nested tensors; every NF4 weight in it is read back,
 * which checks all of them against the quant state.
 */
class BnbQuantStateFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void bnbLayout(byte[] bytes) {
        FuzzInputs.expectOnlyProjectErrors(() -> {
            try (SafeTensorsFile f = SafeTensors.open(FuzzInputs.scratchFile("bnb.safetensors", bytes))) {
                for (String n : f.names()) {
                    if (n.endsWith(Bnb4bitWeights.QUANT_STATE)) {
                        Bnb4bitWeights.read(f, n.substring(0, n.length() - Bnb4bitWeights.QUANT_STATE.length()));
                    }
                }
            }
        });
    }

    /** The quant state JSON on its own (the fuzzer reaches its checks faster without the file around it). */
    @FuzzTest(maxDuration = "10s")
    void quantStateJson(byte[] bytes) {
        FuzzInputs.expectOnlyProjectErrors(() -> BnbQuantState.parse(bytes, "w.quant_state"));
    }
}
