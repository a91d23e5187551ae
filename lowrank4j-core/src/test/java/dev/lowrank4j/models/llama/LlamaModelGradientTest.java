package dev.lowrank4j.models.llama;

import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole model's backward against finite differences of its loss, for every parameter tensor.
 * The loss for the differences is recomputed in double from the float logits so that the only
 * float noise left is the forward pass's own. With tied embeddings the shared weight must collect
 * both the embedding and the LM-head contributions, which this checks too.
 */
class LlamaModelGradientTest {
    private static final int BATCH = 2, SEQ = 9;

    @ParameterizedTest(name = "tied={0}")
    @ValueSource(booleans = {false, true})
    void everyParameterGradientMatchesFiniteDifferences(boolean tied) {
        SplittableRandom rng = new SplittableRandom(tied ? 5 : 6);
        LlamaModel model = TinyLlama.withLivelyWeights(tied, 3);
        int[] ids = TinyLlama.randomIds(rng, BATCH * SEQ);
        int[] targets = CausalLmTargets.shifted(ids, BATCH, SEQ);
        model.zeroGrad();
        model.lossAndBackward(ids, targets, BATCH, SEQ);

        List<String> failures = new ArrayList<>();
        long seed = 100;
        for (Parameter p : model.parameters()) {
            float[] analytic = p.grad().data.clone();
            double err = GradCheck.worstError(() -> meanCrossEntropy(model.forward(ids, BATCH, SEQ), targets),
                    p.data(), analytic, seed++);
            if (!(err <= GradCheck.RELATIVE_TOLERANCE)) failures.add(p.name() + " " + err);
        }
        assertTrue(failures.isEmpty(), "gradient mismatches: " + failures);
    }

    static double meanCrossEntropy(Tensor logits, int[] targets) {
        int vocab = logits.dim(1);
        double sum = 0;
        int count = 0;
        for (int r = 0; r < targets.length; r++) {
            if (targets[r] < 0) continue;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < vocab; j++) max = Math.max(max, logits.data[r * vocab + j]);
            double s = 0;
            for (int j = 0; j < vocab; j++) s += Math.exp(logits.data[r * vocab + j] - max);
            sum += max + Math.log(s) - logits.data[r * vocab + targets[r]];
            count++;
        }
        return sum / count;
    }
}
