package dev.lowrank4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsEntry;
import dev.lowrank4j.io.SafeTensorsFile;

/**
 * safetensors: the 8-byte length prefix, the JSON header (dtypes, shapes, offsets, tiling,
 * metadata) and the data section (every tensor read back with the reader that fits its dtype).
 */
class SafeTensorsFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void openAndRead(byte[] bytes) {
        FuzzInputs.expectOnlyProjectErrors(() -> {
            try (SafeTensorsFile f = SafeTensors.open(FuzzInputs.scratchFile("fuzz.safetensors", bytes))) {
                f.metadata();
                for (SafeTensorsEntry e : f.entries()) {
                    switch (e.dtype()) {
                        case F32, F16, BF16, F64 -> f.readFloat(e.name());
                        case I64, I32, I16, I8, U8, U16, U32, U64, BOOL -> f.readLong(e.name());
                        default -> f.readBytes(e.name());
                    }
                }
            }
        });
    }
}
