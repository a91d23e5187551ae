package dev.lowrank4j.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Locates and binds the system OpenBLAS once per JVM. Absent library → {@link #INSTANCE} is empty;
 * nothing in lowrank4j requires it.
 */
final class OpenBlasLibrary {
    /** Debian/Ubuntu locations; system property {@code lowrank4j.openblas.path} comes first. */
    private static final List<String> CANDIDATES = List.of(
            "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
            "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
            "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0",
            "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
            "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
            "/usr/lib64/libopenblas.so.0",
            "/usr/lib/libopenblas.so.0");

    static final Optional<OpenBlasLibrary> INSTANCE = load();

    final Path path;
    /** void cblas_sgemm(order, transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc). */
    final MethodHandle sgemm;
    /** void openblas_set_num_threads(int). */
    final MethodHandle setNumThreads;

    private OpenBlasLibrary(Path path, MethodHandle sgemm, MethodHandle setNumThreads) {
        this.path = path;
        this.sgemm = sgemm;
        this.setNumThreads = setNumThreads;
    }

    private static Optional<OpenBlasLibrary> load() {
        try {
            Optional<Path> path = find();
            if (path.isEmpty()) return Optional.empty();
            Linker linker = Linker.nativeLinker();
            // OpenBLAS reads OPENBLAS_CORETYPE when it loads; a forced older core type (e.g.
            // Haswell on an AVX-512 CPU) would make it look twice as slow as it is.
            unsetEnvironment(linker, "OPENBLAS_CORETYPE");
            SymbolLookup lib = SymbolLookup.libraryLookup(path.get(), Arena.global());
            var i32 = ValueLayout.JAVA_INT;
            var f32 = ValueLayout.JAVA_FLOAT;
            var ptr = ValueLayout.ADDRESS;
            MethodHandle sgemm = linker.downcallHandle(lib.findOrThrow("cblas_sgemm"),
                    FunctionDescriptor.ofVoid(i32, i32, i32, i32, i32, i32, f32, ptr, i32, ptr, i32, f32, ptr, i32),
                    Linker.Option.critical(true));
            MethodHandle threads = linker.downcallHandle(lib.findOrThrow("openblas_set_num_threads"),
                    FunctionDescriptor.ofVoid(i32));
            return Optional.of(new OpenBlasLibrary(path.get(), sgemm, threads));
        } catch (Throwable e) { // a broken or foreign library only disables the optional backend
            return Optional.empty();
        }
    }

    private static Optional<Path> find() {
        String override = System.getProperty("lowrank4j.openblas.path");
        if (override != null && !override.isBlank()) {
            return Optional.of(Path.of(override)).filter(Files::isReadable);
        }
        return CANDIDATES.stream().map(Path::of).filter(Files::isReadable).findFirst();
    }

    private static void unsetEnvironment(Linker linker, String name) throws Throwable {
        Optional<MemorySegment> unsetenv = linker.defaultLookup().find("unsetenv");
        if (unsetenv.isEmpty()) return;
        MethodHandle handle = linker.downcallHandle(unsetenv.get(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            int ignoredStatus = (int) handle.invokeExact(arena.allocateFrom(name));
        }
    }
}
