package dev.lowrank4j.tasks.classify;

import dev.lowrank4j.train.BatchStream;
import dev.lowrank4j.train.TrainingData;
import dev.lowrank4j.util.Rng;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Tokenised labelled texts as training data: epochs of length-grouped shuffled batches
 * ({@link BatchPlan#trainEpoch}) drawn from one seeded generator; the validation examples (what the
 * trainer evaluates on) and the test examples (scored once, at the end) sorted by length. A stream position is the generator's state at the start of the current
 * epoch plus the epoch and batch index, so a resumed run rebuilds the same epoch and continues
 * mid-way.
 */
public final class TextBatches implements TrainingData<LabeledBatch> {
    /** Salts the batch-order stream apart from the split and init streams. */
    private static final long ORDER_SALT = 0x0DE2_5EED_0000_0001L;
    private static final String EPOCH_RNG = "epoch_rng_state", EPOCH = "epoch", INDEX = "index";

    private final List<EncodedText> train, val, test;
    private final int batchSize, evalBatchSize;
    private final int[] lengths;

    public TextBatches(List<EncodedText> train, List<EncodedText> val, List<EncodedText> test, int batchSize, int evalBatchSize) {
        this.train = List.copyOf(train);
        this.val = List.copyOf(val);
        this.test = List.copyOf(test);
        this.batchSize = batchSize;
        this.evalBatchSize = evalBatchSize;
        this.lengths = train.stream().mapToInt(EncodedText::length).toArray();
    }

    public int trainExamples() {
        return train.size();
    }

    public int valExamples() {
        return val.size();
    }

    public int testExamples() {
        return test.size();
    }

    public int batchesPerEpoch() {
        return BatchPlan.batchesPerEpoch(train.size(), batchSize);
    }

    @Override
    public BatchStream<LabeledBatch> trainStream(long seed) {
        return new BatchStream<>() {
            private final Rng rng = new Rng(seed ^ ORDER_SALT);
            private long epochStartState = rng.state();
            private long epoch;
            private int index;
            private List<int[]> plan = BatchPlan.trainEpoch(lengths, batchSize, rng);

            @Override
            public LabeledBatch next() {
                if (index == plan.size()) {
                    epochStartState = rng.state();
                    plan = BatchPlan.trainEpoch(lengths, batchSize, rng);
                    epoch++;
                    index = 0;
                }
                return batch(train, plan.get(index++));
            }

            @Override
            public Map<String, Long> position() {
                return Map.of(EPOCH_RNG, epochStartState, EPOCH, epoch, INDEX, (long) index);
            }

            @Override
            public void seek(Map<String, Long> position) {
                rng.setState(BatchStream.require(position, EPOCH_RNG));
                epochStartState = rng.state();
                plan = BatchPlan.trainEpoch(lengths, batchSize, rng);
                epoch = BatchStream.require(position, EPOCH);
                index = Math.toIntExact(BatchStream.require(position, INDEX));
            }
        };
    }

    /** The validation batches: the only held-out data training ever looks at. */
    @Override
    public Iterable<LabeledBatch> evaluationBatches() {
        return sortedBatches(val);
    }

    /** The test batches, for the one evaluation after training. */
    public Iterable<LabeledBatch> testBatches() {
        return sortedBatches(test);
    }

    private List<LabeledBatch> sortedBatches(List<EncodedText> examples) {
        return sortedBatches(examples, evalBatchSize);
    }

    /** Held-out batches of {@code batchSize} examples of similar length (the order never depends on a seed). */
    static List<LabeledBatch> sortedBatches(List<EncodedText> examples, int evalBatchSize) {
        int[] lengths = examples.stream().mapToInt(EncodedText::length).toArray();
        List<LabeledBatch> out = new ArrayList<>();
        for (int[] idx : BatchPlan.byLength(lengths, evalBatchSize)) out.add(batch(examples, idx));
        return out;
    }

    private static LabeledBatch batch(List<EncodedText> examples, int[] idx) {
        long real = 0;
        for (int i : idx) real += examples.get(i).length();
        return new LabeledBatch(TextEncoding.collate(examples, idx), TextEncoding.labels(examples, idx), real);
    }

    @Override
    public long units(LabeledBatch b) {
        return b.size();
    }

    @Override
    public String unit() {
        return "examples";
    }
}
