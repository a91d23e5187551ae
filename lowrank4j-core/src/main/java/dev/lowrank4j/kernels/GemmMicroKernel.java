package dev.lowrank4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked inner kernels of {@link VectorGemm}, six rows of C at a time (the tile off
 * x86; {@link EightRowMicroKernel} and {@link FourRowMicroKernel} hold the x86 tiles, see
 * {@link #MR}). They multiply one A micro-panel (six rows, packed or read in place through
 * strides) with one packed B micro-panel (one or two vectors wide, interleaved per k step) and
 * write or add the result into C. No vector may be passed to a method C2 might not inline (see
 * {@link #full}).
 *
 * <p>Accumulators are spelled out as local variables on purpose: C2 keeps named vector locals in
 * registers, while arrays of vectors defeat escape analysis and drop throughput by 50×. 6 rows × 2
 * vectors uses 12 accumulators, enough independent FMA chains to hide the 4-cycle FMA latency on
 * two pipes, and leaves registers for the two B vectors and the A broadcast (measured: 6×2 beats
 * 12×2 and 8×3, which spill; 8×2 fits and beats 6×2 on an AVX-512 Ice Lake).
 */
final class GemmMicroKernel {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector (16 with AVX-512). */
    static final int L = SPECIES.length();
    /**
     * Rows of C per micro-tile: 8 ({@link EightRowMicroKernel}) on x86 with AVX-512, 4
     * ({@link FourRowMicroKernel}) on x86 without it, whose 16 registers do not hold the six-row
     * tile (measured on an AVX2 Zen 1, 1024³ on one thread: 0.82 of OpenBLAS with 6 rows, 0.97
     * with 4), and 6 (these kernels) elsewhere. {@code -Dlowrank4j.gemm.rows=4|6|8} overrides the
     * choice (the tests run all three).
     */
    static final int MR = rowsPerTile();
    /** Columns of C per full-width micro-tile. */
    static final int NR = 2 * L;
    /** Zero tile passed as S (leading dimension NR, up to 2·MR rows) to overwrite C instead of adding. */
    static final float[] ZEROS = new float[2 * MR * NR];

    private GemmMicroKernel() {}

    private static int rowsPerTile() {
        String arch = System.getProperty("os.arch", "");
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x86");
        int rows = Integer.getInteger("lowrank4j.gemm.rows", !x86 ? 6 : L >= 16 ? 8 : 4);
        if (rows != 4 && rows != 6 && rows != 8) {
            throw new IllegalStateException("lowrank4j.gemm.rows must be 4, 6 or 8, not " + rows);
        }
        return rows;
    }

    /**
     * C[6 × 2L] at (c, co, ldc) = S + Apanel · Bpanel, where S at (s, so, sld) is C itself to
     * accumulate or {@link #ZEROS} to overwrite (alpha is folded into the packed B, beta applied by
     * the caller). Element (row r, step p) of the A panel is {@code ap[ao + r·rs + p·ps]}, so
     * one kernel reads A in place, row-major or transposed (packed A goes
     * through {@link #panel}); the B panel holds kc steps of 2L floats.
     *
     * <p>Why S instead of a boolean: two epilogues (store vs. add) double the method's IR. Why no
     * helper method for the epilogue: in a method this large C2 hits its node-count inlining
     * cutoff, refuses to inline the helper and boxes every accumulator passed to it (measured:
     * hundreds of MB/s of garbage, 40% lower throughput). The Vector API's own methods are
     * force-inlined, so spelling the epilogue out is safe.
     */
    static void full(int kc, float[] ap, int ao, int rs, int ps, float[] bp, int bo,
                     float[] c, int co, int ldc, float[] s, int so, int sld) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        int a0 = ao, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs, a4 = a3 + rs, a5 = a4 + rs;
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
    }

    /**
     * {@link #full} for A packed in micro-panels ({@link GemmPacking#packA}: step p's six values
     * at {@code ao + p·MR}). The same loop with constant offsets: C2 hoists its bounds checks and
     * needs no index multiplication, about 20% more FMAs per cycle than the strided kernel on an
     * AVX-512 Xeon. The strided {@link #full} stays for A read in place (narrow C).
     */
    static void panel(int kc, float[] ap, int ao, float[] bp, int bo,
                     float[] c, int co, int ldc, float[] s, int so, int sld) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR, ai = ao + p * MR;
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
    }

    /**
     * Same as {@link #full} for a B panel one vector wide (used for the last ≤ L columns, so a
     * narrow tail does not pay for a double-width tile of zeros).
     */
    static void half(int kc, float[] ap, int ao, int rs, int ps, float[] bp, int bo,
                     float[] c, int co, int ldc, float[] s, int so, int sld) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        int a0 = ao, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs, a4 = a3 + rs, a5 = a4 + rs;
        for (int p = 0; p < kc; p++) {
            int ap0 = p * ps;
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bo + p * L);
            c0 = FloatVector.broadcast(SPECIES, ap[a0 + ap0]).fma(b0, c0);
            c1 = FloatVector.broadcast(SPECIES, ap[a1 + ap0]).fma(b0, c1);
            c2 = FloatVector.broadcast(SPECIES, ap[a2 + ap0]).fma(b0, c2);
            c3 = FloatVector.broadcast(SPECIES, ap[a3 + ap0]).fma(b0, c3);
            c4 = FloatVector.broadcast(SPECIES, ap[a4 + ap0]).fma(b0, c4);
            c5 = FloatVector.broadcast(SPECIES, ap[a5 + ap0]).fma(b0, c5);
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
    }

    /**
     * Twelve rows × one vector: the narrow-panel kernel for two stacked A micro-panels. With only
     * six accumulators {@link #half} cannot cover the FMA latency (4 cycles × 2 pipes needs ≥ 8
     * independent chains), which is what matters when all of n fits one vector (low-rank
     * factors, n = 8 … 16). Rows 6–11 start at {@code ao6} (the next packed panel, or six row
     * strides on for A read in place) and continue with the same row stride.
     */
    static void narrowTall(int kc, float[] ap, int ao, int ao6, int rs, int ps, float[] bp, int bo,
                           float[] c, int co, int ldc, float[] s, int so, int sld) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        int a0 = ao, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs, a4 = a3 + rs, a5 = a4 + rs, a6 = ao6, a7 = a6 + rs, a8 = a7 + rs, a9 = a8 + rs, a10 = a9 + rs, a11 = a10 + rs;
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
    }

}
