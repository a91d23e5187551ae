package dev.lowrank4j.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packs eight rows of row-major A into the eight-row micro-panel order ({@link GemmPacking#packA}:
 * step p's eight values side by side) sixteen steps at a time with 512-bit vectors: the 8×16 block
 * is loaded as eight row vectors and transposed by three rounds of two-source permutes, each
 * round exchanging one bit of the vector index with one bit of the lane index. Element by element
 * the same copy took 16 scalar loads and stores per 8 values; this one 8 loads, 24 permutes and
 * 8 stores per 128 (a probe on an Ice Lake Xeon: 1.1 → 4.2 G floats/s), which mattered in small
 * training steps, where packing A held 5% of a profile.
 */
final class EightRowPanelTranspose {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_512;
    /** Steps per block (one 512-bit vector of a row). */
    private static final int STEPS = 16;
    private static final int ROWS = 8;
    /** LOW[s] / HIGH[s]: round s's permute for the first and second output of each vector pair. */
    private static final IntVector[] LOW = new IntVector[3];
    private static final IntVector[] HIGH = new IntVector[3];

    static {
        buildNetwork();
    }

    private EightRowPanelTranspose() {}

    /**
     * dst[d + p·8 + r] = a[src + r·lda + p] for r < 8, p < kc; the same values as the scalar copy,
     * only moved differently.
     */
    static void pack(float[] a, int src, int lda, int kc, float[] dst, int d) {
        IntVector l0 = LOW[0], h0 = HIGH[0], l1 = LOW[1], h1 = HIGH[1], l2 = LOW[2], h2 = HIGH[2];
        int p = 0;
        for (; p + STEPS <= kc; p += STEPS) {
            int s = src + p;
            IntVector r0 = row(a, s), r1 = row(a, s + lda), r2 = row(a, s + 2 * lda), r3 = row(a, s + 3 * lda),
                    r4 = row(a, s + 4 * lda), r5 = row(a, s + 5 * lda), r6 = row(a, s + 6 * lda), r7 = row(a, s + 7 * lda);
            // Round 0 pairs vectors whose index differs in bit 0, round 1 in bit 1, round 2 in bit 2.
            IntVector a0 = l0.selectFrom(r0, r1), a1 = h0.selectFrom(r0, r1), a2 = l0.selectFrom(r2, r3), a3 = h0.selectFrom(r2, r3),
                    a4 = l0.selectFrom(r4, r5), a5 = h0.selectFrom(r4, r5), a6 = l0.selectFrom(r6, r7), a7 = h0.selectFrom(r6, r7);
            IntVector b0 = l1.selectFrom(a0, a2), b2 = h1.selectFrom(a0, a2), b1 = l1.selectFrom(a1, a3), b3 = h1.selectFrom(a1, a3),
                    b4 = l1.selectFrom(a4, a6), b6 = h1.selectFrom(a4, a6), b5 = l1.selectFrom(a5, a7), b7 = h1.selectFrom(a5, a7);
            int o = d + p * ROWS; // output vector q holds steps 2q and 2q+1
            l2.selectFrom(b0, b4).reinterpretAsFloats().intoArray(dst, o);
            l2.selectFrom(b1, b5).reinterpretAsFloats().intoArray(dst, o + STEPS);
            l2.selectFrom(b2, b6).reinterpretAsFloats().intoArray(dst, o + 2 * STEPS);
            l2.selectFrom(b3, b7).reinterpretAsFloats().intoArray(dst, o + 3 * STEPS);
            h2.selectFrom(b0, b4).reinterpretAsFloats().intoArray(dst, o + 4 * STEPS);
            h2.selectFrom(b1, b5).reinterpretAsFloats().intoArray(dst, o + 5 * STEPS);
            h2.selectFrom(b2, b6).reinterpretAsFloats().intoArray(dst, o + 6 * STEPS);
            h2.selectFrom(b3, b7).reinterpretAsFloats().intoArray(dst, o + 7 * STEPS);
        }
        for (; p < kc; p++) {
            for (int r = 0; r < ROWS; r++) dst[d + p * ROWS + r] = a[src + r * lda + p];
        }
    }

    private static IntVector row(float[] a, int off) {
        return FloatVector.fromArray(FLOATS, a, off).reinterpretAsInts();
    }

    /**
     * Finds the permutes by following labels (element (r, p) of the block as 16·r + p) through the
     * rounds: round s splits each pair of vectors by bit s+1 of p (the output's vector index is
     * p's bits 3..1), and the last round orders lanes as the panel wants them (p's bit 0, then r).
     * The same permute must serve every pair of a round, and the result must be the panel order;
     * both are checked here, so a wrong network fails at class load, not in a product.
     */
    private static void buildNetwork() {
        int[][] vectors = new int[ROWS][STEPS];
        for (int r = 0; r < ROWS; r++) for (int p = 0; p < STEPS; p++) vectors[r][p] = STEPS * r + p;
        for (int s = 0; s < 3; s++) {
            int round = s;
            int[][] next = new int[ROWS][];
            int[][] tables = new int[2][];
            for (int u = 0; u < ROWS; u++) {
                if ((u >> s & 1) != 0) continue;
                int v = u | 1 << s;
                for (int half = 0; half < 2; half++) {
                    int h = half;
                    List<Integer> wanted = new ArrayList<>();
                    for (int[] source : new int[][] {vectors[u], vectors[v]}) {
                        for (int label : source) if (((label % STEPS) >> (round + 1) & 1) == h) wanted.add(label);
                    }
                    wanted.sort(Comparator.comparingInt(label -> round == 2
                            ? (label % STEPS & 1) * ROWS + label / STEPS
                            : (label % STEPS) * ROWS + label / STEPS));
                    int[] out = new int[STEPS], index = new int[STEPS];
                    for (int lane = 0; lane < STEPS; lane++) {
                        out[lane] = wanted.get(lane);
                        int inU = indexOf(vectors[u], out[lane]);
                        index[lane] = inU >= 0 ? inU : STEPS + indexOf(vectors[v], out[lane]);
                    }
                    if (tables[h] != null && !Arrays.equals(tables[h], index)) {
                        throw new IllegalStateException("round " + s + " needs different permutes per pair");
                    }
                    tables[h] = index;
                    next[h == 0 ? u : v] = out;
                }
            }
            LOW[s] = IntVector.fromArray(INTS, tables[0], 0);
            HIGH[s] = IntVector.fromArray(INTS, tables[1], 0);
            vectors = next;
        }
        for (int q = 0; q < ROWS; q++) {
            for (int lane = 0; lane < STEPS; lane++) {
                int label = vectors[q][lane];
                if (label % STEPS != 2 * q + lane / ROWS || label / STEPS != lane % ROWS) {
                    throw new IllegalStateException("transpose network is wrong at vector " + q + " lane " + lane);
                }
            }
        }
    }

    private static int indexOf(int[] values, int x) {
        for (int i = 0; i < values.length; i++) if (values[i] == x) return i;
        return -1;
    }
}
