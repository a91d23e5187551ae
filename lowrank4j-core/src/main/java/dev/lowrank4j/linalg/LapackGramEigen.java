package dev.lowrank4j.linalg;

import dev.lowrank4j.Lowrank4jException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The native path: the Gram matrix by {@code cblas_dsyrk}, its largest eigenpairs by LAPACK
 * {@code dsyevr} with RANGE = 'I' (MRRR: past the tridiagonal reduction, the cost grows with the
 * number of eigenpairs wanted, not the size). Row-major lower triangle = column-major upper, and
 * LAPACK's column-major eigenvectors read row-major are one per row.
 */
final class LapackGramEigen implements GramEigen {
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT;
    private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112, LOWER = 122;
    /** Fortran's "workspace query" value of LWORK and LIWORK. */
    private static final int QUERY = -1;

    private final LapackLibrary library;

    private LapackGramEigen(LapackLibrary library) {
        this.library = library;
    }

    static boolean available() {
        return LapackLibrary.INSTANCE.isPresent();
    }

    /** @throws IllegalStateException when {@link #available()} is false */
    static LapackGramEigen create() {
        return new LapackGramEigen(LapackLibrary.INSTANCE.orElseThrow(
                () -> new IllegalStateException("no system LAPACK (dsyevr_ in libopenblas) was found")));
    }

    @Override
    public double[] gram(float[] a, int rows, int cols, boolean wide) {
        int size = wide ? rows : cols, inner = wide ? cols : rows;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocate(F64, a.length);
            for (int i = 0; i < a.length; i++) x.setAtIndex(F64, i, a[i]);
            MemorySegment g = arena.allocate(F64, (long) size * size);
            // row-major: C = A·Aᵀ is dsyrk without transpose on A (rows×cols), Aᵀ·A with it
            library.dsyrk.invokeExact(ROW_MAJOR, LOWER, wide ? NO_TRANS : TRANS, size, inner, 1.0, x, cols, 0.0, g, size);
            return g.toArray(F64);
        } catch (Throwable e) {
            throw new IllegalStateException("cblas_dsyrk failed", e);
        }
    }

    @Override
    public Pairs largest(double[] g, int size, int count, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocateFrom(F64, g); // dsyevr overwrites its input
            MemorySegment found = arena.allocate(I32);
            MemorySegment w = arena.allocate(F64, size);
            MemorySegment z = arena.allocate(F64, (long) size * count);
            MemorySegment isuppz = arena.allocate(I32, 2L * count);
            Call call = new Call(arena, size, size - count + 1, size, a, found, w, z, isuppz);
            MemorySegment workQuery = arena.allocate(F64), iworkQuery = arena.allocate(I32);
            checkInfo(call.run(workQuery, QUERY, iworkQuery, QUERY), size, name);
            int lwork = (int) Math.ceil(workQuery.get(F64, 0)), liwork = iworkQuery.get(I32, 0);
            int info = call.run(arena.allocate(F64, Math.max(1, lwork)), lwork, arena.allocate(I32, Math.max(1, liwork)), liwork);
            checkInfo(info, size, name);
            if (found.get(I32, 0) != count) {
                throw new IllegalStateException("dsyevr returned " + found.get(I32, 0) + " of " + count + " eigenpairs for " + name);
            }
            double[] values = new double[count];
            float[] vectors = new float[count * size];
            for (int j = 0; j < count; j++) { // ascending from LAPACK, descending here
                int from = count - 1 - j;
                values[j] = w.getAtIndex(F64, from);
                for (int i = 0; i < size; i++) vectors[j * size + i] = (float) z.getAtIndex(F64, (long) from * size + i);
            }
            return new Pairs(values, vectors);
        }
    }

    /** The arguments both dsyevr calls share (workspace query, then the real one). */
    private final class Call {
        private final Arena arena;
        private final MemorySegment jobz, range, uplo, n, vl, il, iu, abstol, a, found, w, z, isuppz;

        Call(Arena arena, int size, int first, int last, MemorySegment a, MemorySegment found, MemorySegment w,
             MemorySegment z, MemorySegment isuppz) {
            this.arena = arena;
            this.jobz = arena.allocateFrom(ValueLayout.JAVA_BYTE, (byte) 'V');
            this.range = arena.allocateFrom(ValueLayout.JAVA_BYTE, (byte) 'I');
            this.uplo = arena.allocateFrom(ValueLayout.JAVA_BYTE, (byte) 'U'); // the row-major lower triangle
            this.n = arena.allocateFrom(I32, size); // also LDA and LDZ
            this.vl = arena.allocateFrom(F64, 0.0); // VL and VU: unused with RANGE = 'I'
            this.il = arena.allocateFrom(I32, first);
            this.iu = arena.allocateFrom(I32, last);
            this.abstol = arena.allocateFrom(F64, 0.0); // LAPACK's default tolerance
            this.a = a;
            this.found = found;
            this.w = w;
            this.z = z;
            this.isuppz = isuppz;
        }

        int run(MemorySegment work, int lwork, MemorySegment iwork, int liwork) {
            MemorySegment info = arena.allocate(I32);
            try {
                library.dsyevr.invokeExact(jobz, range, uplo, n, a, n, vl, vl, il, iu, abstol, found, w, z, n, isuppz,
                        work, arena.allocateFrom(I32, lwork), iwork, arena.allocateFrom(I32, liwork), info, 1L, 1L, 1L);
            } catch (Throwable e) {
                throw new IllegalStateException("dsyevr failed", e);
            }
            return info.get(I32, 0);
        }
    }

    private static void checkInfo(int info, int size, String name) {
        if (info < 0) throw new IllegalStateException("dsyevr rejected argument " + -info + " for " + name);
        if (info > 0) {
            throw new Lowrank4jException("the eigen-decomposition of " + name + " (" + size + "x" + size + ") did not converge");
        }
    }

    @Override
    public String describe() {
        return "LAPACK: dsyrk Gram, dsyevr, " + library.path;
    }
}
