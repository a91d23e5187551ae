package dev.lowrank4j.data.images;

import dev.lowrank4j.Lowrank4jException;

/**
 * Shrinks images to {@code side × side} by area averaging (each output pixel is the mean of the
 * source area it covers, partial pixels weighted by their overlap — OpenCV's INTER_AREA, or
 * PyTorch's adaptive average pooling when the ratio is whole). The bounds experiments use it to
 * give a square MLP inputs of several widths from one data set (MNIST at 8×8, 14×14, 28×28).
 */
public final class AreaResize {
    private AreaResize() {}

    public static ImageDataset resize(ImageDataset d, int side) {
        if (side < 1 || side > d.height() || side > d.width()) {
            throw new Lowrank4jException(d.name() + ": cannot shrink " + d.height() + "x" + d.width() + " images to " + side + "x" + side
                    + " (the side must be in [1, " + Math.min(d.height(), d.width()) + "])");
        }
        double[][] rows = weights(d.height(), side), cols = weights(d.width(), side);
        int n = d.size(), c = d.channels(), h = d.height(), w = d.width();
        float[] src = d.images(), out = new float[n * c * side * side];
        for (int img = 0; img < n * c; img++) {
            int s0 = img * h * w, o0 = img * side * side;
            for (int i = 0; i < side; i++) {
                for (int j = 0; j < side; j++) {
                    double sum = 0;
                    for (int y = 0; y < h; y++) {
                        double wy = rows[i][y];
                        if (wy == 0) continue;
                        for (int x = 0; x < w; x++) sum += wy * cols[j][x] * src[s0 + y * w + x];
                    }
                    out[o0 + i * side + j] = (float) sum;
                }
            }
        }
        return new ImageDataset(d.name() + " (" + side + "x" + side + ")", out, d.labels().clone(), c, side, side, d.numClasses());
    }

    /** weights[i][y]: the share of source pixel y in output pixel i (each row sums to 1). */
    static double[][] weights(int from, int to) {
        double[][] out = new double[to][from];
        double scale = (double) from / to;
        for (int i = 0; i < to; i++) {
            double lo = i * scale, hi = (i + 1) * scale;
            for (int y = (int) Math.floor(lo); y < Math.min(from, (int) Math.ceil(hi)); y++) {
                double overlap = Math.min(hi, y + 1) - Math.max(lo, y);
                if (overlap > 0) out[i][y] = overlap / scale;
            }
        }
        return out;
    }
}
