package dev.lowrank4j.kernels;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests of optional native backends (OpenBLAS, LAPACK). On a developer machine without the library
 * they are skipped with a message; where {@value #ENV} is set (CI, whose .ci/run installs
 * libopenblas0-pthread) a missing library fails the test, so the native paths are really tested.
 */
public final class NativeRequirement {
    public static final String ENV = "LOWRANK4J_REQUIRE_NATIVE";

    private NativeRequirement() {}

    public static void require(boolean present, String what) {
        if (present) return;
        if (System.getenv(ENV) != null) fail(what + " is required here (" + ENV + " is set) but was not found");
        assumeTrue(false, what + " not installed: test SKIPPED (apt-get install libopenblas0-pthread)");
    }
}
