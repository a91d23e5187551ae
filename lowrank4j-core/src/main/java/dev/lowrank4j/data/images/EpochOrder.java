package dev.lowrank4j.data.images;

import dev.lowrank4j.util.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * Which examples each batch of an epoch takes: a seeded random permutation cut into batches of
 * {@code batchSize}, the last one shorter when the size does not divide (as a PyTorch DataLoader
 * with shuffle=True and drop_last=False, the DLRT scripts' setting). The order is a function of
 * the {@link Rng}'s state only, so a run that saves the state replays its epochs exactly.
 */
public final class EpochOrder {
    private EpochOrder() {}

    /** Batches of indices into [0, examples); every index appears exactly once. */
    public static List<int[]> batches(int examples, int batchSize, Rng rng) {
        if (batchSize < 1) throw new dev.lowrank4j.Lowrank4jException("batch size must be >= 1, got " + batchSize);
        int[] order = permutation(examples, rng);
        List<int[]> out = new ArrayList<>((examples + batchSize - 1) / batchSize);
        for (int start = 0; start < examples; start += batchSize) {
            out.add(java.util.Arrays.copyOfRange(order, start, Math.min(examples, start + batchSize)));
        }
        return out;
    }

    /** 0 … n−1 in a random order (Fisher–Yates). */
    public static int[] permutation(int n, Rng rng) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        shuffle(order, rng);
        return order;
    }

    static void shuffle(int[] a, Rng rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
