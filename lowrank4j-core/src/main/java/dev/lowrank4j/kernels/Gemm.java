package dev.lowrank4j.kernels;

/**
 * Entry point for matrix products. The backend is chosen once from system property
 * {@code lowrank4j.gemm}: {@code java} (default, {@link VectorGemm}), {@code scalar} (the
 * reference {@link ScalarGemm}) or {@code openblas} ({@link OpenBlasGemm}; silently the Java
 * kernel when libopenblas is absent).
 */
public final class Gemm {
    private static volatile GemmKernel kernel = choose(System.getProperty("lowrank4j.gemm", "java"));

    private Gemm() {}

    static GemmKernel choose(String name) {
        return switch (name) {
            case "scalar" -> new ScalarGemm();
            case "openblas" -> OpenBlasGemm.available() ? OpenBlasGemm.create() : new VectorGemm();
            default -> new VectorGemm();
        };
    }

    public static GemmKernel kernel() {
        return kernel;
    }

    public static void setKernel(GemmKernel k) {
        kernel = k;
    }

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        kernel.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** C = A·Bᵀ style helpers on whole row-major matrices. */
    public static void matmul(float[] a, boolean transA, float[] b, boolean transB, float[] c,
                              int m, int n, int k, float beta) {
        int lda = transA ? m : k, ldb = transB ? k : n;
        kernel.sgemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, beta, c, 0, n);
    }
}
