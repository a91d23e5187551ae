package dev.lowrank4j.models.vision;

import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.tensor.Tensor;

/**
 * A classifier of NCHW float images trained with softmax cross-entropy: what a trainer, an
 * evaluator and a low-rank method need from LeNet5 or the dense network without knowing which.
 * Its weight matrices (dense layers and the patch projections of convolutions) are reachable by
 * module path through {@link ModuleHost#linears()} and replaceable with
 * {@link ModuleHost#replaceLinear}.
 *
 * <p>Images are passed as one row-major array [batch, channels, height, width]; the model keeps a
 * reference until its backward, so leave the array unchanged in between. Not thread-safe.
 */
public interface ImageClassifier extends ModuleHost {
    int channels();

    int height();

    int width();

    int numClasses();

    /** images [batch, C, H, W] → logits [batch, classes]; caches activations for {@link #backward}. */
    Tensor forward(float[] images, int batch);

    /** Backward from dL/dlogits of the last forward; parameter gradients are ADDED. */
    void backward(Tensor logitsGrad);

    /** Forward and mean cross-entropy against labels in [0, classes), no backward (evaluation). */
    float loss(float[] images, int[] labels, int batch);

    /** Forward, mean cross-entropy and backward; gradients are ADDED (call {@link #zeroGrad()} between steps). */
    float lossAndBackward(float[] images, int[] labels, int batch);

    void zeroGrad();

    /** Bytes the last forward keeps for backward (for the memory ledger). */
    long activationBytes();
}
