package dev.lowrank4j.bounds;

import dev.lowrank4j.data.images.EpochOrder;
import dev.lowrank4j.data.images.ImageBatch;
import dev.lowrank4j.data.images.ImageDataset;
import dev.lowrank4j.models.vision.Accuracy;
import dev.lowrank4j.models.vision.ImageClassifier;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.optim.AdamW;
import dev.lowrank4j.util.Rng;

import java.util.List;
import java.util.function.IntConsumer;

/**
 * The small epoch loop of the bounds experiments: AdamW on softmax cross-entropy, plus
 * optionally the {@link OrthogonalityPenalty} on the chosen weights. It deliberately has no
 * checkpoints or resume (runs take seconds); the engine's {@code Trainer} gets a vision
 * adapter with the DLRT work, and these experiments can move onto it then.
 */
public final class ClassifierTraining {
    public record Settings(int epochs, int batch, double lr, double penalty, long seed) {}

    /** Loss and accuracy of a model on a whole split. */
    public record Evaluation(double loss, double accuracy) {}

    private ClassifierTraining() {}

    /** Trains in place; {@code penalized} are the weights the penalty applies to; {@code afterEpoch} sees 1, 2, …. */
    public static void train(ImageClassifier model, ImageDataset train, Settings s, List<Parameter> penalized, IntConsumer afterEpoch) {
        AdamW opt = new AdamW(model.parameters(), AdamW.Hyper.defaults());
        Rng rng = new Rng(s.seed());
        ImageBatch batch = null;
        for (int epoch = 1; epoch <= s.epochs(); epoch++) {
            for (int[] idx : EpochOrder.batches(train.size(), s.batch(), rng)) {
                batch = train.batch(idx, batch);
                model.zeroGrad();
                model.lossAndBackward(batch.images(), batch.labels(), batch.size());
                if (s.penalty() > 0) for (Parameter w : penalized) OrthogonalityPenalty.addGradient(w, s.penalty());
                opt.step(s.lr());
            }
            afterEpoch.accept(epoch);
        }
    }

    public static Evaluation evaluate(ImageClassifier model, ImageDataset data) {
        double loss = 0;
        int correct = 0;
        ImageBatch batch = null;
        for (int start = 0; start < data.size(); start += 256) {
            int[] idx = new int[Math.min(256, data.size() - start)];
            for (int i = 0; i < idx.length; i++) idx[i] = start + i;
            batch = data.batch(idx, batch);
            loss += model.loss(batch.images(), batch.labels(), batch.size()) * (double) idx.length;
            correct += Accuracy.correct(model.forward(batch.images(), batch.size()), batch.labels());
        }
        return new Evaluation(loss / data.size(), correct / (double) data.size());
    }
}
