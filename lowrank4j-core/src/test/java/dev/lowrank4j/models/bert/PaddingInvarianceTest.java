package dev.lowrank4j.models.bert;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Padding must not change a sequence's real-token outputs: the mask really hides the padded keys. */
class PaddingInvarianceTest {
    /** Same arithmetic on fewer keys; only summation order inside GEMMs may differ. */
    static final double TOLERANCE = 1e-5;

    @Test
    void paddedBatchEqualsEachSequenceAlone() {
        BertEncoder encoder = TinyBert.randomEncoder(8);
        int h = TinyBert.CONFIG.hiddenSize(), seq = TinyBert.SEQ;
        Tensor batched = BertEncoderGradientTest.forward(encoder).copy();
        // Sequence 1 alone, cut to its 4 real tokens.
        int[] ids = Arrays.copyOfRange(TinyBert.IDS, seq, seq + 4);
        int[] types = Arrays.copyOfRange(TinyBert.TYPES, seq, seq + 4);
        Tensor alone = encoder.forward(ids, null, types, 1, 4);
        for (int i = 0; i < 4 * h; i++) assertEquals(alone.data[i], batched.data[seq * h + i], TOLERANCE);
    }

    @Test
    void changingPaddedTokensChangesNoRealToken() {
        BertEncoder encoder = TinyBert.randomEncoder(9);
        int h = TinyBert.CONFIG.hiddenSize();
        Tensor before = BertEncoderGradientTest.forward(encoder).copy();
        int[] ids = TinyBert.IDS.clone();
        ids[3] = 13;  // the hole inside sequence 0
        ids[13] = 16; // trailing padding of sequence 1
        Tensor after = encoder.forward(ids, TinyBert.MASK, TinyBert.TYPES, TinyBert.BATCH, TinyBert.SEQ);
        for (int row = 0; row < TinyBert.MASK.length; row++) {
            if (TinyBert.MASK[row] == 0) continue;
            for (int j = 0; j < h; j++) assertEquals(before.data[row * h + j], after.data[row * h + j], TOLERANCE);
        }
        assertTrue(before.data[3 * h] != after.data[3 * h], "the padded row itself does change");
    }

    @Test
    void badMasksAndLengthsAreOneLineErrors() {
        BertEncoder encoder = TinyBert.randomEncoder(1);
        int[] ids = new int[10];
        var allPadding = assertThrows(Lowrank4jException.class, () -> encoder.forward(ids, new int[10], null, 2, 5));
        assertTrue(allPadding.getMessage().contains("no unmasked token"), allPadding.getMessage());
        var tooLong = assertThrows(Lowrank4jException.class, () -> encoder.forward(new int[10], null, null, 1, 10));
        assertTrue(tooLong.getMessage().contains("exceeds max_position_embeddings 9"), tooLong.getMessage());
        int[] badType = new int[5];
        badType[2] = 2;
        var type = assertThrows(Lowrank4jException.class, () -> encoder.forward(new int[5], null, badType, 1, 5));
        assertTrue(type.getMessage().contains("token type 2"), type.getMessage());
    }
}
