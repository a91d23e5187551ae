package dev.lowrank4j.loqt;

import dev.lowrank4j.linalg.TopSvd;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.optim.Optimizer;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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

    /** How many merges and re-initialisations have run. */
    public int updates() {
        return updates;
    }

    private void update(Closure closure) {
        Map<Parameter, float[]> kept = new IdentityHashMap<>();
        for (Parameter p : trainable.get()) if (p.grad() != null) kept.put(p, p.grad().data.clone());
        for (LoqtLinear l : layers) l.beginUpdate();
        closure.reevaluate();
        long layerSeed = seed;
        for (LoqtLinear l : layers) l.finishUpdate(svd, layerSeed++);
        List<Parameter> factors = new ArrayList<>(layers.size());
        for (LoqtLinear l : layers) factors.add(l.factor());
        kept.forEach((p, g) -> {
            if (p.grad() != null && p.grad().data.length == g.length) System.arraycopy(g, 0, p.grad().data, 0, g.length);
        });
        for (Parameter f : factors) f.zeroGrad();
        if (cfg.resetAdapterState()) inner.resetState(factors);
        updates++;
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

    @Override
    public void loadState(Map<String, Tensor> state, long steps) {
        inner.loadState(state, steps);
    }

    @Override
    public Collection<? extends Accounted> memory() {
        return inner.memory();
    }
}
