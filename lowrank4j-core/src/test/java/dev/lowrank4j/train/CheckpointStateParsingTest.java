package dev.lowrank4j.train;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** trainer_state.json with damaged recent_losses: a one-line error, not a NullPointerException. */
class CheckpointStateParsingTest {
    private static final String STATE = "{\"format_version\":2,\"step\":3,\"data_position\":{\"cursor\":5},"
            + "\"units_seen\":96,\"train_seconds\":1.5,\"recent_losses\":%s}";

    private static Path checkpoint(Path dir, String recentLosses) throws Exception {
        new SafeTensorsWriter().putFloat("w", new Tensor(new float[] {1, 2}, 2)).write(dir.resolve(HfCheckpoint.WEIGHTS_FILE));
        new SafeTensorsWriter().putFloat("w.m", new Tensor(new float[] {0, 0}, 2)).metadata("optimizer_steps", "3")
                .write(dir.resolve(Checkpoints.OPTIMIZER_FILE));
        Files.writeString(dir.resolve(Checkpoints.STATE_FILE), STATE.formatted(recentLosses));
        return dir;
    }

    @Test
    void recentLossesAsObjectIsAOneLineError(@TempDir Path tmp) throws Exception {
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> Checkpoints.load(checkpoint(tmp, "{\"a\":1}")));
        assertTrue(e.getMessage().contains("recent_losses must be an array of numbers, found an object"), e.getMessage());
    }

    @Test
    void recentLossesWithAStringIsAOneLineError(@TempDir Path tmp) throws Exception {
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> Checkpoints.load(checkpoint(tmp, "[1.5,\"x\"]")));
        assertTrue(e.getMessage().contains("recent_losses[1] must be a number"), e.getMessage());
    }

    @Test
    void validRecentLossesStillLoad(@TempDir Path tmp) throws Exception {
        assertArrayEquals(new double[] {2.5, 2.25}, Checkpoints.load(checkpoint(tmp, "[2.5,2.25]")).state().recentLosses());
    }
}
