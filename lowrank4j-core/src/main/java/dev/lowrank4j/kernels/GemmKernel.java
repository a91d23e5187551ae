package dev.lowrank4j.kernels;

/**
 * Row-major single-precision GEMM, BLAS semantics:
 * {@code C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C}.
 * op(A) = A when {@code transA} is false (A stored m×k with leading dimension lda ≥ k),
 * else Aᵀ (A stored k×m, lda ≥ m). Likewise for B. With beta = 0, C is overwritten
 * (NaNs in the old C do not leak through).
 */
public interface GemmKernel {
    String name();

    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);
}
