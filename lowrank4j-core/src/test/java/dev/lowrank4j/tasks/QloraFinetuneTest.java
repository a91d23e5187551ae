package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.tensor.MemoryCategory;
import dev.lowrank4j.train.TrainConfig;
import dev.lowrank4j.train.TrainListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** finetune --quantize nf4 on a LLaMA: LoRA, PeriodicLoRA and LoLDU over an NF4 base (QLoRA). */
class QloraFinetuneTest {
    private static final ModelShape SHAPE = new ModelShape(256, 16, 1, 2, 2, 24, 16);

    private static TrainConfig train(int steps) {
        return TrainConfig.builder().steps(steps).batch(2).seq(16).lr(3e-3).warmup(0).betas(0.9, 0.95).evalEvery(steps)
                .evalBatches(1).checkpointEvery(steps).keepCheckpoints(1).logEvery(1).seed(3).build();
    }

    @Test
    void adaptersTrainOverAnNf4BaseAndLoraSavesAPeftAdapter(@TempDir Path tmp) throws Exception {
        Path base = tmp.resolve("base");
        PretrainJob.run(new PretrainJob.Options(SHAPE, train(2), PretrainMethod.defaults(PretrainMethod.Kind.FULL), null, base, false),
                TrainListener.NONE);
        byte[] b = new byte[4000];
        for (int i = 0; i < b.length; i++) b[i] = (byte) ("the whale and the sea ".charAt(i % 22));
        Path text = Files.write(tmp.resolve("t.txt"), b);
        for (FinetuneMethod.Kind k : new FinetuneMethod.Kind[] {FinetuneMethod.Kind.LORA, FinetuneMethod.Kind.PLORA, FinetuneMethod.Kind.LOLDU}) {
            FinetuneMethod m = new FinetuneMethod(k, 2, 4, 3, 0, PretrainMethod.LLAMA_LINEARS, 5, "nf4");
            Path out = tmp.resolve(k.name());
            CausalFinetuneJob.Result r = CausalFinetuneJob.run(new CausalFinetuneJob.Options(base, text, m, train(6), out, false),
                    TrainListener.NONE);
            assertEquals(7, r.adaptedModules().size());
            assertTrue(r.summary().memory().get(MemoryCategory.QUANTIZED_WEIGHTS) > 0, k + ": the base is booked as NF4");
            assertTrue(Double.isFinite(r.summary().trainLoss()));
            assertTrue(Files.isRegularFile(r.mergedModel().resolve(HfCheckpoint.WEIGHTS_FILE)), k + ": merged float folder");
            if (k == FinetuneMethod.Kind.LORA) {
                String header = new String(Files.readAllBytes(r.adapter().resolve("adapter_model.safetensors")),
                        java.nio.charset.StandardCharsets.ISO_8859_1);
                assertTrue(header.contains("\"base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight\""), "PEFT names");
                assertTrue(Files.readString(r.adapter().resolve("adapter_config.json")).contains("\"peft_type\""));
            }
        }
    }

    @Test
    void unknownQuantTypeAndFullOverNf4AreOneLineErrors() {
        Lowrank4jException e = assertThrows(Lowrank4jException.class,
                () -> new FinetuneMethod(FinetuneMethod.Kind.LORA, 2, 4, 3, 0, PretrainMethod.LLAMA_LINEARS, 5, "fp3"));
        assertEquals("unknown quantization type 'fp3' for --quantize; valid: none, nf4", e.getMessage());
        assertThrows(Lowrank4jException.class,
                () -> new FinetuneMethod(FinetuneMethod.Kind.FULL, 2, 4, 3, 0, PretrainMethod.LLAMA_LINEARS, 5, "nf4"));
    }
}
