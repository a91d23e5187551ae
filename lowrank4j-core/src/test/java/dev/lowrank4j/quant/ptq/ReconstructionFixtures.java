package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.models.bert.BertConfig;
import dev.lowrank4j.models.bert.BertEncoder;
import dev.lowrank4j.models.llama.LlamaConfig;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small models with weights large enough that rounding matters, and their embedded calibration samples. */
final class ReconstructionFixtures {
    static final int SEQ = 6;
    static final LlamaConfig LLAMA = new LlamaConfig(37, 16, 24, 2, 2, 1, 8, 1e-5, 10000.0, false, 64, 0.02);
    static final BertConfig BERT = new BertConfig(23, 12, 2, 2, 20, 16, 2, 1e-12);

    private ReconstructionFixtures() {}

    /** The same weights for the same seed, so a test can keep a full-precision twin. */
    static LlamaModel llama(long seed) {
        LlamaModel model = new LlamaModel(LLAMA, seed);
        SplittableRandom rng = new SplittableRandom(seed);
        for (Parameter p : model.parameters()) {
            if (p.value().rank() == 1) GradCheck.fillRandom(p, rng, 1, 0.2);
            else GradCheck.fillRandom(p, rng, 0, 0.3);
        }
        return model;
    }

    static BertEncoder bert(long seed) {
        BertEncoder encoder = new BertEncoder(BERT, seed);
        SplittableRandom rng = new SplittableRandom(seed);
        for (Parameter p : encoder.parameters()) {
            if (p.name().endsWith("LayerNorm.weight")) GradCheck.fillRandom(p, rng, 1.0, 0.3);
            else if (p.name().endsWith(".bias")) GradCheck.fillRandom(p, rng, 0.0, 0.2);
            else GradCheck.fillRandom(p, rng, 0.0, 0.5);
        }
        return encoder;
    }

    static int[][] ids(long seed, int samples, int vocab) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[][] out = new int[samples][SEQ];
        for (int[] s : out) for (int t = 0; t < SEQ; t++) s[t] = rng.nextInt(vocab);
        return out;
    }

    static CalibrationSet embedded(LlamaModel model, int[][] ids) {
        List<float[]> xs = new ArrayList<>();
        for (int[] s : ids) xs.add(model.embed(s).data.clone());
        return new CalibrationSet(xs, SEQ, model.config().hiddenSize());
    }

    static CalibrationSet embedded(BertEncoder encoder, int[][] ids) {
        List<float[]> xs = new ArrayList<>();
        for (int[] s : ids) xs.add(encoder.embed(s, null, 1, SEQ).data.clone());
        return new CalibrationSet(xs, SEQ, encoder.config().hiddenSize());
    }

    static ReconstructionOptions options(PtqMethod method, int bits, int iterations) {
        return new ReconstructionOptions(method, bits, GridInit.MIN_MAX, 0, iterations, 2, 1e-2, 7);
    }

    static Tensor concat(CalibrationSet set) {
        Tensor t = Tensor.zeros(set.size() * set.seq(), set.width());
        int[] all = new int[set.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        set.gather(all, t.data);
        return t;
    }
}
