package dev.lowrank4j.data.images;

import dev.lowrank4j.util.Rng;

import java.util.Arrays;

/**
 * A seeded train/test split that keeps every label's share: for each label in ascending order, its
 * example indices (ascending) are shuffled and the first round(n·testFraction) go to the test
 * set. Both halves are then shuffled with the same stream, so "the first N training examples" is
 * itself a mixed sample. The result depends only on (labels, testFraction, seed).
 */
final class StratifiedIndexSplit {
    private StratifiedIndexSplit() {}

    record Indices(int[] train, int[] test) {}

    static Indices split(int[] labels, int numClasses, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) throw new IllegalArgumentException("test fraction " + testFraction);
        Rng rng = new Rng(seed);
        int[] train = new int[labels.length], test = new int[labels.length];
        int nTrain = 0, nTest = 0;
        for (int label = 0; label < numClasses; label++) {
            int[] group = indicesOf(labels, label);
            EpochOrder.shuffle(group, rng);
            int cut = (int) Math.round(group.length * testFraction);
            System.arraycopy(group, 0, test, nTest, cut);
            System.arraycopy(group, cut, train, nTrain, group.length - cut);
            nTest += cut;
            nTrain += group.length - cut;
        }
        train = Arrays.copyOf(train, nTrain);
        test = Arrays.copyOf(test, nTest);
        EpochOrder.shuffle(train, rng);
        EpochOrder.shuffle(test, rng);
        return new Indices(train, test);
    }

    private static int[] indicesOf(int[] labels, int label) {
        int n = 0;
        for (int l : labels) if (l == label) n++;
        int[] out = new int[n];
        for (int i = 0, k = 0; i < labels.length; i++) if (labels[i] == label) out[k++] = i;
        return out;
    }
}
