package dev.lowrank4j.optim;

import dev.lowrank4j.linalg.MatrixChecks;

import java.util.List;

/**
 * Element counts of weights, gradients and optimizer states, following the papers' convention
 * (GaLore §4.2 / Table 1, Fira Table 2): for a targeted a×b matrix with s = min, l = max,
 * GaLore keeps a projector s·r and Adam moments 2·l·r, Fira one more number, LoRA adds
 * r(a+b) weights whose gradients and two moments are all that train; non-targeted weights
 * (embeddings, norms, lm_head) use plain Adam: gradients n, moments 2n.
 */
public final class OptimizerMemory {
    private OptimizerMemory() {}

    public record Counts(long weights, long gradients, long optimizerStates) {
        public long total() {
            return weights + gradients + optimizerStates;
        }

        Counts plus(long w, long g, long o) {
            return new Counts(weights + w, gradients + g, optimizerStates + o);
        }
    }

    public static Counts count(List<WeightShape> shapes, MemoryMethod method, int rank) {
        Counts c = new Counts(0, 0, 0);
        for (WeightShape w : shapes) {
            long n = w.elements();
            if (!w.targeted() || method == MemoryMethod.FULL) {
                c = c.plus(n, n, 2 * n);
                continue;
            }
            MatrixChecks.requireRank(rank, w.rows(), w.cols(), w.name());
            long s = w.smaller(), l = w.larger(), adapter = (long) rank * (w.rows() + w.cols());
            c = switch (method) {
                case GALORE -> c.plus(n, n, s * rank + 2 * l * rank);
                case FIRA -> c.plus(n, n, s * rank + 2 * l * rank + 1);
                case LORA -> c.plus(n + adapter, adapter, 2 * adapter);
                case LOQT -> c.plus(n + adapter, l * rank, 2 * l * rank); // elements; NF4 bytes in loqt.LoqtMemory
                case FULL -> throw new AssertionError("handled above");
            };
        }
        return c;
    }

    /** The estimate for a paper configuration; rank is ignored for full Adam. */
    public static MemoryEstimate estimate(LlamaPaperConfig config, MemoryMethod method, int rank) {
        return new MemoryEstimate(config.name(), method, method.usesRank() ? rank : 0,
                config.parameterCount(), count(config.weights(), method, rank));
    }
}
