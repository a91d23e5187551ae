package dev.lowrank4j.kernels;

import jdk.incubator.vector.FloatVector;

import static dev.lowrank4j.kernels.GemmMicroKernel.L;
import static dev.lowrank4j.kernels.GemmMicroKernel.NR;
import static dev.lowrank4j.kernels.GemmMicroKernel.SPECIES;

/**
 * {@link GemmMicroKernel}'s kernels for eight rows of C, the tile on x86 with AVX-512 (32 vector
 * registers): 8 rows × 2 vectors is 16 accumulators, two B vectors and a broadcast, 19 registers.
 * C2 cannot fold a broadcast into its FMA, so every k step costs a broadcast per row, two B loads
 * and about nine instructions of loop and index arithmetic besides the FMAs: 29 micro-ops for 12
 * FMAs with six rows, 35 for 16 with eight. Where the front end is the limit (an Ice Lake Xeon,
 * most of all while the core's other hyperthread runs) the larger tile does more FMAs per cycle
 * (the micro-kernel alone, in L1: 111–116 GFLOP/s with six rows, 123–131 with eight). Same
 * contracts and argument orders as the six-row kernels.
 */
final class EightRowMicroKernel {
    private EightRowMicroKernel() {}

    /**
     * C[8 × 2L] at (c, co, ldc) = S + Apanel · Bpanel, where S at (s, so, sld) is C itself to
     * accumulate or {@link GemmMicroKernel#ZEROS} to overwrite (alpha is folded into the packed
     * B, beta applied by the caller). Element (row r, step p) of the A panel is
     * {@code ap[ao + r·rs + p·ps]}, so one kernel reads A in place, row-major or transposed
     * (packed A goes through {@link #panel}); the B panel holds kc steps of 2L floats.
     *
     * <p>The epilogue is spelled out for the reason {@link GemmMicroKernel#full} gives.
     */
    static void full(int kc, float[] ap, int ao, int rs, int ps, float[] bp, int bo,
                     float[] c, int co, int ldc, float[] s, int so, int sld) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        int a0 = ao, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs, a4 = a3 + rs, a5 = a4 + rs, a6 = a5 + rs, a7 = a6 + rs;
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR, ap0 = p * ps;
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bi + L);
            FloatVector x = FloatVector.broadcast(SPECIES, ap[a0 + ap0]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, ap[a1 + ap0]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, ap[a2 + ap0]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, ap[a3 + ap0]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(SPECIES, ap[a4 + ap0]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(SPECIES, ap[a5 + ap0]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(SPECIES, ap[a6 + ap0]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(SPECIES, ap[a7 + ap0]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        c00.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        c01.add(FloatVector.fromArray(SPECIES, s, so + L)).intoArray(c, co + L);
        co += ldc;
        so += sld;
        c10.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        c11.add(FloatVector.fromArray(SPECIES, s, so + L)).intoArray(c, co + L);
        co += ldc;
        so += sld;
        c20.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        c21.add(FloatVector.fromArray(SPECIES, s, so + L)).intoArray(c, co + L);
        co += ldc;
        so += sld;
        c30.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        c31.add(FloatVector.fromArray(SPECIES, s, so + L)).intoArray(c, co + L);
        co += ldc;
        so += sld;
        c40.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        c41.add(FloatVector.fromArray(SPECIES, s, so + L)).intoArray(c, co + L);
        co += ldc;
        so += sld;
        c50.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        c51.add(FloatVector.fromArray(SPECIES, s, so + L)).intoArray(c, co + L);
        co += ldc;
        so += sld;
        c60.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        c61.add(FloatVector.fromArray(SPECIES, s, so + L)).intoArray(c, co + L);
        co += ldc;
        so += sld;
        c70.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        c71.add(FloatVector.fromArray(SPECIES, s, so + L)).intoArray(c, co + L);
    }

    /** {@link #full} for A packed in micro-panels of eight rows (step p's values at {@code ao + p·8}). */
    static void panel(int kc, float[] ap, int ao, float[] bp, int bo,
                      float[] c, int co, int ldc, float[] s, int so, int sld) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR, ai = ao + p * 8;
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bi + L);
            FloatVector x = FloatVector.broadcast(SPECIES, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(SPECIES, ap[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(SPECIES, ap[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(SPECIES, ap[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(SPECIES, ap[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        c00.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        c01.add(FloatVector.fromArray(SPECIES, s, so + L)).intoArray(c, co + L);
        co += ldc;
        so += sld;
        c10.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        c11.add(FloatVector.fromArray(SPECIES, s, so + L)).intoArray(c, co + L);
        co += ldc;
        so += sld;
        c20.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        c21.add(FloatVector.fromArray(SPECIES, s, so + L)).intoArray(c, co + L);
        co += ldc;
        so += sld;
        c30.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        c31.add(FloatVector.fromArray(SPECIES, s, so + L)).intoArray(c, co + L);
        co += ldc;
        so += sld;
        c40.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        c41.add(FloatVector.fromArray(SPECIES, s, so + L)).intoArray(c, co + L);
        co += ldc;
        so += sld;
        c50.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        c51.add(FloatVector.fromArray(SPECIES, s, so + L)).intoArray(c, co + L);
        co += ldc;
        so += sld;
        c60.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        c61.add(FloatVector.fromArray(SPECIES, s, so + L)).intoArray(c, co + L);
        co += ldc;
        so += sld;
        c70.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        c71.add(FloatVector.fromArray(SPECIES, s, so + L)).intoArray(c, co + L);
    }

    /** {@link #full} for a B panel one vector wide (the last ≤ L columns). */
    static void half(int kc, float[] ap, int ao, int rs, int ps, float[] bp, int bo,
                     float[] c, int co, int ldc, float[] s, int so, int sld) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        int a0 = ao, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs, a4 = a3 + rs, a5 = a4 + rs, a6 = a5 + rs, a7 = a6 + rs;
        for (int p = 0; p < kc; p++) {
            int ap0 = p * ps;
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bo + p * L);
            c0 = FloatVector.broadcast(SPECIES, ap[a0 + ap0]).fma(b0, c0);
            c1 = FloatVector.broadcast(SPECIES, ap[a1 + ap0]).fma(b0, c1);
            c2 = FloatVector.broadcast(SPECIES, ap[a2 + ap0]).fma(b0, c2);
            c3 = FloatVector.broadcast(SPECIES, ap[a3 + ap0]).fma(b0, c3);
            c4 = FloatVector.broadcast(SPECIES, ap[a4 + ap0]).fma(b0, c4);
            c5 = FloatVector.broadcast(SPECIES, ap[a5 + ap0]).fma(b0, c5);
            c6 = FloatVector.broadcast(SPECIES, ap[a6 + ap0]).fma(b0, c6);
            c7 = FloatVector.broadcast(SPECIES, ap[a7 + ap0]).fma(b0, c7);
        }
        c0.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c1.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c2.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c3.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c4.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c5.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c6.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c7.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
    }

    /**
     * Sixteen rows × one vector, two stacked A micro-panels: the narrow-panel kernel (n within one
     * vector: low-rank factors), with twice the FMA chains of {@link #half}. Rows 8–15 start at
     * {@code aoNext} (the next packed panel, or eight row strides on for A read in place) and
     * continue with the same row stride.
     */
    static void narrowTall(int kc, float[] ap, int ao, int aoNext, int rs, int ps, float[] bp, int bo,
                           float[] c, int co, int ldc, float[] s, int so, int sld) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        int a0 = ao, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs, a4 = a3 + rs, a5 = a4 + rs, a6 = a5 + rs, a7 = a6 + rs, a8 = aoNext, a9 = a8 + rs, a10 = a9 + rs, a11 = a10 + rs, a12 = a11 + rs, a13 = a12 + rs, a14 = a13 + rs, a15 = a14 + rs;
        for (int p = 0; p < kc; p++) {
            int ap0 = p * ps;
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bo + p * L);
            c0 = FloatVector.broadcast(SPECIES, ap[a0 + ap0]).fma(b0, c0);
            c1 = FloatVector.broadcast(SPECIES, ap[a1 + ap0]).fma(b0, c1);
            c2 = FloatVector.broadcast(SPECIES, ap[a2 + ap0]).fma(b0, c2);
            c3 = FloatVector.broadcast(SPECIES, ap[a3 + ap0]).fma(b0, c3);
            c4 = FloatVector.broadcast(SPECIES, ap[a4 + ap0]).fma(b0, c4);
            c5 = FloatVector.broadcast(SPECIES, ap[a5 + ap0]).fma(b0, c5);
            c6 = FloatVector.broadcast(SPECIES, ap[a6 + ap0]).fma(b0, c6);
            c7 = FloatVector.broadcast(SPECIES, ap[a7 + ap0]).fma(b0, c7);
            c8 = FloatVector.broadcast(SPECIES, ap[a8 + ap0]).fma(b0, c8);
            c9 = FloatVector.broadcast(SPECIES, ap[a9 + ap0]).fma(b0, c9);
            c10 = FloatVector.broadcast(SPECIES, ap[a10 + ap0]).fma(b0, c10);
            c11 = FloatVector.broadcast(SPECIES, ap[a11 + ap0]).fma(b0, c11);
            c12 = FloatVector.broadcast(SPECIES, ap[a12 + ap0]).fma(b0, c12);
            c13 = FloatVector.broadcast(SPECIES, ap[a13 + ap0]).fma(b0, c13);
            c14 = FloatVector.broadcast(SPECIES, ap[a14 + ap0]).fma(b0, c14);
            c15 = FloatVector.broadcast(SPECIES, ap[a15 + ap0]).fma(b0, c15);
        }
        c0.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c1.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c2.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c3.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c4.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c5.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c6.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c7.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c8.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c9.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c10.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c11.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c12.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c13.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c14.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
        co += ldc;
        so += sld;
        c15.add(FloatVector.fromArray(SPECIES, s, so)).intoArray(c, co);
    }
}
