package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.nn.TransformerBlock;
import dev.lowrank4j.nn.storage.DenseWeights;
import dev.lowrank4j.optim.AdamW;
import dev.lowrank4j.quant.PackedWeights;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quantizes the linears of ONE block (the authors' {@code REM_fast} for one decoder layer, ALGORITHMS
 * §5(b)): each float weight becomes a learnable fake-quantizer, the block is run on the quantized
 * model's running inputs and its output pulled towards the full-precision targets by Adam with a
 * cosine-annealed rate, and the codes are then frozen into packed integer storage; the learnables
 * (and their Adam moments) are dropped with this object.
 *
 * <p>How the fake-quantized weight reaches the block: each linear is swapped for a {@link Linear}
 * over a trainable {@link Parameter} holding Ŵ (the quantizer rewrites that tensor in place), so
 * the block's ordinary backward leaves dL/dŴ in the parameter's gradient, and the quantizer turns
 * it into gradients of its own learnables. Every other parameter of the block is frozen.
 */
public final class BlockReconstruction {
    /** Progress of one block: iteration i of n with the batch loss. */
    @FunctionalInterface
    public interface Listener {
        void iteration(int iteration, int iterations, double loss);
    }

    /**
     * What one block's reconstruction did. Losses are on the whole calibration set:
     * {@code startLoss} at the starting grid (RTN), {@code endLoss} with the learned rounding; the
     * held-out pair is the same on samples never fitted (NaN when none were given, and for RTN).
     */
    public record Result(String block, double startLoss, double endLoss, double heldOutStartLoss, double heldOutEndLoss,
                         long learnables) {
        public boolean hasHeldOut() {
            return !Double.isNaN(heldOutStartLoss);
        }
    }

    private record Slot(String path, Parameter weight, Parameter bias, LearnableQuantizer quantizer, Parameter fake) {}

    private BlockReconstruction() {}

