package dev.lowrank4j.models.bert;

import dev.lowrank4j.nn.Buffers;
import dev.lowrank4j.tensor.Tensor;

/**
 * Row-wise L2 normalisation y = x / max(‖x‖, eps), as torch.nn.functional.normalize (used by
 * sentence-transformers' Normalize module and, without the eps, by langchain4j's MiniLM wrapper).
 *
 * <p>Backward (‖x‖ > eps): dx = (dy − y·(y·dy)) / ‖x‖; below eps the map is x/eps, so dx = dy/eps.
 */
public final class L2Normalize {
    /** torch.nn.functional.normalize's default eps. */
    public static final double EPS = 1e-12;

    private Tensor output;
    private float[] norms;
    private Tensor inputGrad;

    /** x [N, D] → [N, D] with unit rows (owned by this object). */
    public Tensor forward(Tensor x) {
        int n = x.dim(0), dim = x.dim(1);
        output = Buffers.matrix(output, n, dim);
        norms = Buffers.array(norms, n);
        for (int r = 0; r < n; r++) {
            double sq = 0;
            for (int j = 0; j < dim; j++) sq += (double) x.data[r * dim + j] * x.data[r * dim + j];
            float norm = (float) Math.max(Math.sqrt(sq), EPS);
            norms[r] = norm;
            for (int j = 0; j < dim; j++) output.data[r * dim + j] = x.data[r * dim + j] / norm;
        }
        return output;
    }

    /** dy [N, D] → dx [N, D] (owned by this object). */
    public Tensor backward(Tensor dy) {
        Checks.forwardDone("l2 normalize", output);
        if (!dy.sameShape(output.shape())) throw new IllegalArgumentException("l2 normalize: gradient shape");
        int n = dy.dim(0), dim = dy.dim(1);
        inputGrad = Buffers.matrix(inputGrad, n, dim);
        float[] y = output.data, g = dy.data, dx = inputGrad.data;
        for (int r = 0; r < n; r++) {
            int off = r * dim;
            boolean clamped = norms[r] <= EPS;
            double yg = 0;
            if (!clamped) for (int j = 0; j < dim; j++) yg += (double) y[off + j] * g[off + j];
            float dot = (float) yg, inv = 1f / norms[r];
            for (int j = 0; j < dim; j++) dx[off + j] = (g[off + j] - y[off + j] * dot) * inv;
        }
        return inputGrad;
    }
}
