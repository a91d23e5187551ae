package dev.lowrank4j.nn;

import dev.lowrank4j.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * One transformer layer of a model, reachable on its own: run it on given hidden states and
 * backward through it alone. Block-wise methods (post-training quantization's reconstruction)
 * capture a block's inputs, compute its full-precision outputs as targets, change the block and
 * fit it, one block at a time.
 *
 * <p>Tensors follow the layer contract of {@link LinearLayer}: the output belongs to the block and
 * stays valid until its next forward; the block may keep {@code x} until backward.
 */
public interface TransformerBlock {
    /** Where the hidden states come from: batch and sequence length, and BERT's padding (null = none). */
    record Context(int batch, int seq, int[] attentionMask) {
        public Context(int batch, int seq) {
            this(batch, seq, null);
        }
    }

    /** x [batch·seq, hidden] → [batch·seq, hidden]. */
    Tensor forward(Tensor x, Context context);

    /** dL/d(output) → dL/dx for the last forward; parameter gradients are ADDED. */
    Tensor backward(Tensor dy);

    /** The block's module path, e.g. {@code model.layers.3} or {@code encoder.layer.3}. */
    String path();

    /** Its parameters, trainable or frozen. */
    List<Parameter> parameters();

    /** Its replaceable linears by full module path (replace them through the model's {@link ModuleHost}). */
    Map<String, LinearLayer> linears();
}
