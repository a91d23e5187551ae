package dev.lowrank4j.nn;

import dev.lowrank4j.kernels.ExactRepeatableMath;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.tensor.Tensor;
import jdk.incubator.vector.FloatVector;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * LLaMA feed-forward block: down_proj(silu(gate_proj(x)) ⊙ up_proj(x)), silu(a) = a·σ(a).
 *
 * <p>Backward with h = silu(a) ⊙ u: du = dh ⊙ silu(a), da = dh ⊙ u ⊙ σ(a)·(1 + a·(1 − σ(a))).
 * σ(a) is recomputed in backward rather than stored: one exponential per element is cheaper than
 * keeping another [N, intermediate] buffer alive. The gate and up outputs themselves stay in their
 * projections' buffers until the next forward, so no copies are made.
 */
public final class SwiGluMlp {
    /** Elementwise passes below this size run on the calling thread. */
    private static final int PARALLEL_MIN_ELEMENTS = 1 << 16;
    private static final int CHUNK = 1 << 12;

    private final String modulePath;
    private final int hidden;
    private final int intermediate;
    private final Map<String, LinearLayer> projections = new LinkedHashMap<>();

    private Tensor gate;     // gate_proj output, owned by gate_proj
    private Tensor up;       // up_proj output, owned by up_proj
    private Tensor gated;    // silu(gate) ⊙ up, the input of down_proj
    private Tensor gateGrad;
    private Tensor upGrad;
    private Tensor inputGrad;
    private SharedGradientBuffers sharedGrads; // null: buffers of its own

    /** @param modulePath e.g. {@code model.layers.0.mlp}; projections {@code gate_proj}, {@code up_proj}, {@code down_proj} */
    public SwiGluMlp(String modulePath, int hidden, int intermediate,
                     LinearLayer gateProj, LinearLayer upProj, LinearLayer downProj) {
        this.modulePath = modulePath;
        this.hidden = hidden;
        this.intermediate = intermediate;
        projections.put("gate_proj", null);
        projections.put("up_proj", null);
        projections.put("down_proj", null);
        setProjection("gate_proj", gateProj);
        setProjection("up_proj", upProj);
        setProjection("down_proj", downProj);
    }

    public Map<String, LinearLayer> projections() {
        return Collections.unmodifiableMap(projections);
    }

    public void setProjection(String name, LinearLayer layer) {
        if (!projections.containsKey(name)) {
            throw new IllegalArgumentException(modulePath + " has no projection " + name + "; known: " + projections.keySet());
        }
        boolean down = name.equals("down_proj");
        int in = down ? intermediate : hidden, out = down ? hidden : intermediate;
        if (layer.inFeatures() != in || layer.outFeatures() != out) {
            throw new IllegalArgumentException(modulePath + "." + name + " must map " + in + " -> " + out
                    + " features, got " + layer.inFeatures() + " -> " + layer.outFeatures());
        }
        projections.put(name, layer);
    }

    /** x [N, hidden] → [N, hidden] (owned by down_proj). */
    public Tensor forward(Tensor x) {
        int n = Shapes.rowsWithColumns(modulePath, x, hidden);
        gate = projections.get("gate_proj").forward(x);
        up = projections.get("up_proj").forward(x);
        gated = Buffers.matrix(gated, n, intermediate);
        float[] a = gate.data, u = up.data, h = gated.data;
        forChunks(h.length, (lo, hi) -> siluTimes(a, u, h, lo, hi));
        return projections.get("down_proj").forward(gated);
    }

