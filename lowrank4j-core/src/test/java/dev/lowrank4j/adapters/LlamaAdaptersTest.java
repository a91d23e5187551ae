package dev.lowrank4j.adapters;

import dev.lowrank4j.adapters.loldu.LolduAdapters;
import dev.lowrank4j.adapters.loldu.LolduConfig;
import dev.lowrank4j.adapters.loldu.LolduInit;
import dev.lowrank4j.adapters.lora.LoraAdapters;
import dev.lowrank4j.adapters.lora.LoraConfig;
import dev.lowrank4j.adapters.lora.LoraInit;
import dev.lowrank4j.adapters.lora.LoraInjector;
import dev.lowrank4j.adapters.lora.LoraLinear;
import dev.lowrank4j.adapters.plora.PeriodicLora;
import dev.lowrank4j.adapters.plora.PloraConfig;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static dev.lowrank4j.adapters.AdapterTestSupport.bitwiseEqual;
import static dev.lowrank4j.adapters.AdapterTestSupport.maxRelativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each method applied to the real tiny LLaMA through its public entry points. */
class LlamaAdaptersTest {
    /** Function-preserving operations on a whole model: float32 rounding through two decoder layers. */
    private static final double MODEL_TOLERANCE = 1e-5;
    private static final int BATCH = 2, SEQ = 6;
    private static final int[] IDS = {1, 17, 99, 3, 250, 42, 7, 7, 128, 64, 0, 255};

    private static LlamaModel tinyLlama() {
        try {
            Path dir = Path.of(LlamaAdaptersTest.class.getResource("/hf-tiny-llama/tinyllama/config.json").toURI()).getParent();
            HfCheckpoint.Loaded ckpt = HfCheckpoint.load(dir);
            LlamaModel model = new LlamaModel(ckpt.config(), 0);
            model.loadWeights(ckpt.weights());
            return model;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static float[] logits(LlamaModel m) {
        return m.forward(IDS, BATCH, SEQ).data.clone();
    }

    @Test
    void freshLoraLeavesTheLogitsBitIdentical() {
        LlamaModel model = tinyLlama();
        float[] base = logits(model);
        LoraAdapters lora = LoraInjector.inject(model, LoraConfig.defaults(TargetModules.fromString("all-linear")));
        assertEquals(14, lora.modulePaths().size());
        assertInstanceOf(Linear.class, model.linears().get("lm_head"));
        assertTrue(bitwiseEqual(base, logits(model)));
        assertEquals(lora.trainableParameters(), model.parameters().stream().filter(Parameter::trainable).toList());
    }

    @Test
    void pissaKeepsTheFunctionOfTheWholeModel() {
        LlamaModel model = tinyLlama();
        float[] base = logits(model);
        LoraInjector.inject(model, LoraConfig.defaults(TargetModules.names("q_proj", "down_proj")).withInit(LoraInit.PISSA));
        assertTrue(maxRelativeError(logits(model), base) < MODEL_TOLERANCE);
    }

    @Test
    void periodicLoraStageEndKeepsTheLogits() {
        LlamaModel model = tinyLlama();
        LoraAdapters lora = LoraInjector.inject(model, LoraConfig.defaults(TargetModules.names("v_proj", "up_proj")));
        SplittableRandom rng = new SplittableRandom(1);
        for (LoraLinear l : lora.layers()) GradCheck.fillRandom(l.loraB(), rng, 0, 0.05);
        float[] before = logits(model);
        PeriodicLora plora = new PeriodicLora(lora, PloraConfig.everySteps(5, 2));
        var outcome = plora.afterStep(5);
        assertEquals(lora.trainableParameters(), outcome.resetOptimizerState());
        assertTrue(maxRelativeError(logits(model), before) < MODEL_TOLERANCE);
    }

    @Test
    void lolduAtInitAndAfterMergeKeepsTheLogits() {
        LlamaModel model = tinyLlama();
        float[] base = logits(model);
        LolduAdapters loldu = LolduAdapters.inject(model, LolduConfig.paperDefaults(8, TargetModules.names("q_proj", "v_proj")));
        assertEquals(4 * 8, loldu.trainableParameters().stream().mapToInt(Parameter::numel).sum());
        assertEquals(loldu.trainableParameters(), model.parameters().stream().filter(Parameter::trainable).toList());
        assertTrue(maxRelativeError(logits(model), base) < MODEL_TOLERANCE, "W_eff != W at init");
        loldu.mergeAll();
        assertInstanceOf(Linear.class, model.linears().get("model.layers.1.self_attn.v_proj"));
        assertTrue(maxRelativeError(logits(model), base) < MODEL_TOLERANCE, "merge changed the model");
    }

    @Test
    void lolduInitOtherThanLuChangesTheFunctionAsDocumented() {
        LlamaModel model = tinyLlama();
        float[] base = logits(model);
        LolduAdapters.inject(model, new LolduConfig(8, 8, LolduInit.ZEROS, false, TargetModules.names("o_proj"), 0));
        assertTrue(maxRelativeError(logits(model), base) > 100 * MODEL_TOLERANCE);
    }
}
