package dev.lowrank4j.tasks.quantize;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.tasks.CausalTokenizer;
import dev.lowrank4j.tasks.KvDecoding;
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
        int budget = Math.min(maxTokens, context - ids.length);
        KvDecoding.Decoded d = KvDecoding.run(m, ids, budget, sampler, onToken);
        String scheme = loaded.scheme();
        return new Result(tok.decode(d.tokens()), ids.length, budget, d.prefillNanos() / 1e9, d.decodeNanos() / 1e9, scheme);
    }
}
