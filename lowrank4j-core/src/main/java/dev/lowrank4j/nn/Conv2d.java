package dev.lowrank4j.nn;

import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.tensor.Tensor;

import java.util.List;

/**
 * A 2-D convolution over NCHW batches (square kernel, one stride and one zero padding for both
 * axes, as torch.nn.Conv2d with int arguments), computed as im2col followed by a linear layer over
 * patch rows: out = unfold(x)ᵀ·Wᵀ + b with W [out, in·k·k]. Forward, input gradient and weight
 * gradient are therefore each one GEMM over the whole batch (in the projection), plus the patch
 * copy and a per-image transpose between [B·OH·OW, out] rows and NCHW.
 *
 * <p>The projection is any {@link LinearLayer} mapping in·k·k → out features: by default a dense
 * {@link ConvKernel} (weight [out, in, k, k], PyTorch layout), and a low-rank method swaps in its
 * own layer with {@link #setProjection}, which is how a factorised convolution is formed.
 *
 * <p>Same contract as a LinearLayer: {@code forward} caches what {@code backward} needs (the patch
 * matrix), {@code backward} adds parameter gradients and returns dx. Returned tensors belong to
 * the layer and stay valid until its next forward (output) or backward (dx).
 */
public final class Conv2d {
    private final String modulePath;
    private final Im2col patches;
    private final int outChannels;
    private LinearLayer projection;

    private Tensor cols;
    private Tensor output;
    private Tensor rowsGrad;
    private Tensor inputGrad;
    private int batch = -1, height, width;

    /** A convolution whose per-patch product is {@code projection} (in·k·k → out features). */
    public Conv2d(String modulePath, int inChannels, int kernel, int stride, int padding, LinearLayer projection) {
        this.modulePath = modulePath;
        this.patches = new Im2col(inChannels, kernel, stride, padding);
        this.outChannels = projection.outFeatures();
        setProjection(projection);
    }

    /** A dense, zero-initialised convolution with parameters {@code path.weight} [out, in, k, k] and {@code path.bias}. */
    public static Conv2d create(String modulePath, int inChannels, int outChannels, int kernel, int stride, int padding,
                                boolean withBias) {
        return new Conv2d(modulePath, inChannels, kernel, stride, padding,
                ConvKernel.create(modulePath, inChannels, outChannels, kernel, withBias));
    }

    public String modulePath() {
        return modulePath;
    }

    /** The layer that multiplies patch rows: the dense kernel, or whatever replaced it. */
    public LinearLayer projection() {
        return projection;
    }

    /** Replaces the per-patch product; it must map in·k·k features to the same number of output channels. */
    public void setProjection(LinearLayer replacement) {
        if (replacement.inFeatures() != patches.patchSize() || replacement.outFeatures() != outChannels) {
            throw new IllegalArgumentException(modulePath + ": a projection must map " + patches.patchSize() + " -> "
                    + outChannels + " features, got " + replacement.inFeatures() + " -> " + replacement.outFeatures());
        }
        projection = replacement;
    }

    public List<Parameter> parameters() {
        return projection.parameters();
    }

    public int inChannels() {
        return patches.channels;
    }

    public int outChannels() {
        return outChannels;
    }

    public int kernel() {
        return patches.kernel;
    }

    /** Output height (or width) for an input of {@code inSize}; 0 when the kernel does not fit. */
    public int outputSize(int inSize) {
        return patches.outSize(inSize);
    }

    /** x [B, C, H, W] → [B, out, OH, OW]. */
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.dim(1) != patches.channels) {
            throw new IllegalArgumentException(modulePath + ": expected [N, " + patches.channels + ", H, W], got "
                    + java.util.Arrays.toString(x.shape()));
        }
        int b = x.dim(0), h = x.dim(2), w = x.dim(3), oh = patches.outSize(h), ow = patches.outSize(w);
        if (oh == 0 || ow == 0) {
            throw new IllegalArgumentException(modulePath + ": a " + patches.kernel + "x" + patches.kernel
                    + " kernel does not fit a " + h + "x" + w + " input with padding " + patches.padding);
        }
        int positions = oh * ow;
        cols = Buffers.matrix(cols, b * positions, patches.patchSize());
        patches.unfold(x.data, b, h, w, cols.data);
        float[] rows = projection.forward(cols).data;
        output = Buffers.shaped(output, b, outChannels, oh, ow);
        float[] y = output.data;
        int o = outChannels;
        Parallel.forEach(b, n -> { // [positions, out] rows of image n → its [out, positions] planes
            int base = n * positions * o;
            for (int p = 0; p < positions; p++) {
                for (int c = 0; c < o; c++) y[base + c * positions + p] = rows[base + p * o + c];
            }
        });
        batch = b;
        height = h;
        width = w;
        return output;
    }

    /** dy [B, out, OH, OW] of the last forward → dx [B, C, H, W]; parameter gradients are added by the projection. */
    public Tensor backward(Tensor dy) {
        Tensor colsGrad = projection.backward(rowsOf(dy));
        inputGrad = Buffers.shaped(inputGrad, batch, patches.channels, height, width);
        patches.fold(colsGrad.data, batch, height, width, inputGrad.data);
        return inputGrad;
    }

    /** As {@link #backward} without dx (no patch gradient, no fold): for a network's first layer. */
    public void backwardParametersOnly(Tensor dy) {
        projection.backwardParametersOnly(rowsOf(dy));
    }

    /** dy [B, out, OH, OW] in the projection's [B·OH·OW, out] row layout. */
    private Tensor rowsOf(Tensor dy) {
        Shapes.requireForward(modulePath, cols);
        int oh = patches.outSize(height), ow = patches.outSize(width), positions = oh * ow, o = outChannels;
        if (!dy.sameShape(batch, o, oh, ow)) {
            throw new IllegalArgumentException(modulePath + ": dy must be " + java.util.Arrays.toString(output.shape())
                    + ", got " + java.util.Arrays.toString(dy.shape()));
        }
        rowsGrad = Buffers.matrix(rowsGrad, batch * positions, o);
        float[] g = dy.data, rows = rowsGrad.data;
        Parallel.forEach(batch, n -> {
            int base = n * positions * o;
            for (int c = 0; c < o; c++) {
                for (int p = 0; p < positions; p++) rows[base + p * o + c] = g[base + c * positions + p];
            }
        });
        return rowsGrad;
    }

    /** Bytes kept between forward and backward: the patch matrix, the output and the projection's own. */
    public long activationBytes() {
        return Buffers.bytes(cols) + Buffers.bytes(output) + projection.activationBytes();
    }

    @Override
    public String toString() {
        return "Conv2d(" + modulePath + ", " + patches.channels + " -> " + outChannels + ", k=" + patches.kernel
                + ", stride=" + patches.stride + ", padding=" + patches.padding + ", " + projection + ")";
    }
}
