package dev.lowrank4j.linalg;

import dev.lowrank4j.kernels.OpenBlasGemm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@code cblas_dsyrk} and LAPACK's {@code dsyevr} from the system OpenBLAS (which ships LAPACK in
 * the same library), bound once per JVM. The library is located and first loaded by
 * {@link OpenBlasGemm}, whose loader clears OPENBLAS_CORETYPE before OpenBLAS reads it; looking
 * the same path up again here reuses that loaded copy. Absent library or symbol → {@link #INSTANCE}
 * is empty.
 */
final class LapackLibrary {
    static final Optional<LapackLibrary> INSTANCE = load();

    final Path path;
    /** void cblas_dsyrk(order, uplo, trans, n, k, alpha, A, lda, beta, C, ldc). */
    final MethodHandle dsyrk;
    /**
     * Fortran {@code DSYEVR(JOBZ, RANGE, UPLO, N, A, LDA, VL, VU, IL, IU, ABSTOL, M, W, Z, LDZ,
     * ISUPPZ, WORK, LWORK, IWORK, LIWORK, INFO)}: every argument by reference, plus gfortran's
     * hidden lengths of the three CHARACTER arguments.
     */
    final MethodHandle dsyevr;

    private LapackLibrary(Path path, MethodHandle dsyrk, MethodHandle dsyevr) {
        this.path = path;
        this.dsyrk = dsyrk;
        this.dsyevr = dsyevr;
    }

    private static Optional<LapackLibrary> load() {
        try {
            String loaded = OpenBlasGemm.libraryPath();
            if (loaded == null) return Optional.empty();
            Path path = Path.of(loaded);
            SymbolLookup lib = SymbolLookup.libraryLookup(path, Arena.global());
            var i32 = ValueLayout.JAVA_INT;
            var f64 = ValueLayout.JAVA_DOUBLE;
            var ptr = ValueLayout.ADDRESS;
            MethodHandle dsyrk = Linker.nativeLinker().downcallHandle(lib.findOrThrow("cblas_dsyrk"),
                    FunctionDescriptor.ofVoid(i32, i32, i32, i32, i32, f64, ptr, i32, f64, ptr, i32));
            return Optional.of(new LapackLibrary(path, dsyrk, fortran(lib, "dsyevr_", 21, 3)));
        } catch (Throwable e) { // a library without LAPACK only disables the native path
            return Optional.empty();
        }
    }

    /** A Fortran subroutine: {@code pointers} arguments by reference, then {@code lengths} hidden size_t lengths. */
    private static MethodHandle fortran(SymbolLookup lib, String symbol, int pointers, int lengths) {
        MemoryLayout[] args = new MemoryLayout[pointers + lengths];
        Arrays.fill(args, 0, pointers, ValueLayout.ADDRESS);
        Arrays.fill(args, pointers, args.length, ValueLayout.JAVA_LONG);
        return Linker.nativeLinker().downcallHandle(lib.findOrThrow(symbol), FunctionDescriptor.ofVoid(args));
    }
}
