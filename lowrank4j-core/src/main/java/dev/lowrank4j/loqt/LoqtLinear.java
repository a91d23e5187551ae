package dev.lowrank4j.loqt;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.linalg.SingularTriplets;
import dev.lowrank4j.linalg.TopSvd;
import dev.lowrank4j.nn.Buffers;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.nn.storage.DenseWeights;
import dev.lowrank4j.nn.storage.WeightStorage;
import dev.lowrank4j.quant.PackedWeights;
import dev.lowrank4j.quant.nf4.Nf4Tensor;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A LoQT layer (ALGORITHMS §4a): {@code y = W_q(x) + s·B(P(x))}, W in NF4 (or float32 for
 * LoQT-nq), P a frozen projection from the gradient's SVD (optionally NF4), B trainable, s used
 * directly. Which factor trains follows the shape ({@link LoqtSide}); the adapter path is two
 * ordinary {@link Linear}s over their own storages, so the fused NF4 kernels serve W and P alike.
 *
 * <p>At an update step the layer goes through {@link #beginUpdate()} (W ← deq W + s·B·P as a
 * float32 parameter that collects the full gradient, the adapter switched off: the same function)
 * and {@link #finishUpdate} (P and B from that gradient, W re-quantized with error compensation,
 * the float copy and its gradient dropped). Before its first update the layer is the plain dense
 * layer it replaced.
 *
 * <p>Names follow the authors' LoraLinear: {@code <path>.lora_A.weight} [r, in] and
 * {@code <path>.lora_B.weight} [out, r]; which of them is P depends on the side.
 */
public final class LoqtLinear implements LinearLayer {
    private final String modulePath;
    private final Linear base;
    private final LoqtConfig cfg;
    private final LoqtSide side;
    private final int in, out, r;
    private final float s;
    private final Parameter factor;          // B [out, r] (left) or A [r, in] (right): trains
    private final Linear factorLayer;
    private final Parameter denseWeight;     // LoQT-nq: the float W; null when W is quantized
    private Linear projection;               // P, over dense or NF4 storage; null before the first update
    private Parameter capture;               // the float W collecting the gradient during an update
    private PendingMerge pending;            // a layer-by-layer update announced and not yet finished
    private boolean adapterActive;
    private Tensor scaledDy, inputGrad;

    /** What {@link #beginLayerwiseUpdate} leaves for this layer's backward to finish. */
    private record PendingMerge(TopSvd svd, long seed, Runnable whenDone) {}

    /**
     * Wraps {@code base}: a dense layer, or for quantized LoQT any storage (a {@code GeneratedWeights}
     * initial W, so the float model never exists: the first merge dequantizes whatever is there).
     * A float weight becomes frozen; the adapter starts inactive.
     */
    public LoqtLinear(String modulePath, Linear base, LoqtConfig cfg) {
        this.modulePath = modulePath;
        this.base = base;
        this.cfg = cfg;
        this.in = base.inFeatures();
        this.out = base.outFeatures();
        this.r = cfg.rank();
        if (r > Math.min(in, out)) {
            throw new Lowrank4jException(modulePath + ": LoQT needs rank <= min(out, in) = " + Math.min(in, out) + ", got " + r);
        }
        if (!cfg.quantize() && base.storage().parameter() == null) {
            throw new Lowrank4jException(modulePath + ": LoQT-nq trains a float32 W, this layer is stored as " + base.storage().kind());
        }
        this.s = (float) cfg.alpha();
        this.side = LoqtSide.of(in, out);
        if (base.storage().parameter() != null) base.storage().parameter().setTrainable(false);
        this.denseWeight = cfg.quantize() ? null : base.storage().parameter();
        this.factor = side == LoqtSide.LEFT
                ? new Parameter(modulePath + ".lora_B.weight", Tensor.zeros(out, r))
                : new Parameter(modulePath + ".lora_A.weight", Tensor.zeros(r, in));
        this.factorLayer = new Linear(factor);
        // Backward runs one layer at a time: when the base writes its dx into a model's shared pool,
        // this layer's own gradient buffers go next to it (7B: 3 GB less than one set per layer).
        if (base.sharedGradientBuffers() != null) factorLayer.shareGradientBuffers(base.sharedGradientBuffers(), base.sharedGradientSlot() + ".loqt.factor");
    }

