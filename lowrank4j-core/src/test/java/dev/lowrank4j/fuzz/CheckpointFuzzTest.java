package dev.lowrank4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.train.Checkpoints;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A training checkpoint as --resume reads it: trainer_state.json (both format versions) and
 * optimizer.safetensors (moments, optimizer_steps metadata); the model weights are a fixed valid
 * file. Input: the trainer state JSON, a NUL byte, then the optimizer file's bytes.
 */
class CheckpointFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void trainerStateAndOptimizer(byte[] bytes) throws Exception {
        byte[][] parts = FuzzInputs.splitAtNul(bytes);
        Path dir = FuzzInputs.scratchDir("checkpoint");
        Path model = dir.resolve(HfCheckpoint.WEIGHTS_FILE);
        if (!Files.exists(model)) new SafeTensorsWriter().putFloat("w", new Tensor(new float[] {1, 2}, 2)).write(model);
        Files.write(dir.resolve(Checkpoints.STATE_FILE), parts[0]);
        Files.write(dir.resolve(Checkpoints.OPTIMIZER_FILE), parts[1]);
        FuzzInputs.expectOnlyProjectErrors(() -> Checkpoints.load(dir));
    }
}
