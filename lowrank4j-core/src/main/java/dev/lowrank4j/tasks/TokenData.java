package dev.lowrank4j.tasks;

import dev.lowrank4j.data.TokenDataset;
import dev.lowrank4j.train.BatchStream;
import dev.lowrank4j.train.TrainingData;
import dev.lowrank4j.util.Rng;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A token corpus as training data: random windows of {@code seq} tokens for training (the data
 * order is a seeded generator whose state is the stream's whole position) and the same
 * {@code evalBatches} fixed validation batches at every evaluation.
 */
public final class TokenData implements TrainingData<TokenDataset.Batch> {
    /** Seeds the data-order stream apart from model init, which uses the seed directly. */
    private static final long DATA_SEED_SALT = 0x5DEECE66DL;
    private static final String RNG_STATE = "rng_state";

    private final TokenDataset dataset;
    private final int batch, seq, evalBatches;

    public TokenData(TokenDataset dataset, int batch, int seq, int evalBatches) {
        this.dataset = dataset;
        this.batch = batch;
        this.seq = seq;
        this.evalBatches = evalBatches;
    }

    @Override
    public BatchStream<TokenDataset.Batch> trainStream(long seed) {
        Rng rng = new Rng(seed ^ DATA_SEED_SALT);
        return new BatchStream<>() {
            @Override
            public TokenDataset.Batch next() {
                return dataset.sampleTrain(rng, batch, seq);
            }

            @Override
            public Map<String, Long> position() {
                return Map.of(RNG_STATE, rng.state());
            }

            @Override
            public void seek(Map<String, Long> position) {
                rng.setState(BatchStream.require(position, RNG_STATE));
            }
        };
    }

    @Override
    public Iterable<TokenDataset.Batch> evaluationBatches() {
        List<TokenDataset.Batch> out = new ArrayList<>(evalBatches);
        for (int i = 0; i < evalBatches; i++) out.add(dataset.valBatch(i, batch, seq));
        return out;
    }

    /**
     * The test batches for the one evaluation after training: as many as validation uses, from the
     * test part's own fixed tiling (the whole test part when it is shorter).
     */
    public List<TokenDataset.Batch> testBatches() {
        int n = Math.max(1, Math.min(evalBatches, dataset.testWindows(seq) / batch));
        List<TokenDataset.Batch> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(dataset.testBatch(i, batch, seq));
        return out;
    }

    @Override
    public long units(TokenDataset.Batch b) {
        return (long) b.batch() * b.seq();
    }

    @Override
    public String unit() {
        return "tokens";
    }
}
