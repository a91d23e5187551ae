package dev.lowrank4j.models.llama;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A normal stream filled in pieces (what GeneratedWeights does in parallel) equals one fill. */
class WeightInitPiecesTest {
    @Test
    void piecesGiveTheWholeStream() {
        int n = 1001; // odd: the last pair has no twin
        float[] whole = new float[n], pieces = new float[n];
        long stream = WeightInit.streamSeed(42, "model.layers.0.mlp.up_proj.weight");
        WeightInit.normal(whole, stream, 0.02, 0, n);
        int[] cuts = {0, 2, 64, 500, 998, n};
        for (int k = 0; k + 1 < cuts.length; k++) WeightInit.normal(pieces, stream, 0.02, cuts[k], cuts[k + 1]);
        assertArrayEquals(whole, pieces, 0f);
        assertThrows(IllegalArgumentException.class, () -> WeightInit.normal(pieces, stream, 0.02, 3, 10));
    }
}
