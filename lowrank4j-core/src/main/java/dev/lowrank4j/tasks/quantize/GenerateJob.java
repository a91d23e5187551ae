package dev.lowrank4j.tasks.quantize;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.KvCache;
import dev.lowrank4j.tasks.CausalTokenizer;
import dev.lowrank4j.tasks.Sampler;

import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;

/**
 * {@code lowrank4j generate}: continues a prompt with a causal LM (float, run or quantized folder),
 * one token at a time through a KV cache, until {@code maxTokens} or the model's context is full.
 */
public final class GenerateJob {
    public record Result(String text, int promptTokens, int generated, double prefillSeconds, double decodeSeconds, String scheme) {
        public double tokensPerSecond() {
            return generated / Math.max(decodeSeconds, 1e-9);
        }
    }

    private GenerateJob() {}

    public static Result run(String model, String prompt, int maxTokens, Sampler sampler, IntConsumer onToken) {
        if (maxTokens < 1) throw new Lowrank4jException("--max-tokens must be >= 1, got " + maxTokens);
        ModelLoading.Loaded loaded = ModelLoading.load(model);
        if (!(loaded.target() instanceof LlamaTarget target)) {
            throw new Lowrank4jException(model + " is a BERT encoder; generate needs a causal language model");
        }
        LlamaModel m = target.model();
        CausalTokenizer tok = CausalTokenizer.forModel(loaded.dir(), m.config().vocabSize());
        int[] ids = tok.encode(prompt.getBytes(StandardCharsets.UTF_8));
        if (ids.length == 0) throw new Lowrank4jException("--prompt is empty");
        int context = m.config().maxPositionEmbeddings();
        if (ids.length >= context) throw new Lowrank4jException("the prompt has " + ids.length + " tokens; the model's context is " + context);
        KvCache[] caches = m.newKvCaches(context);
        long t0 = System.nanoTime();
        float[] logits = m.decode(ids, caches);
        long t1 = System.nanoTime();
        int budget = Math.min(maxTokens, context - ids.length);
        int[] out = new int[budget];
        for (int i = 0; i < budget; i++) {
            out[i] = sampler.next(logits);
            if (onToken != null) onToken.accept(out[i]);
            if (i + 1 < budget) logits = m.decode(new int[] {out[i]}, caches);
        }
        long t2 = System.nanoTime();
        String scheme = loaded.scheme();
        return new Result(tok.decode(out), ids.length, budget, (t1 - t0) / 1e9, (t2 - t1) / 1e9, scheme);
    }
}
