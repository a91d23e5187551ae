package dev.lowrank4j.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Optional backend: {@code cblas_sgemm} of the system OpenBLAS through the FFM API, called on the
 * Java arrays directly (critical downcall with heap access, no copies). Use {@link #available()}
 * first; {@link Gemm} falls back to the Java kernel when the library is missing. OpenBLAS runs
 * its own threads; before each call their number is synced to {@link Parallel#threads()}.
 */
public final class OpenBlasGemm implements GemmKernel {
    private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

    private final OpenBlasLibrary library;
    private volatile int configuredThreads = -1;

    private OpenBlasGemm(OpenBlasLibrary library) {
        this.library = library;
    }

    /** True when a usable libopenblas was found and bound. */
    public static boolean available() {
        return OpenBlasLibrary.INSTANCE.isPresent();
    }

    /** The bound library's path, or null when absent (for reports). */
    public static String libraryPath() {
        return OpenBlasLibrary.INSTANCE.map(l -> l.path.toString()).orElse(null);
    }

    /** @throws IllegalStateException when {@link #available()} is false */
    public static OpenBlasGemm create() {
        return new OpenBlasGemm(OpenBlasLibrary.INSTANCE.orElseThrow(
                () -> new IllegalStateException("libopenblas not found")));
    }

    @Override
    public String name() {
        return "openblas";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        GemmArguments.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) { // empty A or B may be null: keep them away from native code
            VectorGemm.scale(c, cOff, ldc, m, n, beta);
            return;
        }
        syncThreads();
        try {
            library.sgemm.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS,
                    m, n, k, alpha, slice(a, aOff), lda, slice(b, bOff), ldb, beta, slice(c, cOff), ldc);
        } catch (Throwable e) {
            throw new IllegalStateException("cblas_sgemm failed", e);
        }
    }

    private void syncThreads() {
        int wanted = Parallel.threads();
        if (wanted != configuredThreads) {
            setThreads(wanted);
            configuredThreads = wanted;
        }
    }

    /** Sets OpenBLAS's own thread count (benchmarks compare 1 and 2 threads). */
    public void setThreads(int threads) {
        try {
            library.setNumThreads.invokeExact(threads);
        } catch (Throwable e) {
            throw new IllegalStateException("openblas_set_num_threads failed", e);
        }
    }

    private static MemorySegment slice(float[] x, int off) {
        return MemorySegment.ofArray(x).asSlice((long) off * Float.BYTES);
    }
}
