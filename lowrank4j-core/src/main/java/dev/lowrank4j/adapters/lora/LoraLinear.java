package dev.lowrank4j.adapters.lora;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.nn.Buffers;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A frozen {@link Linear} (over any weight storage: float32, or a packed grid for QLoRA) plus a
 * trainable low-rank update, as PEFT's {@code lora.Linear}:
 * <pre>
 *   y = base(x) + s · (dropout(x) · Aᵀ) · Bᵀ        A [r, in], B [out, r], s = alpha/r (or alpha/√r)
 * </pre>
 * Backward, with X̃ the dropped-out input, H = X̃Aᵀ and G = dL/dy (PEFT/ALGORITHMS §1c):
 * <pre>
 *   dB += s · Gᵀ H          T = s · G B          dA += Tᵀ X̃          dx = base dx + (T A) ⊙ mask
 * </pre>
 * Parameters keep Hugging Face names: the base weight keeps its own, the factors are
 * {@code <module>.lora_A.weight} and {@code <module>.lora_B.weight} (PEFT's file names, without the
 * in-memory adapter name).
 *
 * <p>While merged ({@code W += s·BA}) or disabled, forward is the base layer alone and the factors
 * get no gradient. Don't let an optimizer move A or B while merged: unmerge subtracts the
 * current s·BA, so a changed adapter would leave a residue in W (PEFT has the same rule).
 */
public final class LoraLinear implements LinearLayer {
    private final String modulePath;
    private final Linear base;
    private final Parameter loraA;
    private final Parameter loraB;
    private final int r;
    private final int in;
    private final int out;
    private final float scaling;
    private final InvertedDropout dropout;

    private boolean training = true;
    private boolean enabled = true;
    private boolean merged;

    // Cached by forward for backward; adapterUsed records which path the last forward took.
    private boolean adapterUsed;
    private boolean maskApplied;
    private Tensor adapterInput;
    private Tensor hidden;
    private Tensor output;
    private Tensor hiddenGrad;
    private Tensor adapterInputGrad;
    private Tensor inputGrad;

    /**
     * Wraps {@code base} (whose weight and bias become frozen) with zero factors; call
     * {@link LoraInitializer#initialize} or load weights next.
     *
     * @param dropoutSeed seeds this layer's dropout masks; unused when {@code dropoutP == 0}
     */
    public LoraLinear(String modulePath, Linear base, int r, double scaling, double dropoutP, long dropoutSeed) {
        if (r <= 0) throw new Lowrank4jException(modulePath + ": LoRA rank must be positive, got " + r);
        if (!(dropoutP >= 0 && dropoutP < 1)) throw new Lowrank4jException(modulePath + ": lora_dropout must be in [0, 1), got " + dropoutP);
        this.modulePath = modulePath;
        this.base = base;
        this.in = base.inFeatures();
        this.out = base.outFeatures();
        this.r = r;
        this.scaling = (float) scaling;
        for (Parameter p : base.parameters()) p.setTrainable(false);
        this.loraA = new Parameter(modulePath + ".lora_A.weight", Tensor.zeros(r, in));
        this.loraB = new Parameter(modulePath + ".lora_B.weight", Tensor.zeros(out, r));
        this.dropout = dropoutP > 0 ? new InvertedDropout(dropoutP, dropoutSeed) : null;
    }

    /** A layer built and initialised from a config; the init stream is derived from the config seed and the path. */
    public static LoraLinear create(String modulePath, Linear base, LoraConfig cfg) {
        LoraLinear layer = new LoraLinear(modulePath, base, cfg.r(), cfg.scaling(), cfg.dropout(),
                LoraSeeds.dropout(cfg.seed(), modulePath));
        LoraInitializer.initialize(layer, cfg.init(), LoraSeeds.init(cfg.seed(), modulePath));
        return layer;
    }

    // ---------------------------------------------------------------- accessors

    public String modulePath() {
        return modulePath;
    }

    public Linear base() {
        return base;
    }

    /** A [r, in]. */
    public Parameter loraA() {
        return loraA;
    }

    /** B [out, r]. */
    public Parameter loraB() {
        return loraB;
    }

    public int rank() {
        return r;
    }

    public float scaling() {
        return scaling;
    }

    public boolean merged() {
        return merged;
    }

    public boolean enabled() {
        return enabled;
    }

    public boolean training() {
        return training;
    }

    /** Training mode applies dropout; evaluation mode does not. */
    public void setTraining(boolean training) {
        this.training = training;
    }

    /** The two factors, A then B (trainable unless a caller froze them). */
    public List<Parameter> adapterParameters() {
        return List.of(loraA, loraB);
    }

    @Override
    public int inFeatures() {
        return in;
    }

    @Override
    public int outFeatures() {
        return out;
    }

