package dev.lowrank4j.loqt;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.linalg.TopSvd;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.optim.Optimizer;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * LoQT as an optimizer over the model's trainable parameters (B, embeddings, norms, head), wrapping
 * any inner optimizer (AdamW in the authors' 60M–1B scripts). On an update step of the
 * {@link MergeSchedule} it does what the authors' forward and backward hooks do on that iteration:
 * <ol>
 *   <li>merge every layer, W ← deq(W) + s·B·P, into a float32 W that takes a gradient;</li>
 *   <li>recompute the loss on the step's batch (the trainer's closure) for the full ∂L/∂W;</li>
 *   <li>re-initialise P and B from it and re-quantize W (error compensation);</li>
 *   <li>zero the adapters' gradients, so the step moves B only through Adam's momentum, as in the
 *       authors' code; the other parameters keep the (clipped) gradients the trainer computed.</li>
 * </ol>
 * When the closure runs a single backward ({@link Closure#singleBackward()}), steps 1–3 happen
 * layer by layer inside that backward (one float W and gradient at a time); otherwise all layers
 * hold their float W until the closure returns. Both give the same numbers.
 * B keeps its Parameter object and so its Adam state (the authors' behaviour); with
 * {@link LoqtConfig#resetAdapterState()} the state is reset through {@link Optimizer#resetState}.
 */
public final class LoqtOptimizer implements Optimizer {
    private final Optimizer inner;
    private final List<LoqtLinear> layers;
    private final LoqtConfig cfg;
    private final TopSvd svd;
    private final long seed;
    private final Supplier<? extends Collection<Parameter>> trainable;
    private int updates;
    private IntConsumer mergeProgress = done -> {};

    /**
     * @param trainable what the trainer zeroes and fills each step (the model's trainable
     *                  parameters); their gradients are kept across the closure
     */
    public LoqtOptimizer(Optimizer inner, List<LoqtLinear> layers, LoqtConfig cfg, TopSvd svd, long seed,
                         Supplier<? extends Collection<Parameter>> trainable) {
        this.inner = inner;
        this.layers = List.copyOf(layers);
        this.cfg = cfg;
        this.svd = svd;
        this.seed = seed;
        this.trainable = trainable;
    }

    @Override
    public void step(double lr) {
        if (cfg.schedule().isUpdate(inner.steps())) {
            throw new IllegalStateException("LoQT's update step " + inner.steps() + " needs a fresh gradient: call step(lr, closure)");
        }
        inner.step(lr);
    }

    @Override
    public void step(double lr, Closure closure) {
        if (cfg.schedule().isUpdate(inner.steps())) update(closure);
        inner.step(lr);
    }

    /** Called with the number of layers done so far as each layer finishes a layer-by-layer merge (benchmarks show it). */
    public void reportMerges(IntConsumer layersDone) {
        this.mergeProgress = layersDone;
    }

    /** Whether the coming step merges (an update step of the schedule). */
    public boolean mergesNext() {
        return cfg.schedule().isUpdate(inner.steps());
    }

    /** The LoQT layers this optimizer merges. */
    public int layerCount() {
        return layers.size();
    }

    /** How many merges and re-initialisations have run. */
    public int updates() {
        return updates;
    }

    private void update(Closure closure) {
        List<Parameter> factors = new ArrayList<>(layers.size());
        for (LoqtLinear l : layers) factors.add(l.factor());
        // The pass overwrites every gradient; the step then uses the trainer's for everything but
        // the factors, whose gradients are zeroed below, so theirs need no copy (7B, rank 128: 0.8 GB).
        Set<Parameter> factorSet = Collections.newSetFromMap(new IdentityHashMap<>());
        factorSet.addAll(factors);
        Map<Parameter, float[]> kept = new IdentityHashMap<>();
        for (Parameter p : trainable.get()) if (p.grad() != null && !factorSet.contains(p)) kept.put(p, p.grad().data.clone());
        if (closure.singleBackward()) mergeLayerByLayer(closure);
        else mergeAllAtOnce(closure);
        kept.forEach((p, g) -> {
            if (p.grad() != null && p.grad().data.length == g.length) System.arraycopy(g, 0, p.grad().data, 0, g.length);
        });
        for (Parameter f : factors) f.zeroGrad();
        if (cfg.resetAdapterState()) inner.resetState(factors);
        updates++;
    }

    /**
     * Each layer merges, takes its gradient and re-initialises inside the one backward of the
     * closure, so at most one layer's float W and ∂L/∂W exist at a time (the authors' per-layer hooks).
     */
    private void mergeLayerByLayer(Closure closure) {
        long layerSeed = mergeSeed();
        int[] done = {0};
        for (LoqtLinear l : layers) l.beginLayerwiseUpdate(svd, layerSeed++, () -> mergeProgress.accept(++done[0]));
        closure.reevaluate();
        for (LoqtLinear l : layers) {
            if (l.updatePending()) throw new IllegalStateException(l.modulePath() + ": no gradient reached this LoQT layer on its merge step");
        }
    }

    /**
     * Every layer holds a float W until the closure's gradients are final: needed when the closure
     * sums micro-batches or averages across replicas, which a layer cannot see from its backward.
     */
    private void mergeAllAtOnce(Closure closure) {
        for (LoqtLinear l : layers) l.beginUpdate();
        closure.reevaluate();
        long layerSeed = mergeSeed();
        for (LoqtLinear l : layers) l.finishUpdate(svd, layerSeed++);
    }

    /**
     * The first layer's SVD seed at this merge (the others follow it): new at every merge, so a
     * randomized SVD draws a new test matrix each time instead of the same one, and a function of
     * the step count alone, so a resumed run draws what the uninterrupted one drew.
     */
    private long mergeSeed() {
        return seed + (long) layers.size() * inner.steps();
    }

    @Override
    public long steps() {
        return inner.steps();
    }

    @Override
    public void resetState(Collection<Parameter> parameters) {
        inner.resetState(parameters);
    }

    @Override
    public Map<String, Tensor> state() {
        return inner.state();
    }

    /**
     * The inner optimizer's state is all there is: where the schedule stands follows from the step
     * count, the SVD seeds follow from it and the layer, and B's moments are the inner state of B. The model
     * loads first, so a layer without P here means the checkpoint lacks its LoQT state: step 0
     * always merges, so past it every layer has one.
     */
    @Override
    public void loadState(Map<String, Tensor> state, long steps) {
        if (steps > 0) {
            for (LoqtLinear l : layers) {
                if (!l.initialized()) {
                    throw new Lowrank4jException(l.modulePath() + ": the checkpoint holds no LoQT state (P, and W in NF4 for loqt)"
                            + " for this layer after step " + steps + "; was it written by another method or an older lowrank4j?");
                }
            }
        }
        inner.loadState(state, steps);
        updates = steps == 0 ? 0 : cfg.schedule().steps(steps - 1).size();
    }

    @Override
    public Collection<? extends Accounted> memory() {
        return inner.memory();
    }
}
