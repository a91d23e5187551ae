package dev.lowrank4j.nn;

import dev.lowrank4j.kernels.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Patch extraction for a square-kernel 2-D convolution over NCHW images, so that the convolution
 * becomes a matrix product. {@link #unfold} turns x [B, C, H, W] into a patch matrix
 * [B·OH·OW, C·k·k]: row (b, oh, ow) holds the k×k window whose top-left corner is at
 * (oh·stride − padding, ow·stride − padding) in every channel, zeros where the window hangs over the
 * border. Columns run channel-major, then kernel row, then kernel column, which is the order of a
 * PyTorch weight [out, C, k, k] flattened to [out, C·k·k] (and of torch.nn.functional.unfold), so
 * patches · Wᵀ is the convolution in [B·OH·OW, out] layout. {@link #fold} is the adjoint: it adds
 * every patch gradient back onto the pixels it was read from.
 */
final class Im2col {
    private static final VectorSpecies<Float> SPECIES = VectorMath.SPECIES;

    final int channels;
    final int kernel;
    final int stride;
    final int padding;
    /**
     * The first {@code kernel} lanes, when a kernel row fits in one vector: each kernel row inside
     * the image is then one masked load and one masked store instead of a loop of k scalar copies
     * (LeNet5's conv2 patches at batch 64, one thread: 1.92 → 1.26 ms). Not in {@link #fold}:
     * there the windows of neighbouring positions overlap, and a masked load of what a masked
     * store has just written stalls (its backward went from 7.2 to 9.6 ms).
     */
    private final VectorMask<Float> rowMask;

    Im2col(int channels, int kernel, int stride, int padding) {
        if (channels < 1 || kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException("convolution needs channels, kernel and stride >= 1 and padding >= 0, got "
                    + channels + ", " + kernel + ", " + stride + ", " + padding);
        }
        this.channels = channels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.rowMask = kernel <= SPECIES.length() ? SPECIES.indexInRange(0, kernel) : null;
    }

    /** Columns of the patch matrix: C·k·k. */
    int patchSize() {
        return channels * kernel * kernel;
    }

    /** Output height (or width) for an input of {@code inSize}, as PyTorch computes it (floor); 0 when the kernel does not fit. */
    int outSize(int inSize) {
        int span = inSize + 2 * padding - kernel;
        return span < 0 ? 0 : span / stride + 1;
    }

    /** cols [batch·OH·OW, C·k·k] from x [batch, C, h, w]; every element of cols is written. */
    void unfold(float[] x, int batch, int h, int w, float[] cols) {
        int oh = outSize(h), ow = outSize(w), k = kernel, patch = patchSize();
        Parallel.forEach(batch, b -> {
            int image = b * channels * h * w;
            for (int y = 0; y < oh; y++) {
                for (int xo = 0; xo < ow; xo++) {
                    int row = ((b * oh + y) * ow + xo) * patch;
                    int top = y * stride - padding, left = xo * stride - padding;
                    for (int c = 0; c < channels; c++) {
                        for (int i = 0; i < k; i++) {
                            int iy = top + i, dst = row + (c * k + i) * k;
                            if (iy < 0 || iy >= h) {
                                java.util.Arrays.fill(cols, dst, dst + k, 0f);
                                continue;
                            }
                            int src = image + (c * h + iy) * w;
                            if (left >= 0 && left + k <= w) { // inside the image: a plain copy (always, without padding)
                                if (rowMask != null) {
                                    FloatVector.fromArray(SPECIES, x, src + left, rowMask).intoArray(cols, dst, rowMask);
                                } else {
                                    for (int j = 0; j < k; j++) cols[dst + j] = x[src + left + j];
                                }
                                continue;
                            }
                            for (int j = 0; j < k; j++) {
                                int ix = left + j;
                                cols[dst + j] = ix >= 0 && ix < w ? x[src + ix] : 0f;
                            }
                        }
                    }
                }
            }
        });
    }

    /** dx [batch, C, h, w] = Σ over patches of dcols scattered back to their pixels (dx is overwritten). */
    void fold(float[] dcols, int batch, int h, int w, float[] dx) {
        int oh = outSize(h), ow = outSize(w), k = kernel, patch = patchSize();
        Parallel.forEach(batch, b -> { // each image's pixels receive only that image's patches
            int image = b * channels * h * w;
            java.util.Arrays.fill(dx, image, image + channels * h * w, 0f);
            for (int y = 0; y < oh; y++) {
                for (int xo = 0; xo < ow; xo++) {
                    int row = ((b * oh + y) * ow + xo) * patch;
                    int top = y * stride - padding, left = xo * stride - padding;
                    for (int c = 0; c < channels; c++) {
                        for (int i = 0; i < k; i++) {
                            int iy = top + i;
                            if (iy < 0 || iy >= h) continue;
                            int src = row + (c * k + i) * k, dst = image + (c * h + iy) * w;
                            if (left >= 0 && left + k <= w) {
                                for (int j = 0; j < k; j++) dx[dst + left + j] += dcols[src + j];
                                continue;
                            }
                            for (int j = 0; j < k; j++) {
                                int ix = left + j;
                                if (ix >= 0 && ix < w) dx[dst + ix] += dcols[src + j];
                            }
                        }
                    }
                }
            }
        });
    }
}
