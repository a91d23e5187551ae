package dev.lowrank4j.nn;

import dev.lowrank4j.tensor.Tensor;

import java.util.HashMap;
import java.util.Map;

/**
 * Backward buffers shared by modules whose backward passes never overlap: the decoder layers of one
 * model, whose backward runs layer by layer, each layer's input gradients consumed before the next
 * layer starts. Every layer asks for the same named slots (e.g. {@code "mlp.gateGrad"}), so a
 * model holds one layer's gradient buffers instead of one set per layer (a 7B LLaMA at 256 tokens:
 * about 95 MB instead of 3 GB). Slots are distinct within a layer, so nothing a layer still reads
 * is overwritten by itself.
 */
public final class SharedGradientBuffers {
    private final Map<String, Tensor> slots = new HashMap<>();

    /** The slot's buffer, reallocated (zeroed) only when the shape changes. */
    public Tensor matrix(String slot, int rows, int cols) {
        Tensor t = Buffers.matrix(slots.get(slot), rows, cols);
        slots.put(slot, t);
        return t;
    }

    /** {@code pool}'s slot, or with no pool the module's own buffer {@code own} (reused while its shape fits). */
    public static Tensor matrix(SharedGradientBuffers pool, Tensor own, String slot, int rows, int cols) {
        return pool != null ? pool.matrix(slot, rows, cols) : Buffers.matrix(own, rows, cols);
    }

    /** Bytes of all slots (each counted once, however many modules use it). */
    public long bytes() {
        long sum = 0;
        for (Tensor t : slots.values()) sum += t.bytes();
        return sum;
    }
}
