package dev.lowrank4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GemmTest {
    @Test
    void backendNamesSelectKernels() {
        assertEquals("scalar", Gemm.choose("scalar").name());
        assertEquals("java", Gemm.choose("java").name());
        assertEquals(OpenBlasGemm.available() ? "openblas" : "java", Gemm.choose("openblas").name());
    }

    @Test
    void matmulUsesWholeMatrixLeadingDimensions() {
        // [1 2; 3 4] · [5 6; 7 8]ᵀ = [17 23; 39 53]
        float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8}, c = new float[4];
        Gemm.matmul(a, false, b, true, c, 2, 2, 2, 0f);
        assertArrayEquals(new float[] {17, 23, 39, 53}, c);
    }
}
