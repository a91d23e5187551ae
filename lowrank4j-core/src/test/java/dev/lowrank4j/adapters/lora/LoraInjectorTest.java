package dev.lowrank4j.adapters.lora;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.AdapterTestSupport.FakeHost;
import dev.lowrank4j.adapters.TargetModules;
import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static dev.lowrank4j.adapters.AdapterTestSupport.maxRelativeError;
import static dev.lowrank4j.adapters.AdapterTestSupport.randomInput;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoraInjectorTest {
    private static final double MERGE_TOLERANCE = 1e-5;
    private static final int D = 16, VOCAB = 12, R = 2;

    private static LoraConfig config(String... targets) {
        return new LoraConfig(R, 4, 0.0, false, LoraInit.KAIMING_UNIFORM, TargetModules.names(targets), 3);
    }

    @Test
    void injectsTargetsFreezesEverythingElseAndListsTrainables() {
        FakeHost host = new FakeHost(2, D, VOCAB, new SplittableRandom(1));
        LoraAdapters lora = LoraInjector.inject(host, config("q_proj", "v_proj"));
        assertEquals(List.of("model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj",
                "model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj"), lora.modulePaths());
        for (String p : lora.modulePaths()) assertInstanceOf(LoraLinear.class, host.linears().get(p));
        assertInstanceOf(Linear.class, host.linears().get("lm_head"));
        List<Parameter> trainable = host.parameters().stream().filter(Parameter::trainable).toList();
        assertEquals(lora.trainableParameters(), trainable);
        assertEquals(8, trainable.size());
        assertFalse(host.norm.trainable());
        // r·(in + out) per layer: q is 16→16, v is 16→8
        assertEquals(2L * (R * (D + D) + R * (D + D / 2)), lora.trainableCount());
        assertEquals("model.layers.1.self_attn.v_proj.lora_B.weight", trainable.get(7).name());
    }

    @Test
    void initIsDeterministicPerModulePath() {
        LoraAdapters a = LoraInjector.inject(new FakeHost(2, D, VOCAB, new SplittableRandom(1)), config("q_proj"));
        LoraAdapters b = LoraInjector.inject(new FakeHost(2, D, VOCAB, new SplittableRandom(1)), config("q_proj", "v_proj"));
        String p = "model.layers.1.self_attn.q_proj";
        assertArrayEquals(a.layer(p).loraA().data(), b.layer(p).loraA().data());
        assertFalse(java.util.Arrays.equals(a.layer(p).loraA().data(),
                a.layer("model.layers.0.self_attn.q_proj").loraA().data()));
    }

    @Test
    void adaptingTwiceIsRefused() {
        FakeHost host = new FakeHost(1, D, VOCAB, new SplittableRandom(2));
        LoraInjector.inject(host, config("q_proj"));
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> LoraInjector.inject(host, config("q_proj")));
        assertTrue(e.getMessage().contains("already adapted"), e.getMessage());
    }

    @Test
    void pissaRankCheckHappensBeforeAnyWeightIsTouched() {
        FakeHost host = new FakeHost(1, D, VOCAB, new SplittableRandom(3));
        float[] q = ((Linear) host.linears().get("model.layers.0.self_attn.q_proj")).weight().data().clone();
        LoraConfig cfg = config("q_proj", "v_proj").withRank(D / 2 + 1).withInit(LoraInit.PISSA);
        assertThrows(Lowrank4jException.class, () -> LoraInjector.inject(host, cfg));
        assertArrayEquals(q, ((Linear) host.linears().get("model.layers.0.self_attn.q_proj")).weight().data());
    }

    @Test
    void mergeAllAndUnmergeAllKeepTheFunction() {
        SplittableRandom rng = new SplittableRandom(4);
        FakeHost host = new FakeHost(1, D, VOCAB, rng);
        LoraAdapters lora = LoraInjector.inject(host, config("q_proj", "v_proj"));
        for (LoraLinear l : lora.layers()) GradCheck.fillRandom(l.loraB(), rng, 0, 0.2);
        Tensor x = randomInput(rng, 3, D);
        var q = host.linears().get("model.layers.0.self_attn.q_proj");
        float[] before = q.forward(x).data.clone();
        lora.mergeAll(true);
        assertTrue(lora.layers().stream().allMatch(LoraLinear::merged));
        assertTrue(maxRelativeError(q.forward(x).data, before) < MERGE_TOLERANCE);
        lora.unmergeAll();
        assertTrue(lora.layers().stream().noneMatch(LoraLinear::merged));
    }

    @Test
    void failedSafeMergeLeavesNoLayerMerged() {
        SplittableRandom rng = new SplittableRandom(5);
        FakeHost host = new FakeHost(1, D, VOCAB, rng);
        LoraAdapters lora = LoraInjector.inject(host, config("q_proj", "v_proj"));
        lora.layer("model.layers.0.self_attn.v_proj").loraB().data()[0] = Float.POSITIVE_INFINITY;
        lora.layer("model.layers.0.self_attn.v_proj").loraA().data()[0] = 1f;
        assertThrows(Lowrank4jException.class, () -> lora.mergeAll(true));
        assertTrue(lora.layers().stream().noneMatch(LoraLinear::merged));
    }
}
