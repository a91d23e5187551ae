package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.peft.PeftAdapter;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.train.TrainConfig;
import dev.lowrank4j.train.TrainListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Causal-LM fine-tuning end to end on a model pretrained in the test itself. */
class CausalFinetuneJobTest {
    private static final double MERGE_TOL = 1e-4;
    private static final ModelShape SHAPE = new ModelShape(256, 16, 1, 2, 2, 24, 16);

    private static TrainConfig train(int steps) {
        return new TrainConfig(steps, 2, 16, 1, 3e-3, 0.1, 0, 0, 0.9, 0.95, 1e-8, 1, steps, 1, steps, 1, 1, 3);
    }

    private static Path pretrained(Path tmp) {
        Path run = tmp.resolve("base");
        PretrainJob.run(new PretrainJob.Options(SHAPE, train(2), PretrainMethod.defaults(PretrainMethod.Kind.FULL), null,
                run, false), TrainListener.NONE);
        return run;
    }

    private static Path text(Path tmp) throws Exception {
        byte[] b = new byte[4000];
        for (int i = 0; i < b.length; i++) b[i] = (byte) ("the whale and the sea ".charAt(i % 22));
        return Files.write(tmp.resolve("t.txt"), b);
    }

    @Test
    void loraWritesAPeftAdapterAndAMergedModelThatAgree(@TempDir Path tmp) throws Exception {
        Path base = pretrained(tmp);
        AdapterMethod lora = new AdapterMethod(AdapterMethod.Kind.LORA, 2, 4, 0, 0, PretrainMethod.LLAMA_LINEARS, 5);
        CausalFinetuneJob.Result r = CausalFinetuneJob.run(new CausalFinetuneJob.Options(base, text(tmp), lora, train(3),
                tmp.resolve("ft"), false), TrainListener.NONE);
        assertEquals(7, r.adaptedModules().size());
        assertTrue(Files.exists(r.adapter().resolve(PeftAdapter.CONFIG_FILE)));

        int[] ids = {1, 104, 101, 32, 119, 104, 97, 108, 101, 32, 5, 6, 7, 8, 9, 10};
        HfCheckpoint.Loaded merged = HfCheckpoint.load(r.mergedModel());
        LlamaModel m1 = new LlamaModel(merged.config(), 0);
        m1.loadWeights(merged.weights());
        Tensor viaMerged = m1.forward(ids, 1, 16).copy();

        HfCheckpoint.Loaded b = HfCheckpoint.load(ModelSource.resolve(base));
        LlamaModel m2 = new LlamaModel(b.config(), 0);
        m2.loadWeights(b.weights());
        PeftAdapter.load(r.adapter(), m2);
        Tensor viaAdapter = m2.forward(ids, 1, 16);
        double diff = 0, scale = 0;
        for (int i = 0; i < viaMerged.size(); i++) {
            diff = Math.max(diff, Math.abs(viaMerged.data[i] - viaAdapter.data[i]));
            scale = Math.max(scale, Math.abs(viaAdapter.data[i]));
        }
        assertTrue(diff / scale < MERGE_TOL, "merged model and base+adapter differ by " + diff / scale);
        for (float v : viaMerged.data) assertTrue(Float.isFinite(v));
    }

    @Test
    void everyMethodRunsAndOnlyFullTrainsEverything(@TempDir Path tmp) throws Exception {
        Path base = pretrained(tmp), txt = text(tmp);
        long full = 0;
        for (AdapterMethod.Kind k : AdapterMethod.Kind.values()) {
            AdapterMethod m = new AdapterMethod(k, 2, 2, 2, k == AdapterMethod.Kind.PLORA ? 0.1 : 0,
                    PretrainMethod.LLAMA_LINEARS, 5);
            CausalFinetuneJob.Result r = CausalFinetuneJob.run(new CausalFinetuneJob.Options(base, txt, m, train(4),
                    tmp.resolve(k.name()), false), TrainListener.NONE);
            assertTrue(Double.isFinite(r.summary().valLoss()), k + " val loss");
            if (k == AdapterMethod.Kind.FULL) full = r.summary().trainableParameters();
            else assertTrue(r.summary().trainableParameters() < full, k + " trains fewer parameters than full");
        }
    }

    @Test
    void aTextTooShortForTheSequenceIsAOneLineError(@TempDir Path tmp) throws Exception {
        Path base = pretrained(tmp);
        Path tiny = Files.writeString(tmp.resolve("tiny.txt"), "Ishmael");
        AdapterMethod lora = new AdapterMethod(AdapterMethod.Kind.LORA, 2, 4, 0, 0, PretrainMethod.LLAMA_LINEARS, 5);
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> CausalFinetuneJob.run(
                new CausalFinetuneJob.Options(base, tiny, lora, train(2), tmp.resolve("x"), false), TrainListener.NONE));
        assertTrue(e.getMessage().contains("corpus too small"), e.getMessage());
    }
}
