package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.optim.LlamaPaperConfig;
import dev.lowrank4j.optim.MemoryMethod;
import dev.lowrank4j.optim.OptimizerMemory;
import dev.lowrank4j.train.MemoryLedger;

/**
 * Refuses, before anything is allocated, a model whose weights, gradients and optimizer states
 * alone exceed the heap this JVM may use, so a run that cannot fit says so in one line at once
 * instead of failing with an out-of-memory error minutes into building it.
 */
public final class MemoryFit {
    private MemoryFit() {}

    /**
     * fp32 bytes of weights, gradients and optimizer states of a LLaMA of this shape trained with
     * {@code method} (the {@code memory} command's counts), or -1 when the method keeps weights in a
     * format those counts do not price (LoQT's NF4) or at a rank no layer can take.
     */
    public static long stateBytes(ModelShape shape, PretrainMethod method) {
        MemoryMethod m = switch (method.kind()) {
            case FULL -> MemoryMethod.FULL;
            case LORA -> MemoryMethod.LORA;
            case GALORE -> MemoryMethod.GALORE;
            case FIRA -> MemoryMethod.FIRA;
            default -> null;
        };
        if (m == null) return -1;
        int kvDim = shape.kvHeads() * (shape.dim() / shape.heads()), rank = method.effectiveRank(shape.dim());
        // a rank no layer can take is the method's own one-line error, made when it builds its layers
        if (m != MemoryMethod.FULL && rank > Math.min(kvDim, Math.min(shape.dim(), shape.hidden()))) return -1;
        LlamaPaperConfig c = new LlamaPaperConfig("custom", shape.dim(), shape.hidden(), shape.heads(), shape.layers(), shape.vocab());
        return OptimizerMemory.count(c.weights(kvDim), m, rank).total() * Float.BYTES;
    }

    /** Throws when {@code bytes} (≥ 0) exceed the JVM's maximum heap. */
    public static void require(long bytes, String what) {
        long max = Runtime.getRuntime().maxMemory();
        if (bytes > max) {
            throw new Lowrank4jException(what + " needs at least " + MemoryLedger.human(bytes) + " for weights, gradients and optimizer "
                    + "states, more than the " + MemoryLedger.human(max) + " this JVM may use; give it more with --max-memory "
                    + "(e.g. --max-memory " + suggestedGigabytes(bytes) + "g) or choose a smaller model or a low-rank method");
        }
    }

    /** Whole gigabytes with room for activations and the JVM's own overhead (a third more). */
    static long suggestedGigabytes(long bytes) {
        return (long) Math.ceil(bytes * 4.0 / 3 / (1L << 30));
    }
}
