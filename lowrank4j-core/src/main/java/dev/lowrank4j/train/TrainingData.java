package dev.lowrank4j.train;

/**
 * Where a run's batches come from: a seeded training stream and fixed held-out batches, plus the
 * unit throughput is counted in (tokens for language models, examples for classifiers).
 */
public interface TrainingData<B> {
    /** The training stream of a run seeded with {@code seed}, at its start. */
    BatchStream<B> trainStream(long seed);

    /** The same held-out batches at every evaluation. */
    Iterable<B> evaluationBatches();

    /** How many units (see {@link #unit()}) a batch holds. */
    long units(B batch);

    /** "tokens" or "examples": names the throughput metrics (tokens_per_second, ...). */
    String unit();
}
