package dev.lowrank4j.models.llama;

import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.nn.storage.DenseWeights;
import dev.lowrank4j.nn.storage.WeightStorage;
import dev.lowrank4j.tensor.Tensor;

/**
 * A projection's initial weight W [out, in] that is never stored: each product regenerates it
 * from the model seed and the weight's name ({@link WeightInit}'s stream, so the values are bit
 * for bit those of the float32 model) into a layer-sized scratch array that is dropped after use.
 *
 * <p>It lets a method that re-encodes every projection before training (LoQT quantizes W at its
 * first merge) start from the model as initialised without ever holding the whole float32 model:
 * at most one layer's W exists at a time. Read-only: a method must replace the storage, not write it.
 */
public final class GeneratedWeights implements WeightStorage {
    /** Values per regeneration task: large enough to amortise the task, small enough to balance 2 cores. */
    private static final int PIECE = 1 << 20;

    private final String name;
    private final long stream;
    private final double std;
    private final int out, in;

    GeneratedWeights(String name, long modelSeed, double std, int out, int in) {
        this.name = name;
        this.stream = WeightInit.streamSeed(modelSeed, name);
        this.std = std;
        this.out = out;
        this.in = in;
    }

    /** W as the float32 model would hold it, in a fresh array. */
    private float[] generate() {
        float[] w = new float[out * in];
        int pieces = (w.length + PIECE - 1) / PIECE;
        Parallel.forEachTask(pieces, k -> WeightInit.normal(w, stream, std, k * PIECE, Math.min(w.length, (k + 1) * PIECE)));
        return w;
    }

    @Override
    public int outFeatures() {
        return out;
    }

    @Override
    public int inFeatures() {
        return in;
    }

    @Override
    public void forward(float[] x, int n, float[] y) {
        DenseWeights.forward(generate(), out, in, x, n, y);
    }

    @Override
    public void backwardInput(float[] dy, int n, float[] dx, boolean accumulate) {
        DenseWeights.backwardInput(generate(), out, in, dy, n, dx, accumulate);
    }

    /** None: W is not a parameter (it is frozen until a method re-encodes it). */
    @Override
    public Parameter parameter() {
        return null;
    }

    @Override
    public void addLowRank(float factor, float[] b, float[] a, int r) {
        throw readOnly();
    }

    @Override
    public Tensor dequantize() {
        return new Tensor(generate(), out, in);
    }

    @Override
    public void assign(float[] w) {
        throw readOnly();
    }

    private IllegalStateException readOnly() {
        return new IllegalStateException(name + ": a generated initial weight is read-only; replace the storage instead");
    }

    @Override
    public String kind() {
        return "fp32-generated";
    }
}
