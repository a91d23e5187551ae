package dev.lowrank4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.tasks.quantize.QuantizationConfig;
import dev.lowrank4j.tasks.quantize.QuantizedFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A quantized-model folder (quant.ptq, written by `quantize`): quantization_config.json and the
 * packed model.safetensors (codes, scales, zero points, static input grids, float leftovers), read
 * against a fixed model of two linears. Input: the JSON, a NUL byte, then the safetensors bytes.
 */
class QuantizedFolderFuzzTest {
    /** [out, in] of the linears the folder must match; small so valid seeds stay small. */
    private static final Map<String, int[]> SHAPES = Map.of("l0", new int[] {2, 3}, "l1", new int[] {3, 2});

    @FuzzTest(maxDuration = "10s")
    void folder(byte[] bytes) throws Exception {
        byte[][] parts = FuzzInputs.splitAtNul(bytes);
        Path dir = FuzzInputs.scratchDir("quantized");
        Files.write(dir.resolve(QuantizationConfig.FILE), parts[0]);
        Files.write(dir.resolve(HfCheckpoint.WEIGHTS_FILE), parts[1]);
        FuzzInputs.expectOnlyProjectErrors(() -> QuantizedFolder.read(dir, SHAPES));
    }
}
