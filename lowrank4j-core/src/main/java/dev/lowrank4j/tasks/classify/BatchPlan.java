package dev.lowrank4j.tasks.classify;

import dev.lowrank4j.util.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Which examples go into which batch. Training uses length-grouped random batches
 * (transformers' {@code group_by_length}): shuffle, cut into mega-batches of
 * {@value #MEGABATCH_BATCHES} batches, sort each mega-batch by length, cut into batches and shuffle
 * the batch order. Batches then hold similar lengths, so little compute goes to padding, while
 * every epoch still sees a fresh random grouping. Evaluation simply sorts by length.
 */
final class BatchPlan {
    /** Large enough to find similar lengths, small enough that batches still mix labels and groups. */
    static final int MEGABATCH_BATCHES = 8;

    private BatchPlan() {}

    /** One epoch's batches of indices into {@code lengths}; every index appears once. */
    static List<int[]> trainEpoch(int[] lengths, int batchSize, Rng rng) {
        Integer[] order = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
        List<Integer> shuffled = new ArrayList<>(Arrays.asList(order));
        rng.shuffle(shuffled);
        int mega = MEGABATCH_BATCHES * batchSize;
        List<int[]> batches = new ArrayList<>();
        for (int start = 0; start < shuffled.size(); start += mega) {
            List<Integer> group = new ArrayList<>(shuffled.subList(start, Math.min(shuffled.size(), start + mega)));
            group.sort(Comparator.comparingInt((Integer i) -> -lengths[i])); // stable: ties keep the shuffled order
            batches.addAll(chunks(group, batchSize));
        }
        rng.shuffle(batches);
        return batches;
    }

    /** Evaluation batches: indices sorted by length (ties by index), cut in order. */
    static List<int[]> byLength(int[] lengths, int batchSize) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, lengths.length).boxed().toList());
        order.sort(Comparator.comparingInt((Integer i) -> lengths[i]).thenComparingInt(i -> i));
        return chunks(order, batchSize);
    }

    static int batchesPerEpoch(int examples, int batchSize) {
        return (examples + batchSize - 1) / batchSize;
    }

    private static List<int[]> chunks(List<Integer> order, int size) {
        List<int[]> out = new ArrayList<>();
        for (int s = 0; s < order.size(); s += size) {
            out.add(order.subList(s, Math.min(order.size(), s + size)).stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }
}
