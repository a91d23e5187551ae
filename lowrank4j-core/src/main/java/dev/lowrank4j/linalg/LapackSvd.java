package dev.lowrank4j.linalg;

import dev.lowrank4j.Lowrank4jException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The exact path through native LAPACK: {@code sgesdd} (divide and conquer, the driver PyTorch's
 * CPU {@code torch.linalg.svd} uses) on a native copy of A, truncated to the top r triplets.
 *
 * <p>No transposes: a row-major rows×cols A is, read column-major, Aᵀ (cols×rows). LAPACK
 * factors Aᵀ = V·S·Uᵀ, and its column-major outputs read back row-major are exactly Vᵀ
 * (k×cols, from its "U") and U (rows×k, from its "VT"), k = min(rows, cols).
 */
final class LapackSvd implements TopSvd {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT;
    /** Fortran's "workspace query" value of LWORK. */
    private static final int QUERY = -1;

    private final LapackLibrary library;

    private LapackSvd(LapackLibrary library) {
        this.library = library;
    }

    static boolean available() {
        return LapackLibrary.INSTANCE.isPresent();
    }

    /** @throws IllegalStateException when {@link #available()} is false */
    static LapackSvd create() {
        return new LapackSvd(LapackLibrary.INSTANCE.orElseThrow(
                () -> new IllegalStateException("no system LAPACK (sgesdd_ in libopenblas) was found")));
    }

    @Override
    public SingularTriplets top(float[] a, int rows, int cols, int rank, long seed, String name) {
        TopSvd.checkArguments(a, rows, cols, rank, name);
        int k = Math.min(rows, cols);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment work = arena.allocateFrom(F32, a); // sgesdd overwrites its input
            MemorySegment s = arena.allocate(F32, k);
            MemorySegment vtOut = arena.allocate(F32, (long) k * cols); // LAPACK's U of Aᵀ
            MemorySegment uOut = arena.allocate(F32, (long) k * rows);  // LAPACK's VT of Aᵀ
            MemorySegment iwork = arena.allocate(I32, 8L * k);
            MemorySegment lworkQuery = arena.allocate(F32);
            int info = sgesdd(arena, cols, rows, work, s, vtOut, uOut, lworkQuery, QUERY, iwork);
            checkInfo(info, rows, cols, name);
            int lwork = (int) Math.ceil(lworkQuery.get(F32, 0)); // returned as a float: round up
            MemorySegment workspace = arena.allocate(F32, Math.max(1, lwork));
            info = sgesdd(arena, cols, rows, work, s, vtOut, uOut, workspace, lwork, iwork);
            checkInfo(info, rows, cols, name);

            float[] u = new float[rows * rank];
            for (int i = 0; i < rows; i++) {
                MemorySegment.copy(uOut, F32, (long) i * k * Float.BYTES, u, i * rank, rank);
            }
            float[] vt = new float[rank * cols];
            MemorySegment.copy(vtOut, F32, 0, vt, 0, rank * cols); // the first rank rows are contiguous
            double[] sigma = new double[rank];
            for (int j = 0; j < rank; j++) sigma[j] = s.getAtIndex(F32, j);
            SignConvention.apply(u, rows, rank, vt, cols);
            return new SingularTriplets(rows, cols, rank, u, sigma, vt);
        }
    }

    /** One SGESDD call with JOBZ = 'S' (thin U and VT) on the column-major m×n matrix a. */
    private int sgesdd(Arena arena, int m, int n, MemorySegment a, MemorySegment s, MemorySegment u,
                       MemorySegment vt, MemorySegment work, int lwork, MemorySegment iwork) {
        int k = Math.min(m, n);
        MemorySegment info = arena.allocate(I32);
        try {
            library.sgesdd.invokeExact(arena.allocateFrom(ValueLayout.JAVA_BYTE, (byte) 'S'),
                    arena.allocateFrom(I32, m), arena.allocateFrom(I32, n), a, arena.allocateFrom(I32, m), s,
                    u, arena.allocateFrom(I32, m), vt, arena.allocateFrom(I32, k),
                    work, arena.allocateFrom(I32, lwork), iwork, info, 1L);
        } catch (Throwable e) {
            throw new IllegalStateException("sgesdd failed", e);
        }
        return info.get(I32, 0);
    }

    private static void checkInfo(int info, int rows, int cols, String name) {
        if (info < 0) throw new IllegalStateException("sgesdd rejected argument " + -info + " for " + name);
        if (info > 0) {
            throw new Lowrank4jException("the SVD of " + name + " (" + rows + "x" + cols + ") did not converge");
        }
    }

    @Override
    public String describe() {
        return "exact (LAPACK sgesdd, " + library.path + ")";
    }
}
