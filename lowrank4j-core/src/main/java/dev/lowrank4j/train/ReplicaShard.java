package dev.lowrank4j.train;

/**
 * One data-parallel replica's share of any {@link TrainingData}: each step every replica draws the
 * same N batches from the same seeded stream and keeps batch {@code rank}. N replicas at batch b
 * therefore see exactly the batches one process sees with {@code accum} N at batch b (for random
 * token windows: one batch of N·b), and the stream position, the same on every replica, is what a
 * checkpoint saves. Evaluation batches are not sharded: every replica evaluates all of them.
 */
public final class ReplicaShard<B> implements TrainingData<B> {
    private final TrainingData<B> data;
    private final Replica replica;

    private ReplicaShard(TrainingData<B> data, Replica replica) {
        this.data = data;
        this.replica = replica;
    }

    /** {@code data} itself for a single process. */
    public static <B> TrainingData<B> of(TrainingData<B> data, Replica replica) {
        return replica.count() == 1 ? data : new ReplicaShard<>(data, replica);
    }

    @Override
    public BatchStream<B> trainStream(long seed) {
        BatchStream<B> all = data.trainStream(seed);
        return new BatchStream<>() {
            @Override
            public B next() {
                B mine = null;
                for (int r = 0; r < replica.count(); r++) {
                    B b = all.next();
                    if (r == replica.rank()) mine = b;
                }
                return mine;
            }

            @Override
            public java.util.Map<String, Long> position() {
                return all.position();
            }

            @Override
            public void seek(java.util.Map<String, Long> position) {
                all.seek(position);
            }
        };
    }

    @Override
    public Iterable<B> evaluationBatches() {
        return data.evaluationBatches();
    }

    @Override
    public long units(B batch) {
        return data.units(batch);
    }

    @Override
    public String unit() {
        return data.unit();
    }
}
