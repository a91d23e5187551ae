package dev.lowrank4j.tasks;

import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.KvCache;

import java.util.function.IntConsumer;

/**
 * The decode loop of {@code generate}, shared with {@code bench decode} so the benchmark times
 * exactly what generation runs: the prompt in one pass through fresh KV caches (prefill), then
 * per new token a sample from the last logits and, unless it is the last, one single-token pass.
 */
public final class KvDecoding {
    /**
     * @param tokens        the sampled tokens, in order
     * @param prefillNanos  the prompt's pass
     * @param stepNanos     each single-token pass (tokens.length − 1 of them), sampling excluded
     * @param samplingNanos all the sampling together
     */
    public record Decoded(int[] tokens, long prefillNanos, long[] stepNanos, long samplingNanos) {
        /** Wall time after the prefill: every step and every sample. */
        public long decodeNanos() {
            long sum = samplingNanos;
            for (long s : stepNanos) sum += s;
            return sum;
        }
    }

    private KvDecoding() {}

    /** {@code budget} ≥ 1 tokens after {@code prompt}; the caller checks that prompt + budget fit the context. */
    public static Decoded run(LlamaModel model, int[] prompt, int budget, Sampler sampler, IntConsumer onToken) {
        KvCache[] caches = model.newKvCaches(prompt.length + budget);
        long t0 = System.nanoTime();
        float[] logits = model.decode(prompt, caches);
        long prefill = System.nanoTime() - t0, sampling = 0;
        int[] out = new int[budget];
        long[] steps = new long[budget - 1];
        int[] next = new int[1];
        for (int i = 0; i < budget; i++) {
            long s0 = System.nanoTime();
            out[i] = sampler.next(logits);
            sampling += System.nanoTime() - s0;
            if (onToken != null) onToken.accept(out[i]);
            if (i + 1 < budget) {
                next[0] = out[i];
                long d0 = System.nanoTime();
                logits = model.decode(next, caches);
                steps[i] = System.nanoTime() - d0;
            }
        }
        return new Decoded(out, prefill, steps, sampling);
    }
}
