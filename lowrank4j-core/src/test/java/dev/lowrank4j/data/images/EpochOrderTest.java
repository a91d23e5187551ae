package dev.lowrank4j.data.images;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EpochOrderTest {
    @Test
    void epochOrderIsASeededPermutationCutIntoBatches() {
        List<int[]> batches = EpochOrder.batches(10, 4, new Rng(5));
        assertEquals(List.of(4, 4, 2), batches.stream().map(b -> b.length).toList(), "the last batch is short");
        int[] all = batches.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, all);
        Rng rng = new Rng(5);
        int[] first = EpochOrder.permutation(1000, rng), second = EpochOrder.permutation(1000, rng);
        assertArrayEquals(first, EpochOrder.permutation(1000, new Rng(5)), "a function of the generator's state");
        assertFalse(Arrays.equals(first, second), "the next epoch is another order");
        assertThrows(Lowrank4jException.class, () -> EpochOrder.batches(10, 0, new Rng(1)));
    }
}
