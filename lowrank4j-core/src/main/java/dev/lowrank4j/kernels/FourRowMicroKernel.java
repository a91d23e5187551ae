package dev.lowrank4j.kernels;

import jdk.incubator.vector.FloatVector;

import static dev.lowrank4j.kernels.GemmMicroKernel.L;
import static dev.lowrank4j.kernels.GemmMicroKernel.NR;
import static dev.lowrank4j.kernels.GemmMicroKernel.SPECIES;

/**
 * {@link GemmMicroKernel}'s kernels for four rows of C, the tile where there are 16 vector
 * registers (AVX2) instead of 32: 4 rows × 2 vectors is 8 accumulators, two B vectors and up to
 * four broadcasts, which fit. With six rows C2 schedules the broadcasts ahead of their FMAs, needs
 * a 17th register and keeps one accumulator on the stack, loading and storing it every k step
 * (seen in the compiled loop on an AVX2 Zen 1; that store-to-load round trip sits in the
 * accumulator's dependency chain). Same contracts and argument orders as the six-row kernels.
 */
final class FourRowMicroKernel {
    private FourRowMicroKernel() {}

    /**
     * C[4 × 2L] at (c, co, ldc) = S + Apanel · Bpanel, where S at (s, so, sld) is C itself to
     * accumulate or {@link GemmMicroKernel#ZEROS} to overwrite (alpha is folded into the packed B, beta applied by
     * the caller). Element (row r, step p) of the A panel is {@code ap[ao + r·rs + p·ps]}, so
     * one kernel reads A in place, row-major or transposed (packed A goes
     * through {@link #panel}); the B panel holds kc steps of 2L floats.
     *
     * <p>The epilogue is spelled out for the reason {@link GemmMicroKernel#full} gives.
     */
    static void full(int kc, float[] ap, int ao, int rs, int ps, float[] bp, int bo,
                     float[] c, int co, int ldc, float[] s, int so, int sld) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00;
        int a0 = ao, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs;
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
    }

    /** {@link #full} for A packed in micro-panels of four rows (step p's values at {@code ao + p·4}). */
    static void panel(int kc, float[] ap, int ao, float[] bp, int bo,
                     float[] c, int co, int ldc, float[] s, int so, int sld) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR, ai = ao + p * 4;
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
    }

    /** {@link #full} for a B panel one vector wide (the last ≤ L columns). */
    static void half(int kc, float[] ap, int ao, int rs, int ps, float[] bp, int bo,
                     float[] c, int co, int ldc, float[] s, int so, int sld) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0;
        int a0 = ao, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs;
        for (int p = 0; p < kc; p++) {
            int ap0 = p * ps;
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bo + p * L);
            c0 = FloatVector.broadcast(SPECIES, ap[a0 + ap0]).fma(b0, c0);
            c1 = FloatVector.broadcast(SPECIES, ap[a1 + ap0]).fma(b0, c1);
            c2 = FloatVector.broadcast(SPECIES, ap[a2 + ap0]).fma(b0, c2);
            c3 = FloatVector.broadcast(SPECIES, ap[a3 + ap0]).fma(b0, c3);
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
    }

    /**
     * Eight rows × one vector, two stacked A micro-panels: the narrow-panel kernel (n within one
     * vector: low-rank factors), with twice the FMA chains of {@link #half}. Rows 4–7 start at
     * {@code aoNext} (the next packed panel, or four row strides on for A read in place) and
     * continue with the same row stride.
     */
    static void narrowTall(int kc, float[] ap, int ao, int aoNext, int rs, int ps, float[] bp, int bo,
                           float[] c, int co, int ldc, float[] s, int so, int sld) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        int a0 = ao, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs, a4 = aoNext, a5 = a4 + rs, a6 = a5 + rs, a7 = a6 + rs;
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

}
