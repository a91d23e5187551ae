package dev.lowrank4j.tasks;

import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.train.Checkpoints;
import dev.lowrank4j.train.TrainConfig;
import dev.lowrank4j.train.TrainListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pretrain checkpoint runs as the model it is: LoRA's factors and LoQT's NF4 W, P and B are
 * rebuilt by the run's method, so forward/eval/generate on RUN/checkpoints/step-N compute what the
 * exported RUN/model (adapters merged) computes. Before this, LoRA checkpoints were refused for
 * unexpected keys and LoQT ones for a U8 weight.
 */
class PretrainCheckpointTest {
    private static final ModelShape SHAPE = new ModelShape(256, 16, 1, 2, 2, 24, 16);

    private static TrainConfig train() {
        return TrainConfig.builder().steps(4).batch(2).seq(16).lr(5e-3).warmup(0).betas(0.9, 0.95).evalEvery(4)
                .evalBatches(1).checkpointEvery(4).keepCheckpoints(1).logEvery(1).seed(3).build();
    }

    private static void checkpointComputesTheExportedModel(Path run, PretrainMethod method) {
        PretrainJob.run(new PretrainJob.Options(SHAPE, train(), method, null, run, false), TrainListener.NONE);
        Path checkpoint = Checkpoints.latest(run).orElseThrow();
        assertTrue(Files.isRegularFile(checkpoint.resolve(Checkpoints.STATE_FILE)));
        LlamaModel fromCheckpoint = LlamaFolder.load(checkpoint, 99), exported = LlamaFolder.load(run.resolve(PretrainJob.MODEL_DIR), 99);
        int[] ids = new int[32];
        for (int i = 0; i < ids.length; i++) ids[i] = (i * 37 + 11) % 256;
        Tensor a = fromCheckpoint.forward(ids, 2, 16).copy(), b = exported.forward(ids, 2, 16);
        double worst = 0, scale = 0;
        for (int i = 0; i < a.size(); i++) {
            worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
            scale = Math.max(scale, Math.abs(b.data[i]));
        }
        assertTrue(worst <= 1e-4 * scale, method.id() + ": checkpoint logits differ from the exported model's by " + worst);
    }

    @Test
    void loraCheckpointRunsWithItsAdapters(@TempDir Path tmp) {
        checkpointComputesTheExportedModel(tmp.resolve("lora"), PretrainMethod.defaults(PretrainMethod.Kind.LORA));
    }

    @Test
    void loqtCheckpointRunsWithNf4WeightsAndFactors(@TempDir Path tmp) {
        checkpointComputesTheExportedModel(tmp.resolve("loqt"), new PretrainMethod(PretrainMethod.Kind.LOQT, 4, 3, 0.25, 0.5,
                "std", "exact", 1.2, 2, true, false));
    }
}