    /**
     * Quantizes every linear of {@code block} (which {@code host} holds) in place. For a learning
     * method, {@code inputs} are the block's inputs in the quantized model and {@code targets} the
     * full-precision block's outputs on full-precision inputs; RTN reads neither (both may be null).
     * {@code heldOutInputs}/{@code heldOutTargets} (null for none) are paired the same way and only scored.
     */
    public static Result quantize(TransformerBlock block, ModuleHost host, CalibrationSet inputs, CalibrationSet targets,
                                  CalibrationSet heldOutInputs, CalibrationSet heldOutTargets,
                                  ReconstructionOptions o, Rng rng, Listener listener) {
        List<Slot> slots = new ArrayList<>();
        for (Map.Entry<String, LinearLayer> e : new LinkedHashMap<>(block.linears()).entrySet()) {
            slots.add(prepare(e.getKey(), e.getValue(), host, o, rng));
        }
        if (!o.method().learns()) return new Result(block.path(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        if (inputs == null || targets == null || inputs.size() == 0 || inputs.size() != targets.size()) {
            throw new IllegalArgumentException(block.path() + ": reconstruction needs as many targets as inputs");
        }
        boolean heldOut = heldOutInputs != null;
        if (heldOut && (heldOutTargets == null || heldOutInputs.size() == 0 || heldOutInputs.size() != heldOutTargets.size())) {
            throw new IllegalArgumentException(block.path() + ": the held-out set needs as many targets as inputs");
        }
        List<Parameter> learnables = new ArrayList<>();
        for (Slot s : slots) learnables.addAll(s.quantizer().parameters());
        for (Parameter p : block.parameters()) p.setTrainable(false);
        for (Slot s : slots) s.fake().setTrainable(true);

        double start = fullLoss(block, slots, inputs, targets);
        double heldOutStart = heldOut ? fullLoss(block, slots, heldOutInputs, heldOutTargets) : Double.NaN;
        AdamW adam = new AdamW(learnables, AdamW.Hyper.defaults()); // weight decay 0: torch's Adam
        int batch = Math.min(o.batch(), inputs.size());
        int[] order = new int[inputs.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        int cursor = order.length;
        Tensor x = Tensor.zeros(batch * inputs.seq(), inputs.width());
        float[] target = new float[x.data.length];
        Tensor dy = Tensor.zeros(x.shape());
        for (int it = 0; it < o.iterations(); it++) {
            int[] idx = new int[batch];
            for (int b = 0; b < batch; b++) {
                if (cursor == order.length) {
                    shuffle(order, rng); // without replacement within a pass over the set
                    cursor = 0;
                }
                idx[b] = order[cursor++];
            }
            inputs.gather(idx, x.data);
            targets.gather(idx, target);
            for (Slot s : slots) s.quantizer().forward();
            Tensor y = block.forward(x, new TransformerBlock.Context(batch, inputs.seq()));
            double loss = ReconstructionLoss.lossAndGradient(y.data, target, batch, inputs.width(), dy.data);
            for (Slot s : slots) s.fake().zeroGrad();
            block.backward(dy);
            for (Parameter p : learnables) p.zeroGrad();
            for (Slot s : slots) s.quantizer().backward(s.fake().grad());
            // torch's CosineAnnealingLR(T_max = iterations, eta_min = 0), stepped after each update
            adam.step(o.lr() * 0.5 * (1 + Math.cos(Math.PI * it / o.iterations())));
            if (listener != null) listener.iteration(it + 1, o.iterations(), loss);
        }
        double end = fullLoss(block, slots, inputs, targets);
        double heldOutEnd = heldOut ? fullLoss(block, slots, heldOutInputs, heldOutTargets) : Double.NaN;
        long count = 0;
        for (Parameter p : learnables) count += p.numel();
        for (Slot s : slots) install(host, s.path(), s.quantizer().export(), s.bias());
        return new Result(block.path(), start, end, heldOutStart, heldOutEnd, count);
    }

    /** RTN layers are packed at once; learning ones get a quantizer and a fake-quantized float stand-in. */
    private static Slot prepare(String path, LinearLayer layer, ModuleHost host, ReconstructionOptions o, Rng rng) {
        if (!(layer instanceof Linear lin) || lin.storage().parameter() == null) {
            throw new Lowrank4jException(path + ": only plain float linear layers can be quantized, found " + layer);
        }
        Parameter w = lin.weight();
        Tensor weight = w.value();
        QuantGrid grid = o.grid().grid(path, weight, o.bits());
        if (!o.method().learns()) {
            install(host, path, RoundToNearest.quantize(path, weight, grid), lin.bias());
            return new Slot(path, w, lin.bias(), null, null);
        }
        LearnableQuantizer q = o.method() == PtqMethod.FLEXROUND
                ? FlexRoundQuantizer.create(path, weight, grid)
                : LrqQuantizer.create(path, weight, grid, o.rankFor(path, weight.dim(0), weight.dim(1)), rng);
        Parameter fake = new Parameter(path + ".weight", q.forward());
        host.replaceLinear(path, new Linear(path, new DenseWeights(fake), lin.bias()));
        return new Slot(path, w, lin.bias(), q, fake);
    }

    private static void install(ModuleHost host, String path, QuantizedWeight q, Parameter bias) {
        host.replaceLinear(path, new Linear(path, new PackedWeights(IntPacking.pack(q)), bias));
    }

    private static double fullLoss(TransformerBlock block, List<Slot> slots, CalibrationSet inputs, CalibrationSet targets) {
        for (Slot s : slots) s.quantizer().forward();
        CalibrationSet out = inputs.through(block);
        double sum = 0;
        for (int i = 0; i < out.size(); i++) {
            sum += ReconstructionLoss.lossAndGradient(out.samples().get(i), targets.samples().get(i), 1, inputs.width(), null);
        }
        return sum / out.size();
    }

    private static void shuffle(int[] a, Rng rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
