package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.quant.intq.IntTensor;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class IntPackingTest {
    @Test
    void packedStorageDequantizesToTheSameFloats() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int bits = 2; bits <= 8; bits++) {
            Tensor w = QuantizerFixtures.weight(rng, 5, 7); // odd element count: the last nibble is padding
            QuantizedWeight q = RoundToNearest.quantize("w", w, GridInit.MIN_MAX.grid("w", w, bits));
            IntTensor packed = IntPacking.pack(q);
            assertEquals("int" + bits, packed.format());
            assertArrayEquals(q.dequantize().data, packed.dequantize(), "bits " + bits);
            // b bits per code, rounded up to whole bytes, plus a float scale and a byte zero per row.
            assertEquals((35 * bits + 7) / 8 + 5 * 5, packed.bytes(), "bits " + bits);
        }
    }
}
