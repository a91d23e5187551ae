package dev.lowrank4j.nn;

import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling over NCHW batches with a square window and no padding, as torch.nn.MaxPool2d with
 * ceil_mode=False: OH = (H − k) / stride + 1, rows and columns past the last full window are
 * dropped. Forward keeps the position of each window's maximum; backward sends each output
 * gradient to that one input element (PyTorch's rule: the first maximum in row-major window order
 * wins a tie, and a NaN counts as the maximum, so it propagates).
 */
public final class MaxPool2d {
    private static final VectorSpecies<Float> FLOATS = VectorMath.SPECIES;
    private static final VectorSpecies<Integer> INTS = FLOATS.withLanes(int.class);
    private static final int LANES = FLOATS.length();

    private final int kernel;
    private final int stride;

    private Tensor output;
    private int[] argmax;
    private int[] inputShape;
    private Tensor inputGrad;
    private int[] starts;
    private int startsHeight, startsWidth;

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
        int[] starts = windowStarts(h, w, oh, ow);
        float[] in = x.data, y = output.data;
        int[] idx = argmax;
        int planeIn = h * w, planeOut = oh * ow;
        Parallel.forEach(b * c, plane -> poolPlane(in, plane * planeIn, w, starts, y, idx, plane * planeOut));
        inputShape = x.shape();
        return output;
    }

    /**
     * Offset within a plane of every window's top-left element, in output order; kept while the
     * input size stays the same.
     */
    private int[] windowStarts(int h, int w, int oh, int ow) {
        if (starts == null || startsHeight != h || startsWidth != w) {
            int[] s = new int[oh * ow];
            for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) s[i * ow + j] = i * stride * w + j * stride;
            starts = s;
            startsHeight = h;
            startsWidth = w;
        }
        return starts;
    }

    /**
     * One plane: each lane of a vector is one window, its elements gathered one window position
     * at a time. Lanes, not a per-element branch, because which element wins is a coin toss on
     * real activations: the branchy loop cost 1.7 ms on a LeNet5 conv1 batch (64×20×24×24), the
     * gathers 0.15 ms.
     */
    private void poolPlane(float[] in, int src, int w, int[] starts, float[] y, int[] idx, int dst) {
        int n = starts.length, o = 0;
        for (; o <= n - LANES; o += LANES) {
            IntVector first = IntVector.fromArray(INTS, starts, o);
            FloatVector max = FloatVector.fromArray(FLOATS, in, src, starts, o);
            IntVector best = first;
            for (int di = 0; di < kernel; di++) {
                for (int dj = di == 0 ? 1 : 0; dj < kernel; dj++) {
                    FloatVector v = FloatVector.fromArray(FLOATS, in, src + di * w + dj, starts, o);
                    VectorMask<Float> wins = v.compare(VectorOperators.GT, max).or(v.test(VectorOperators.IS_NAN));
                    max = max.blend(v, wins);
                    best = best.blend(first.add(di * w + dj), wins.cast(INTS));
                }
            }
            max.intoArray(y, dst + o);
            best.add(src).intoArray(idx, dst + o);
        }
        for (; o < n; o++) { // the same rule, one window at a time
            int first = src + starts[o], best = first;
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
            y[dst + o] = max;
            idx[dst + o] = best;
        }
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
