package dev.lowrank4j.models.llama;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.KvCache;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Decoding through the KV cache gives the logits the full causal forward gives at every position. */
class KvCacheDecodeTest {
    @Test
    void cachedDecodingMatchesTheFullForward() {
        for (boolean tied : new boolean[] {false, true}) {
            LlamaModel model = TinyLlama.withLivelyWeights(tied, 3);
            int[] ids = TinyLlama.randomIds(new SplittableRandom(4), 9);
            int v = TinyLlama.VOCAB;
            float[] full = model.forward(ids, 1, ids.length).data.clone();
            KvCache[] caches = model.newKvCaches(16);
            int prompt = 4;
            float[] logits = model.decode(java.util.Arrays.copyOfRange(ids, 0, prompt), caches);
            for (int t = prompt - 1; t < ids.length; t++) {
                for (int k = 0; k < v; k++) assertEquals(full[t * v + k], logits[k], 2e-5, "position " + t + " logit " + k);
                if (t + 1 < ids.length) logits = model.decode(new int[] {ids[t + 1]}, caches);
            }
            assertEquals(ids.length, caches[0].length());
        }
    }

    @Test
    void aFullContextIsAnError() {
        LlamaModel model = TinyLlama.withLivelyWeights(false, 5);
        KvCache[] caches = model.newKvCaches(3);
        model.decode(new int[] {1, 2, 3}, caches);
        assertThrows(Lowrank4jException.class, () -> model.decode(new int[] {4}, caches));
    }
}