    /** dy [N, hidden] → dx [N, hidden] (owned by this block). */
    public Tensor backward(Tensor dy) {
        Shapes.requireForward(modulePath, gated);
        int n = Shapes.rowsWithColumns(modulePath, dy, hidden);
        Tensor dGated = projections.get("down_proj").backward(dy);
        gateGrad = SharedGradientBuffers.matrix(sharedGrads, gateGrad, "mlp.gateGrad", n, intermediate);
        upGrad = SharedGradientBuffers.matrix(sharedGrads, upGrad, "mlp.upGrad", n, intermediate);
        float[] a = gate.data, u = up.data, dh = dGated.data, da = gateGrad.data, du = upGrad.data;
        forChunks(da.length, (lo, hi) -> siluTimesBackward(a, u, dh, da, du, lo, hi));
        inputGrad = SharedGradientBuffers.matrix(sharedGrads, inputGrad, "mlp.inputGrad", n, hidden);
        Tensor dxGate = projections.get("gate_proj").backward(gateGrad);
        System.arraycopy(dxGate.data, 0, inputGrad.data, 0, inputGrad.data.length);
        Tensor dxUp = projections.get("up_proj").backward(upGrad);
        VectorMath.addInPlace(inputGrad.data, 0, dxUp.data, 0, inputGrad.data.length);
        return inputGrad;
    }

    private static void siluTimes(float[] a, float[] u, float[] h, int lo, int hi) {
        var species = VectorMath.SPECIES;
        int i = lo;
        for (; i <= hi - species.length(); i += species.length()) {
            FloatVector av = FloatVector.fromArray(species, a, i);
            FloatVector sigmoid = sigmoid(av);
            av.mul(sigmoid).mul(FloatVector.fromArray(species, u, i)).intoArray(h, i);
        }
        for (; i < hi; i++) {
            float sigmoid = 1f / (1f + ExactRepeatableMath.exp(-a[i]));
            h[i] = a[i] * sigmoid * u[i];
        }
    }

    private static void siluTimesBackward(float[] a, float[] u, float[] dh, float[] da, float[] du, int lo, int hi) {
        var species = VectorMath.SPECIES;
        int i = lo;
        for (; i <= hi - species.length(); i += species.length()) {
            FloatVector av = FloatVector.fromArray(species, a, i);
            FloatVector g = FloatVector.fromArray(species, dh, i);
            FloatVector sigmoid = sigmoid(av);
            FloatVector silu = av.mul(sigmoid);
            g.mul(silu).intoArray(du, i);
            // σ(a)·(1 + a·(1 − σ(a))) = σ(a) + silu(a)·(1 − σ(a))
            FloatVector siluGrad = sigmoid.add(silu.mul(sigmoid.neg().add(1f)));
            g.mul(FloatVector.fromArray(species, u, i)).mul(siluGrad).intoArray(da, i);
        }
        for (; i < hi; i++) {
            float sigmoid = 1f / (1f + ExactRepeatableMath.exp(-a[i]));
            float silu = a[i] * sigmoid;
            du[i] = dh[i] * silu;
            da[i] = dh[i] * u[i] * (sigmoid + silu * (1f - sigmoid));
        }
    }

    /** Backward takes its gradient buffers from {@code pool} from now on (see {@link SharedGradientBuffers}); the pool counts them. */
    public void shareGradientBuffers(SharedGradientBuffers pool) {
        this.sharedGrads = pool;
    }

    /** σ(a) = 1 / (1 + exp(−a)); for very negative a the exponential overflows to ∞ and σ is 0. */
    private static FloatVector sigmoid(FloatVector a) {
        FloatVector one = FloatVector.broadcast(a.species(), 1f);
        return one.div(ExactRepeatableMath.exp(a.neg()).add(one));
    }

    private interface RangeBody {
        void run(int lo, int hi);
    }

    private static void forChunks(int n, RangeBody body) {
        if (n < PARALLEL_MIN_ELEMENTS) {
            body.run(0, n);
            return;
        }
        int chunks = (n + CHUNK - 1) / CHUNK;
        Parallel.forEach(chunks, c -> body.run(c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
    }

    public long activationBytes() {
        long bytes = Buffers.bytes(gated)
                + (sharedGrads == null ? Buffers.bytes(gateGrad) + Buffers.bytes(upGrad) + Buffers.bytes(inputGrad) : 0);
        for (LinearLayer l : projections.values()) bytes += l.activationBytes();
        return bytes;
    }
}
