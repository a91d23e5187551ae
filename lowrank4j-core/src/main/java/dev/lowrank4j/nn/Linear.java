package dev.lowrank4j.nn;

import dev.lowrank4j.nn.storage.DenseWeights;
import dev.lowrank4j.nn.storage.WeightStorage;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * y = x·Wᵀ + b with W held by a {@link WeightStorage} (dense float32 by default, or a packed
 * grid) and an optional float bias. The layer owns the activations and the bias; how W is stored
 * and multiplied is the storage's business, which is what lets adapters wrap any of them.
 */
public final class Linear implements LinearLayer {
    private WeightStorage storage;
    private final Parameter bias;
    private final String modulePath;

    private Tensor input;
    private Tensor output;
    private Tensor inputGrad;
    private SharedGradientBuffers sharedGrads; // null: dx in a buffer of its own
    private String sharedSlot;

    /** A layer over an existing weight [out, in] (which may be shared, e.g. a tied LM head). */
    public Linear(Parameter weight) {
        this(weight, null);
    }

    /** As {@link #Linear(Parameter)} with a bias [out]; {@code bias} may be null. */
    public Linear(Parameter weight, Parameter bias) {
        this(modulePathOf(weight.name()), new DenseWeights(weight), bias);
    }

    /** A layer over any storage; {@code bias} may be null. */
    public Linear(String modulePath, WeightStorage storage, Parameter bias) {
        this.modulePath = modulePath;
        this.storage = storage;
        this.bias = bias;
        if (bias != null && !bias.value().sameShape(storage.outFeatures())) {
            throw new IllegalArgumentException(bias.name() + ": a bias must be [" + storage.outFeatures() + "]");
        }
    }

    /** A zero-initialised layer named after its module path ({@code path.weight}, {@code path.bias}). */
    public static Linear create(String modulePath, int in, int out, boolean withBias) {
        Parameter w = new Parameter(modulePath + ".weight", Tensor.zeros(out, in));
        Parameter b = withBias ? new Parameter(modulePath + ".bias", Tensor.zeros(out)) : null;
        return new Linear(modulePath, new DenseWeights(w), b);
    }

    private static String modulePathOf(String weightName) {
        return weightName.endsWith(".weight") ? weightName.substring(0, weightName.length() - ".weight".length()) : weightName;
    }

    public String modulePath() {
        return modulePath;
    }

    public WeightStorage storage() {
        return storage;
    }

    /** Swaps how W is held (e.g. dense → NF4); the shape must stay the same. */
    public void setStorage(WeightStorage replacement) {
        if (replacement.inFeatures() != inFeatures() || replacement.outFeatures() != outFeatures()) {
            throw new IllegalArgumentException(modulePath + ": storage maps " + replacement.inFeatures() + " -> "
                    + replacement.outFeatures() + ", the layer " + inFeatures() + " -> " + outFeatures());
        }
        this.storage = replacement;
    }

    /** The float weight parameter; an error for a layer whose weight is packed (use {@link #storage()}). */
    public Parameter weight() {
        Parameter w = storage.parameter();
        if (w == null) throw new IllegalStateException(modulePath + ": the weight is stored as " + storage.kind()
                + ", not as a float parameter");
        return w;
    }

    /** The bias, or null when the layer has none. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public int inFeatures() {
        return storage.inFeatures();
    }

    @Override
    public int outFeatures() {
        return storage.outFeatures();
    }

    /** The float weight (when the storage has one) and the bias. */
    @Override
    public List<Parameter> parameters() {
        Parameter w = storage.parameter();
        if (w == null) return bias == null ? List.of() : List.of(bias);
        return bias == null ? List.of(w) : List.of(w, bias);
    }

    @Override
    public Map<String, ? extends Accounted> buffers() {
        return storage.buffers();
    }

    @Override
    public Tensor forward(Tensor x) {
        int in = inFeatures(), out = outFeatures();
        int n = Shapes.rowsWithColumns(modulePath, x, in);
        output = Buffers.matrix(output, n, out);
        storage.forward(x.data, n, output.data);
        if (bias != null) {
            float[] b = bias.data(), y = output.data;
            for (int r = 0; r < n; r++) VectorMath.addInPlace(y, r * out, b, 0, out);
        }
        input = x;
        return output;
    }

    @Override
    public Tensor backward(Tensor dy) {
        accumulateParameterGradients(dy);
        int n = dy.dim(0);
        inputGrad = SharedGradientBuffers.matrix(sharedGrads, inputGrad, sharedSlot, n, inFeatures());
        storage.backwardInput(dy.data, n, inputGrad.data, false);
        return inputGrad;
    }

    @Override
    public void backwardParametersOnly(Tensor dy) {
        accumulateParameterGradients(dy);
    }

    private void accumulateParameterGradients(Tensor dy) {
        Shapes.requireForward(modulePath, input);
        int out = outFeatures();
        int n = Shapes.rowsWithColumns(modulePath, dy, out);
        if (n != input.dim(0)) throw new IllegalArgumentException(modulePath + ": dy rows differ from forward");
        storage.accumulateWeightGradient(dy.data, input.data, n);
        if (bias != null && bias.grad() != null) {
            float[] db = bias.grad().data;
            for (int r = 0; r < n; r++) VectorMath.addInPlace(db, 0, dy.data, r * out, out);
        }
    }

    @Override
    public long activationBytes() {
        return Buffers.bytes(output) + (sharedGrads == null ? Buffers.bytes(inputGrad) : 0);
    }

    /**
     * Writes dx into {@code slot} of {@code pool} from now on (see {@link SharedGradientBuffers}:
     * only for layers whose backward never overlaps another user of the slot); the pool counts it.
     */
    public Linear shareGradientBuffers(SharedGradientBuffers pool, String slot) {
        this.sharedGrads = pool;
        this.sharedSlot = slot;
        return this;
    }

    /** The pool set by {@link #shareGradientBuffers}, or null: where a layer wrapping this one can put its own. */
    public SharedGradientBuffers sharedGradientBuffers() {
        return sharedGrads;
    }

    /** The slot set by {@link #shareGradientBuffers}, or null. */
    public String sharedGradientSlot() {
        return sharedSlot;
    }

    @Override
    public String toString() {
        return "Linear(" + modulePath + ", in=" + inFeatures() + ", out=" + outFeatures() + ", " + storage.kind()
                + (bias != null ? ", bias" : "") + ")";
    }
}
