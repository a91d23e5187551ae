package dev.lowrank4j.tasks.classify;

import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchPlanTest {
    static final int EXAMPLES = 1000;
    static final int BATCH = 16;

    private static int[] lengths() {
        Rng rng = new Rng(5);
        return IntStream.range(0, EXAMPLES).map(i -> 3 + rng.nextInt(126)).toArray();
    }

    @Test
    void everyExampleOncePerEpochInCeilNOverBBatches() {
        List<int[]> batches = BatchPlan.trainEpoch(lengths(), BATCH, new Rng(1));
        assertEquals(BatchPlan.batchesPerEpoch(EXAMPLES, BATCH), batches.size());
        int[] all = batches.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertArrayEquals(IntStream.range(0, EXAMPLES).toArray(), all);
    }

    @Test
    void sameSeedSameOrderAndEpochsDiffer() {
        int[] len = lengths();
        Rng a = new Rng(9), b = new Rng(9);
        List<int[]> a1 = BatchPlan.trainEpoch(len, BATCH, a), b1 = BatchPlan.trainEpoch(len, BATCH, b);
        for (int i = 0; i < a1.size(); i++) assertArrayEquals(a1.get(i), b1.get(i));
        List<int[]> a2 = BatchPlan.trainEpoch(len, BATCH, a);
        assertNotEquals(Arrays.toString(a1.get(0)), Arrays.toString(a2.get(0)));
    }

    @Test
    void groupingByLengthCutsPadding() {
        int[] len = lengths();
        long grouped = padded(BatchPlan.trainEpoch(len, BATCH, new Rng(2)), len);
        long random = 0;
        for (int s = 0; s < EXAMPLES; s += BATCH) {
            int max = 0;
            for (int i = s; i < Math.min(EXAMPLES, s + BATCH); i++) max = Math.max(max, len[i]);
            random += (long) max * (Math.min(EXAMPLES, s + BATCH) - s);
        }
        // with lengths uniform in [3, 128], sorting mega-batches of 8 batches should save well over a third
        assertTrue(grouped < 0.7 * random, "grouped " + grouped + " vs random " + random);
    }

    @Test
    void evaluationBatchesAreSortedByLength() {
        int[] len = lengths();
        int prev = 0;
        for (int[] b : BatchPlan.byLength(len, 64)) {
            for (int i : b) {
                assertTrue(len[i] >= prev);
                prev = len[i];
            }
        }
    }

    private static long padded(List<int[]> batches, int[] len) {
        long total = 0;
        for (int[] b : batches) total += (long) Arrays.stream(b).map(i -> len[i]).max().orElse(0) * b.length;
        return total;
    }
}
