package dev.lowrank4j.tasks.vision;

import dev.lowrank4j.data.images.EpochOrder;
import dev.lowrank4j.data.images.ImageBatch;
import dev.lowrank4j.data.images.ImageDataset;
import dev.lowrank4j.data.images.ImageSplit;
import dev.lowrank4j.train.BatchStream;
import dev.lowrank4j.train.TrainingData;
import dev.lowrank4j.util.Rng;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An image split as training data: shuffled epochs ({@link EpochOrder}, the last batch shorter, as
 * the DLRT scripts' DataLoader) from one seeded generator, and for evaluation the whole test set
 * followed by the training set (or its first {@code trainEvalLimit} images in a fixed random
 * order when it is larger), so that one evaluation reports train and test accuracy. A stream
 * position is the generator state at the start of the epoch plus epoch and batch index.
 */
public final class ImageBatches implements TrainingData<SplitBatch> {
    private static final long ORDER_SALT = 0x1A6E_5EED_0000_0002L;
    private static final String EPOCH_RNG = "epoch_rng_state", EPOCH = "epoch", INDEX = "index";

    private final ImageDataset train, test;
    private final int batchSize, evalBatchSize;
    private final int[] trainEvalIndices;

    public ImageBatches(ImageSplit split, int batchSize, int evalBatchSize, int trainEvalLimit) {
        this.train = split.train();
        this.test = split.test();
        this.batchSize = batchSize;
        this.evalBatchSize = evalBatchSize;
        int[] order = train.size() <= trainEvalLimit ? identity(train.size())
                : java.util.Arrays.copyOf(EpochOrder.permutation(train.size(), new Rng(ORDER_SALT)), trainEvalLimit);
        this.trainEvalIndices = order;
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    public int batchesPerEpoch() {
        return (train.size() + batchSize - 1) / batchSize;
    }

    public ImageDataset train() {
        return train;
    }

    public ImageDataset test() {
        return test;
    }

    /** How many training images each evaluation's train accuracy covers. */
    public int trainEvalImages() {
        return trainEvalIndices.length;
    }

    @Override
    public BatchStream<SplitBatch> trainStream(long seed) {
        return new BatchStream<>() {
            private final Rng rng = new Rng(seed ^ ORDER_SALT);
            private long epochStartState = rng.state();
            private long epoch;
            private int index;
            private List<int[]> plan = EpochOrder.batches(train.size(), batchSize, rng);
            private ImageBatch reuse;

            @Override
            public SplitBatch next() {
                if (index == plan.size()) {
                    epochStartState = rng.state();
                    plan = EpochOrder.batches(train.size(), batchSize, rng);
                    epoch++;
                    index = 0;
                }
                reuse = train.batch(plan.get(index++), reuse); // one batch at a time: the trainer never holds two (accum 1)
                return new SplitBatch(SplitBatch.TRAIN, reuse);
            }

            @Override
            public Map<String, Long> position() {
                return Map.of(EPOCH_RNG, epochStartState, EPOCH, epoch, INDEX, (long) index);
            }

            @Override
            public void seek(Map<String, Long> position) {
                rng.setState(BatchStream.require(position, EPOCH_RNG));
                epochStartState = rng.state();
                plan = EpochOrder.batches(train.size(), batchSize, rng);
                epoch = BatchStream.require(position, EPOCH);
                index = Math.toIntExact(BatchStream.require(position, INDEX));
            }
        };
    }

    /** The test set, then the training images of {@link #trainEvalImages()}, in batches made as they are read. */
    @Override
    public Iterable<SplitBatch> evaluationBatches() {
        List<Object[]> plan = new ArrayList<>();
        for (int start = 0; start < test.size(); start += evalBatchSize) {
            plan.add(new Object[] {SplitBatch.TEST, range(start, Math.min(test.size(), start + evalBatchSize))});
        }
        for (int start = 0; start < trainEvalIndices.length; start += evalBatchSize) {
            plan.add(new Object[] {SplitBatch.TRAIN, java.util.Arrays.copyOfRange(trainEvalIndices, start,
                    Math.min(trainEvalIndices.length, start + evalBatchSize))});
        }
        return () -> new Iterator<>() {
            private int next;
            private ImageBatch testReuse, trainReuse;

            @Override
            public boolean hasNext() {
                return next < plan.size();
            }

            @Override
            public SplitBatch next() {
                Object[] p = plan.get(next++);
                String split = (String) p[0];
                int[] idx = (int[]) p[1];
                if (split.equals(SplitBatch.TEST)) return new SplitBatch(split, testReuse = test.batch(idx, testReuse));
                return new SplitBatch(split, trainReuse = train.batch(idx, trainReuse));
            }
        };
    }

    private static int[] range(int from, int to) {
        int[] a = new int[to - from];
        for (int i = 0; i < a.length; i++) a[i] = from + i;
        return a;
    }

    @Override
    public long units(SplitBatch b) {
        return b.batch().size();
    }

    @Override
    public String unit() {
        return "examples";
    }
}
