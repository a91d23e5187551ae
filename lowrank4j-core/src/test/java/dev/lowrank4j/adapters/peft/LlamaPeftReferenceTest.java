package dev.lowrank4j.adapters.peft;

import dev.lowrank4j.adapters.lora.LoraAdapters;
import dev.lowrank4j.adapters.lora.LoraLinear;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.lowrank4j.adapters.AdapterTestSupport.bitwiseEqual;
import static dev.lowrank4j.adapters.AdapterTestSupport.maxRelativeError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tiny LLaMA with PEFT's reference adapter must give PEFT's logits, before and after merging
 * (shared/reference: PyTorch 2.11, transformers 5.17.0, peft 0.21.0).
 */
class LlamaPeftReferenceTest {
    /** Per tensor max|ours − ref| / max|ref| in float32 (the reference README expects ≈1e-5). */
    private static final double LOGITS_TOLERANCE = 1e-4;

    private static Path resource(String dir) {
        return PeftFixtures.referenceAdapter().getParent().resolve(dir);
    }

    private static LlamaModel baseModel() {
        HfCheckpoint.Loaded ckpt = HfCheckpoint.load(resource("tinyllama"));
        LlamaModel model = new LlamaModel(ckpt.config(), 0);
        model.loadWeights(ckpt.weights());
        return model;
    }

    @Test
    void reproducesPeftLogitsUnmergedAndMerged() {
        LlamaModel model = baseModel();
        LoraAdapters lora = PeftAdapter.load(PeftFixtures.referenceAdapter(), model);
        assertEquals(14, lora.modulePaths().size());

        Tensor refLora, refMerged;
        long[] ids;
        int batch, seq;
        try (SafeTensorsFile ref = SafeTensors.open(PeftFixtures.referenceAdapter().resolve("reference.safetensors"))) {
            ids = ref.readLong("input_ids");
            int[] shape = ref.entry("input_ids").shape();
            batch = shape[0];
            seq = shape[1];
            refLora = ref.readFloat("logits_lora");
            refMerged = ref.readFloat("logits_merged");
        }
        int[] tokens = new int[ids.length];
        for (int i = 0; i < ids.length; i++) tokens[i] = Math.toIntExact(ids[i]);

        float[] unmerged = model.forward(tokens, batch, seq).data.clone();
        double errLora = maxRelativeError(unmerged, refLora.data);
        lora.mergeAll(true);
        float[] merged = model.forward(tokens, batch, seq).data.clone();
        double errMerged = maxRelativeError(merged, refMerged.data);
        System.out.printf("tiny LLaMA + PEFT adapter: logits_lora max rel err %.2e, logits_merged %.2e, ours merged vs unmerged %.2e%n",
                errLora, errMerged, maxRelativeError(merged, unmerged));
        assertTrue(errLora <= LOGITS_TOLERANCE, "logits_lora: " + errLora);
        assertTrue(errMerged <= LOGITS_TOLERANCE, "logits_merged: " + errMerged);
    }

    @Test
    void trainingThroughTheModelMovesOnlyAdapterFactors() {
        LlamaModel model = baseModel();
        LoraAdapters lora = PeftAdapter.load(PeftFixtures.referenceAdapter(), model);
        List<Parameter> trainable = model.parameters().stream().filter(Parameter::trainable).toList();
        assertEquals(lora.trainableParameters(), trainable);
        Map<String, float[]> frozenBefore = new java.util.LinkedHashMap<>();
        for (Parameter p : model.parameters()) if (!p.trainable()) frozenBefore.put(p.name(), p.data().clone());

        int batch = 2, seq = 8;
        int[] ids = new int[batch * seq], targets = new int[batch * seq];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (i * 37 + 11) % 256;
            targets[i] = (i * 53 + 7) % 256;
        }
        List<float[]> adapterBefore = new ArrayList<>();
        for (Parameter p : trainable) adapterBefore.add(p.data().clone());
        for (int step = 0; step < 3; step++) {
            model.zeroGrad();
            model.lossAndBackward(ids, targets, batch, seq);
            for (Parameter p : trainable) {
                float[] w = p.data(), g = p.grad().data;
                for (int i = 0; i < w.length; i++) w[i] -= 0.01f * g[i];
            }
        }
        for (Parameter p : model.parameters()) {
            if (!p.trainable()) assertTrue(bitwiseEqual(frozenBefore.get(p.name()), p.data()), p.name() + " changed");
        }
        int moved = 0;
        for (int i = 0; i < trainable.size(); i++) if (!bitwiseEqual(adapterBefore.get(i), trainable.get(i).data())) moved++;
        assertEquals(trainable.size(), moved, "every A and B should receive gradient");
        LoraLinear q = lora.layer("model.layers.0.self_attn.q_proj");
        assertArrayEquals(new int[]{4, 64}, q.loraA().value().shape());
    }
}
