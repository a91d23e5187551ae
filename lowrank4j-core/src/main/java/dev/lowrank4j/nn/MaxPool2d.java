package dev.lowrank4j.nn;

import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.tensor.Tensor;

/**
 * Max pooling over NCHW batches with a square window and no padding, as torch.nn.MaxPool2d with
 * ceil_mode=False: OH = (H − k) / stride + 1, rows and columns past the last full window are
 * dropped. Forward keeps the position of each window's maximum; backward sends each output
 * gradient to that one input element (PyTorch's rule: the first maximum in row-major window order
 * wins a tie, and a NaN counts as the maximum, so it propagates).
 */
public final class MaxPool2d {
    private final int kernel;
    private final int stride;

    private Tensor output;
    private int[] argmax;
    private int[] inputShape;
    private Tensor inputGrad;

    /** Window {@code kernel}×{@code kernel} moved by {@code stride} (LeNet5: 2 and 2). */
    public MaxPool2d(int kernel, int stride) {
        if (kernel < 1 || stride < 1) {
            throw new IllegalArgumentException("max pooling needs kernel and stride >= 1, got " + kernel + ", " + stride);
        }
        this.kernel = kernel;
        this.stride = stride;
    }

    /** Output height (or width) for an input of {@code inSize}; 0 when the window does not fit. */
    public int outputSize(int inSize) {
        return inSize < kernel ? 0 : (inSize - kernel) / stride + 1;
    }

    /** x [B, C, H, W] → [B, C, OH, OW]. */
    public Tensor forward(Tensor x) {
        if (x.rank() != 4) throw new IllegalArgumentException("max pool: expected [N, C, H, W], got " + java.util.Arrays.toString(x.shape()));
        int b = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3), oh = outputSize(h), ow = outputSize(w);
        if (oh == 0 || ow == 0) {
            throw new IllegalArgumentException("max pool: a " + kernel + "x" + kernel + " window does not fit a " + h + "x" + w + " input");
        }
        output = Buffers.shaped(output, b, c, oh, ow);
        argmax = Buffers.ints(argmax, output.size());
        float[] in = x.data, y = output.data;
        int[] idx = argmax;
        Parallel.forEach(b * c, plane -> {
            int src = plane * h * w, dst = plane * oh * ow;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int first = src + i * stride * w + j * stride, best = first;
                    float max = in[first];
                    for (int di = 0; di < kernel; di++) {
                        for (int dj = 0; dj < kernel; dj++) {
                            int at = first + di * w + dj;
                            float v = in[at];
                            if (v > max || Float.isNaN(v)) {
                                max = v;
                                best = at;
                            }
                        }
                    }
                    y[dst + i * ow + j] = max;
                    idx[dst + i * ow + j] = best;
                }
            }
        });
        inputShape = x.shape();
        return output;
    }

    /** dy [B, C, OH, OW] → dx [B, C, H, W], zero except at each window's maximum. */
    public Tensor backward(Tensor dy) {
        Shapes.requireForward("max pool", inputShape);
        if (!dy.sameShape(output.shape())) {
            throw new IllegalArgumentException("max pool: dy must be " + java.util.Arrays.toString(output.shape())
                    + ", got " + java.util.Arrays.toString(dy.shape()));
        }
        inputGrad = Buffers.shaped(inputGrad, inputShape);
        float[] dx = inputGrad.data, g = dy.data;
        int[] idx = argmax;
        int planeIn = inputShape[2] * inputShape[3], planeOut = output.dim(2) * output.dim(3);
        Parallel.forEach(inputShape[0] * inputShape[1], plane -> { // windows of one plane stay in that plane
            java.util.Arrays.fill(dx, plane * planeIn, (plane + 1) * planeIn, 0f);
            for (int o = plane * planeOut; o < (plane + 1) * planeOut; o++) dx[idx[o]] += g[o];
        });
        return inputGrad;
    }

    public long activationBytes() {
        return Buffers.bytes(output) + (argmax == null ? 0 : 4L * argmax.length);
    }
}