    private Tensor gradientBuffer(Tensor own, String role, int rows, int cols) {
        return dev.lowrank4j.nn.SharedGradientBuffers.matrix(base.sharedGradientBuffers(), own,
                base.sharedGradientSlot() + ".loqt." + role, rows, cols);
    }

    public String modulePath() {
        return modulePath;
    }

    public LoqtConfig config() {
        return cfg;
    }

    public LoqtSide side() {
        return side;
    }

    public int rank() {
        return r;
    }

    public float scaling() {
        return s;
    }

    /** The trainable factor: B [out, r] (left) or A [r, in] (right). */
    public Parameter factor() {
        return factor;
    }

    /** Whether P and B exist (after the first update). */
    public boolean initialized() {
        return projection != null;
    }

    /** P as the forward uses it (dequantized when stored in NF4): [r, in] left, [out, r] right. */
    public float[] projection() {
        return projection == null ? null : projection.storage().dequantize().data;
    }

    /** How W is held now ("fp32" or "nf4"). */
    public WeightStorage weightStorage() {
        return base.storage();
    }

    @Override
    public int inFeatures() {
        return in;
    }

    @Override
    public int outFeatures() {
        return out;
    }

    /** W (when it is a float parameter) and any bias, then lora_A, then lora_B (P among them when dense). */
    @Override
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>(base.parameters());
        Parameter p = projection == null ? null : projection.storage().parameter();
        if (side == LoqtSide.LEFT) {
            if (p != null) ps.add(p);
            ps.add(factor);
        } else {
            ps.add(factor);
            if (p != null) ps.add(p);
        }
        return List.copyOf(ps);
    }

    /** The NF4 weight ({@code weight}) and an NF4 P ({@code lora_A.weight} or {@code lora_B.weight}). */
    @Override
    public Map<String, ? extends Accounted> buffers() {
        Map<String, Accounted> m = new LinkedHashMap<>(base.buffers());
        if (projection != null) {
            String name = projectionKey();
            projection.storage().buffers().forEach((k, v) -> m.put(name + k.substring("weight".length()), v));
        }
        return m;
    }

    /** P's name relative to the module path: {@code lora_A.weight} (left) or {@code lora_B.weight} (right). */
    String projectionKey() {
        return side == LoqtSide.LEFT ? "lora_A.weight" : "lora_B.weight";
    }

    /** How P is held now (dense or NF4); null before the first update. */
    WeightStorage projectionStorage() {
        return projection == null ? null : projection.storage();
    }

    /** What a checkpoint needs beyond the parameters: W and P where they are NF4 ({@link LoqtState}). */
    @Override
    public Map<String, Nf4Tensor> packedState() {
        return LoqtState.packed(this);
    }

    /** Rebuilds P (and W's NF4) as the checkpoint had them after its last merge ({@link LoqtState}). */
    @Override
    public void restorePackedState(Map<String, Nf4Tensor> packed, Set<String> floatNames) {
        LoqtState.restore(this, packed, floatNames);
    }

    // ---------------------------------------------------------------- passes

    private Linear first() {
        return side == LoqtSide.LEFT ? projection : factorLayer;
    }

    private Linear second() {
        return side == LoqtSide.LEFT ? factorLayer : projection;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (pending != null) return mergingForward(x);
        Tensor y = base.forward(x);
        if (!adapterActive) return y;
        Tensor z = second().forward(first().forward(x));
        // into the base's output buffer: its backward never reads it, and a second [N, out] per layer is saved
        float[] a = y.data, b = z.data;
        for (int i = 0; i < a.length; i++) a[i] += s * b[i];
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (pending != null) return mergingBackward(dy);
        Tensor dx = base.backward(dy);
        if (!adapterActive) return dx;
        scaledDy = gradientBuffer(scaledDy, "scaledDy", dy.dim(0), out);
        float[] sd = scaledDy.data, d = dy.data;
        for (int i = 0; i < sd.length; i++) sd[i] = s * d[i];
        Tensor dxa = first().backward(second().backward(scaledDy));
        inputGrad = gradientBuffer(inputGrad, "inputGrad", dx.dim(0), in);
        float[] g = inputGrad.data, a = dx.data, b = dxa.data;
        for (int i = 0; i < g.length; i++) g[i] = a[i] + b[i];
        return inputGrad;
    }

    @Override
    public long activationBytes() {
        long bytes = base.activationBytes() + (base.sharedGradientBuffers() == null ? Buffers.bytes(scaledDy) + Buffers.bytes(inputGrad) : 0);
        if (adapterActive) bytes += factorLayer.activationBytes() + projection.activationBytes();
        return bytes;
    }

    // ---------------------------------------------------------------- merge and re-initialisation

    /** W_eff = deq(W) + s·B·P as a new float array [out, in] (the layer is unchanged). */
    public float[] mergedWeight() {
        float[] w = base.storage().dequantize().data; // a fresh array for every storage
        if (adapterActive) ErrorCompensation.addProduct(w, out, in, projection(), factor.data(), side, r, s);
        return w;
    }

    /**
     * Merges the adapter into a float32 W that collects the full gradient from the next backward;
     * the layer computes the same function, now without the adapter path.
     */
    public void beginUpdate() {
        if (capture != null || pending != null) throw new IllegalStateException(modulePath + ": an update is already in progress");
        merge();
    }

    private void merge() {
        float[] merged = mergedWeight();
        if (denseWeight != null) {
            System.arraycopy(merged, 0, denseWeight.data(), 0, merged.length);
            capture = denseWeight;
        } else {
            capture = new Parameter(modulePath + ".weight", new Tensor(merged, out, in));
            base.setStorage(new DenseWeights(capture));
        }
        capture.setTrainable(true);
        adapterActive = false;
    }

    /**
     * Announces an update that this layer runs by itself during the next forward and backward,
     * so that a model holds one float W and one ∂L/∂W at a time, not one per layer: the forward
     * uses the merged float W (and drops it for a quantized W), the backward rebuilds it (bit for
     * bit: the same inputs), collects its full gradient, passes dx on and calls
     * {@link #finishUpdate} at once. The numbers are those of {@link #beginUpdate} + one pass +
     * {@link #finishUpdate}; only valid when the pass runs one forward and one backward whose
     * gradient is used as computed ({@code Optimizer.Closure.singleBackward}).
     */
    public void beginLayerwiseUpdate(TopSvd svd, long seed, Runnable whenDone) {
        if (capture != null || pending != null) throw new IllegalStateException(modulePath + ": an update is already in progress");
        pending = new PendingMerge(svd, seed, whenDone);
    }

    /** Whether a layer-by-layer update was announced and its backward has not run yet. */
    public boolean updatePending() {
        return pending != null;
    }

    private Tensor mergingForward(Tensor x) {
        if (denseWeight != null) { // LoQT-nq: W is a float parameter anyway; merge into it and keep it for backward
            if (capture == null) merge();
            return base.forward(x);
        }
        WeightStorage held = base.storage();
        base.setStorage(new DenseWeights(Parameter.frozen(modulePath + ".weight", new Tensor(mergedWeight(), out, in))));
        Tensor y = base.forward(x); // the adapter is part of the merged W, so only the base runs
        base.setStorage(held); // the float W goes; the backward rebuilds it from the same storage and adapter
        return y;
    }

    private Tensor mergingBackward(Tensor dy) {
        if (capture == null) merge();
        Tensor dx = base.backward(dy);
        PendingMerge m = pending;
        pending = null;
        finishUpdate(m.svd(), m.seed());
        m.whenDone().run();
        return dx;
    }

    /** The float W of the update in progress (its gradient is the full ∂L/∂W), null outside an update. */
    public Parameter capturedWeight() {
        return capture;
    }

    /**
     * Ends the update: P from the top-r SVD of the gradient collected since {@link #beginUpdate()},
     * optionally NF4; W re-quantized with C compensation iterations and B set from them (0 without
     * quantization or with C = 0). B's values are overwritten in place, so an optimizer keeps its
     * state for it.
     */
    public void finishUpdate(TopSvd svd, long seed) {
        if (capture == null) throw new IllegalStateException(modulePath + ": finishUpdate without beginUpdate");
        initialize(capture.grad().data, svd, seed);
    }

    /** {@link #finishUpdate} with a given gradient G [out, in] of the merged W (tests and benchmarks). */
    public void initialize(float[] gradient, TopSvd svd, long seed) {
        if (capture == null) throw new IllegalStateException(modulePath + ": initialize without beginUpdate");
        if (gradient.length != in * out) {
            throw new Lowrank4jException(modulePath + ": gradient has " + gradient.length + " values, the weight " + out + "x" + in);
        }
        SingularTriplets t = svd.top(gradient, out, in, r, seed, modulePath + ".weight gradient");
        float[] p = side == LoqtSide.LEFT ? t.vt() : t.u(); // top right singular vectors as rows, or top left ones as columns
        int[] pShape = projectionShape();
        String pName = modulePath + "." + projectionKey();
        WeightStorage pStorage;
        float[] pUsed;
        if (cfg.quantizeProjection()) {
            Nf4Tensor pq = Nf4Tensor.quantize(pName, new Tensor(p, pShape), cfg.nf4());
            pStorage = new PackedWeights(pq);
            pUsed = pq.dequantize();
        } else {
            pStorage = new DenseWeights(Parameter.frozen(pName, new Tensor(p, pShape)));
            pUsed = p;
        }
        float[] w = capture.data();
        ErrorCompensation.Result init = cfg.quantize()
                ? ErrorCompensation.run(w, out, in, pUsed, side, r, s, cfg.compensationIters(), cfg.nf4(),
                        "the merged weight of " + modulePath)
                : new ErrorCompensation.Result(null, new float[factor.numel()], 0, 0);
        // everything that can fail has run: commit
        System.arraycopy(init.factor(), 0, factor.data(), 0, init.factor().length);
        install(pStorage, cfg.quantize() ? init.quantized() : null);
        capture.setTrainable(false);
        capture = null;
    }

    /** P's shape: [r, in] (left) or [out, r] (right). */
    int[] projectionShape() {
        return side == LoqtSide.LEFT ? new int[] {r, in} : new int[] {out, r};
    }

    /**
     * Makes {@code p} the adapter's projection and {@code w} (when not null) the NF4 weight, and
     * switches the adapter on: the end of a re-initialisation, and of a restore from a checkpoint,
     * which must leave the layer exactly as the re-initialisation did.
     */
    void install(WeightStorage p, Nf4Tensor w) {
        String pName = modulePath + "." + projectionKey();
        projection = new Linear(pName.substring(0, pName.length() - ".weight".length()), p, null);
        if (base.sharedGradientBuffers() != null) projection.shareGradientBuffers(base.sharedGradientBuffers(), base.sharedGradientSlot() + ".loqt.projection");
        if (w != null) base.setStorage(new PackedWeights(w));
        adapterActive = true;
    }

    @Override
    public String toString() {
        return "LoqtLinear(" + modulePath + ", in=" + in + ", out=" + out + ", r=" + r + ", s=" + s + ", " + side
                + ", W " + base.storage().kind() + ")";
    }
}
