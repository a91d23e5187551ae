package dev.lowrank4j.models.llama;

import dev.lowrank4j.nn.CrossEntropyLoss;

/**
 * Targets for next-token prediction in Hugging Face's causal-LM convention: position t of a
 * sequence predicts token t+1 of the same sequence, and the last position of each sequence, whose
 * target would belong to the next sequence, is ignored. The mean over the remaining positions
 * equals transformers' loss on logits[:, :-1] against ids[:, 1:].
 */
public final class CausalLmTargets {
    private CausalLmTargets() {}

    /** ids [batch·seq] row-major → targets of the same length, {@link CrossEntropyLoss#IGNORE_INDEX} at each sequence end. */
    public static int[] shifted(int[] ids, int batch, int seq) {
        if (ids.length != (long) batch * seq) {
            throw new IllegalArgumentException(ids.length + " ids for batch " + batch + " × seq " + seq);
        }
        int[] targets = new int[ids.length];
        for (int b = 0; b < batch; b++) {
            int start = b * seq;
            for (int t = 0; t < seq - 1; t++) targets[start + t] = ids[start + t + 1];
            if (seq > 0) targets[start + seq - 1] = CrossEntropyLoss.IGNORE_INDEX;
        }
        return targets;
    }
}