    /** Base weight (and bias), then A, then B: PEFT's named_parameters order. */
    @Override
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>(base.parameters());
        ps.add(loraA);
        ps.add(loraB);
        return List.copyOf(ps);
    }

    /** The base layer's packed weight tensors, if its storage has any. */
    @Override
    public Map<String, ? extends Accounted> buffers() {
        return base.buffers();
    }

    // ---------------------------------------------------------------- passes

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 2 || x.dim(1) != in) {
            throw new IllegalArgumentException(modulePath + ": expected [N, " + in + "], got " + Arrays.toString(x.shape()));
        }
        Tensor baseOut = base.forward(x);
        adapterUsed = enabled && !merged;
        if (!adapterUsed) return baseOut;
        int n = x.dim(0);
        maskApplied = dropout != null && training;
        adapterInput = maskApplied ? dropout.apply(x) : x;
        output = Buffers.matrix(output, n, out);
        System.arraycopy(baseOut.data, 0, output.data, 0, output.data.length);
        hidden = Buffers.matrix(hidden, n, r);
        Gemm.sgemm(false, true, n, r, in, 1f, adapterInput.data, 0, in, loraA.data(), 0, in, 0f, hidden.data, 0, r);
        Gemm.sgemm(false, true, n, out, r, scaling, hidden.data, 0, r, loraB.data(), 0, r, 1f, output.data, 0, out);
        return output;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor baseDx = base.backward(dy);
        if (!adapterUsed) return baseDx;
        int n = dy.dim(0);
        if (loraB.grad() != null) { // dB += s·dyᵀ·H
            Gemm.sgemm(true, false, out, r, n, scaling, dy.data, 0, out, hidden.data, 0, r, 1f, loraB.grad().data, 0, r);
        }
        hiddenGrad = Buffers.matrix(hiddenGrad, n, r); // T = s·dy·B
        Gemm.sgemm(false, false, n, r, out, scaling, dy.data, 0, out, loraB.data(), 0, r, 0f, hiddenGrad.data, 0, r);
        if (loraA.grad() != null) { // dA += Tᵀ·X̃
            Gemm.sgemm(true, false, r, in, n, 1f, hiddenGrad.data, 0, r, adapterInput.data, 0, in, 1f, loraA.grad().data, 0, in);
        }
        inputGrad = Buffers.matrix(inputGrad, n, in);
        System.arraycopy(baseDx.data, 0, inputGrad.data, 0, inputGrad.data.length);
        if (maskApplied) {
            adapterInputGrad = Buffers.matrix(adapterInputGrad, n, in);
            Gemm.sgemm(false, false, n, in, r, 1f, hiddenGrad.data, 0, r, loraA.data(), 0, in, 0f, adapterInputGrad.data, 0, in);
            dropout.backwardInPlace(adapterInputGrad.data);
            float[] g = inputGrad.data, a = adapterInputGrad.data;
            for (int i = 0; i < g.length; i++) g[i] += a[i];
        } else { // no mask: accumulate T·A straight into dx
            Gemm.sgemm(false, false, n, in, r, 1f, hiddenGrad.data, 0, r, loraA.data(), 0, in, 1f, inputGrad.data, 0, in);
        }
        return inputGrad;
    }

    @Override
    public long activationBytes() {
        long bytes = base.activationBytes() + Buffers.bytes(output) + Buffers.bytes(hidden);
        return dropout == null ? bytes : bytes + dropout.activationBytes();
    }

    // ---------------------------------------------------------------- merging and unloading

    /**
     * W += s·B·A in the base's storage; the forward then runs the base layer only. A no-op when
     * already merged. Over a packed storage the merged weight is rounded to its grid
     * ({@link dev.lowrank4j.nn.storage.WeightStorage#lastRoundingError()} says by how much).
     */
    public void merge() {
        if (merged) return;
        base.storage().addLowRank(scaling, loraB.data(), loraA.data(), r);
        merged = true;
    }

    /**
     * PEFT's {@code safe_merge}: the merged weight is computed on a copy and checked for NaN/Inf
     * before it replaces W, so a diverged adapter cannot silently poison the base model.
     */
    public void safeMerge() {
        if (merged) return;
        float[] candidate = base.storage().dequantize().data;
        addScaledDelta(candidate, 1f);
        for (float v : candidate) {
            if (!Float.isFinite(v)) {
                throw new Lowrank4jException(modulePath + ": merging the LoRA adapter gives non-finite weights (NaN or Inf); "
                        + "the layer was left unmerged");
            }
        }
        base.storage().assign(candidate);
        merged = true;
    }

    /** W −= s·B·A; a no-op when not merged. */
    public void unmerge() {
        if (!merged) return;
        base.storage().addLowRank(-scaling, loraB.data(), loraA.data(), r);
        merged = false;
    }

    /** Turns the adapter off (base output only); unmerges first, as PEFT does. */
    public void disable() {
        unmerge();
        enabled = false;
    }

    public void enable() {
        enabled = true;
    }

    /**
     * W += fraction·s·B·A without changing A, B or the merged flag: the building block of
     * PeriodicLoRA's unloading. Refused while merged, where W already holds the update.
     */
    public void unloadFraction(double fraction) {
        if (merged) throw new IllegalStateException(modulePath + ": cannot unload into the base weight while merged");
        base.storage().addLowRank((float) (fraction * scaling), loraB.data(), loraA.data(), r);
    }

    /** ΔW = s·B·A as a new [out, in] tensor. */
    public Tensor deltaWeight() {
        Tensor d = Tensor.zeros(out, in);
        addScaledDelta(d.data, 1f);
        return d;
    }

    /** w [out, in] += factor·s·B·A, one GEMM accumulating into w (a float copy of the weight). */
    void addScaledDelta(float[] w, float factor) {
        Gemm.sgemm(false, false, out, in, r, factor * scaling, loraB.data(), 0, r, loraA.data(), 0, in, 1f, w, 0, in);
    }

    /** Dropout generator state, for checkpoints that must resume bit for bit (0 when there is no dropout). */
    public long dropoutRngState() {
        return dropout == null ? 0 : dropout.rngState();
    }

    public void setDropoutRngState(long state) {
        if (dropout != null) dropout.setRngState(state);
    }

    @Override
    public String toString() {
        return "LoraLinear(" + modulePath + ", in=" + in + ", out=" + out + ", r=" + r + ", scaling=" + scaling
                + (merged ? ", merged" : "") + (enabled ? "" : ", disabled") + ")";
    }
}
