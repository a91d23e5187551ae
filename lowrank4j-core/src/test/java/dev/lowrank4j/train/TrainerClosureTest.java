package dev.lowrank4j.train;

import dev.lowrank4j.data.ByteTokenizer;
import dev.lowrank4j.data.Corpus;
import dev.lowrank4j.data.TokenDataset;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.optim.Optimizer;
import dev.lowrank4j.tasks.CausalLm;
import dev.lowrank4j.tasks.ModelShape;
import dev.lowrank4j.tasks.TokenData;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The closure the trainer hands to {@link Optimizer#step(double, Optimizer.Closure)} re-runs the
 * step's own micro-batches at the current weights: what DLRT's S-step needs after its basis change.
 */
class TrainerClosureTest {
    private static final ModelShape SHAPE = new ModelShape(256, 16, 1, 2, 2, 24, 16);

    /** Plain SGD that, before updating, probes the closure the way a two-pass integrator would. */
    private static final class ProbingSgd implements Optimizer {
        private final List<Parameter> params;
        final List<Double> stepLosses = new ArrayList<>(), closureLosses = new ArrayList<>();
        boolean gradientsChangedWithTheWeights;
        private long steps;

        ProbingSgd(List<Parameter> params) {
            this.params = params;
        }

        @Override
        public void step(double lr) {
            throw new AssertionError("the trainer must pass its closure");
        }

        @Override
        public void step(double lr, Closure closure) {
            Parameter w = params.get(1);
            float[] before = w.grad().data.clone();
            float saved = w.data()[0];
            w.data()[0] += 0.05f; // as a basis change would: new weights, same batch
            closure.reevaluate();
            gradientsChangedWithTheWeights |= !Arrays.equals(before, w.grad().data);
            w.data()[0] = saved;
            closureLosses.add(closure.reevaluate());
            assertArrayEquals(before, w.grad().data, 0f, "same weights, same batch: the closure must give the step's gradient");
            for (Parameter p : params) {
                float[] d = p.data(), g = p.grad().data;
                for (int i = 0; i < d.length; i++) d[i] -= (float) (lr * g[i]);
            }
            steps++;
        }

        @Override
        public long steps() {
            return steps;
        }

        @Override
        public void resetState(Collection<Parameter> parameters) {}

        @Override
        public Map<String, Tensor> state() {
            return Map.of();
        }

        @Override
        public void loadState(Map<String, Tensor> state, long steps) {
            this.steps = steps;
        }

        @Override
        public Collection<? extends Accounted> memory() {
            return List.of();
        }
    }

    @Test
    void theClosureRecomputesTheStepsMicroBatchesAtTheCurrentWeights(@TempDir Path tmp) {
        TrainConfig cfg = TrainConfig.builder().steps(3).batch(2).seq(16).accum(2).lr(1e-2).warmup(0).clip(0)
                .evalBatches(1).checkpointEvery(3).seed(4).build();
        LlamaModel model = new LlamaModel(SHAPE.toConfig(), 4);
        TokenDataset tokens = new TokenDataset(ByteTokenizer.encode(Arrays.copyOf(Corpus.embedded(), 5000)), 0.1, cfg.seq());
        ProbingSgd sgd = new ProbingSgd(model.parameters());
        new Trainer<>(new CausalLm(model), new TokenData(tokens, cfg.batch(), cfg.seq(), 1), cfg, tmp, sgd)
                .listener(new TrainListener() {
                    @Override
                    public void onStep(StepStats s) {
                        sgd.stepLosses.add(s.loss());
                    }
                }).run(false);
        assertEquals(sgd.stepLosses, sgd.closureLosses, "the closure's loss is the step's (mean over micro-batches)");
        assertTrue(sgd.gradientsChangedWithTheWeights, "the closure must compute at the weights as they are now");
    }
}
