package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.Tensor;

/** The checks every quantizer runs on a weight before reading it row by row. */
final class WeightRows {
    private WeightRows() {}

    /**
     * The number of rows of {@code w} [out, in], after checking its shape and that every value is
     * finite: one NaN would silently turn its row's grid search and scale into NaN.
     */
    static int rows(String name, Tensor w) {
        if (w.rank() != 2 || w.dim(0) == 0 || w.dim(1) == 0) {
            throw new Lowrank4jException(name + ": a quantized weight must be a non-empty [out, in] matrix, got "
                    + java.util.Arrays.toString(w.shape()));
        }
        int in = w.dim(1);
        for (int k = 0; k < w.data.length; k++) {
            if (!Float.isFinite(w.data[k])) {
                throw new Lowrank4jException(name + ": row " + k / in + ", column " + k % in
                        + " is " + w.data[k] + "; only finite weights can be quantized");
            }
        }
        return w.dim(0);
    }
}
