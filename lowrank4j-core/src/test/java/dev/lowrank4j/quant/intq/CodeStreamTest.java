package dev.lowrank4j.quant.intq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lowrank4j.quant.CodeLanes;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CodeStreamTest {
    @Test
    void threeBitCodesFillThreeBytesMostSignificantBitFirst() {
        byte[] b = new byte[3];
        for (int i = 0; i < 8; i++) CodeStream.put(b, i, 3, i);
        // 000 001 010 011 100 101 110 111
        assertArrayEquals(new byte[] {0b0000_0101, 0b0011_1001, 0b0111_0111}, b);
    }

    @Test
    void fourBitCodesKeepTheHighNibbleFirstLayout() {
        byte[] b = new byte[2];
        CodeStream.put(b, 0, 4, 0xA);
        CodeStream.put(b, 1, 4, 0x3);
        CodeStream.put(b, 2, 4, 0xF);
        assertArrayEquals(new byte[] {(byte) 0xA3, (byte) 0xF0}, b);
    }

    @Test
    void everyWidthReadsBackWhatWasWrittenAndUsesCeilOfBitsOverEightBytes() {
        SplittableRandom r = new SplittableRandom(3);
        for (int w = 2; w <= 8; w++) {
            for (int n : new int[] {1, 7, 8, 9, 61, 1000}) {
                int[] q = new int[n];
                byte[] b = new byte[CodeStream.arrayBytesFor(n, w)];
                assertEquals((n * w + 7) / 8, b.length);
                for (int i = 0; i < n; i++) CodeStream.put(b, i, w, q[i] = r.nextInt(1 << w));
                for (int i = 0; i < n; i++) assertEquals(q[i], CodeStream.get(b, i, w), "w " + w + " n " + n + " i " + i);
            }
        }
    }

    @Test
    void vectorDecodeOfEveryNarrowWidthMatchesTheScalarOne() {
        SplittableRandom r = new SplittableRandom(4);
        for (int w = 2; w < 8; w++) {
            int n = 4 * CodeLanes.LANES;
            byte[] b = new byte[CodeStream.arrayBytesFor(n, w) + CodeLanes.LANES];
            for (int i = 0; i < n; i++) CodeStream.put(b, i, w, r.nextInt(1 << w));
            for (int start = 0; start + CodeLanes.LANES <= n; start += CodeStream.byteAlignedEvery(w)) {
                int[] lanes = CodeLanes.bitCodes(CodeLanes.load(b, CodeStream.byteOf(start, w)), w).toArray();
                for (int j = 0; j < CodeLanes.LANES; j++) {
                    assertEquals(CodeStream.get(b, start + j, w), lanes[j], "w " + w + " start " + start + " lane " + j);
                }
            }
        }
    }
}
