package dev.lowrank4j.linalg;

import dev.lowrank4j.kernels.OpenBlasGemm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * LAPACK's {@code sgesdd} from the system OpenBLAS (which ships LAPACK in the same library),
 * bound once per JVM. The library is located and first loaded by {@link OpenBlasGemm}, whose
 * loader clears OPENBLAS_CORETYPE before OpenBLAS reads it; looking the same path up again here
 * reuses that loaded copy. Absent library or symbol → {@link #INSTANCE} is empty.
 */
final class LapackLibrary {
    static final Optional<LapackLibrary> INSTANCE = load();

    final Path path;
    /**
     * Fortran {@code SGESDD(JOBZ, M, N, A, LDA, S, U, LDU, VT, LDVT, WORK, LWORK, IWORK, INFO)}:
     * every argument by reference, plus gfortran's hidden length of the CHARACTER argument.
     */
    final MethodHandle sgesdd;

    private LapackLibrary(Path path, MethodHandle sgesdd) {
        this.path = path;
        this.sgesdd = sgesdd;
    }

    private static Optional<LapackLibrary> load() {
        try {
            String loaded = OpenBlasGemm.libraryPath();
            if (loaded == null) return Optional.empty();
            Path path = Path.of(loaded);
            SymbolLookup lib = SymbolLookup.libraryLookup(path, Arena.global());
            var ptr = ValueLayout.ADDRESS;
            MethodHandle sgesdd = Linker.nativeLinker().downcallHandle(lib.findOrThrow("sgesdd_"),
                    FunctionDescriptor.ofVoid(ptr, ptr, ptr, ptr, ptr, ptr, ptr, ptr, ptr, ptr, ptr, ptr, ptr, ptr,
                            ValueLayout.JAVA_LONG));
            return Optional.of(new LapackLibrary(path, sgesdd));
        } catch (Throwable e) { // a library without LAPACK only disables the native path
            return Optional.empty();
        }
    }
}
