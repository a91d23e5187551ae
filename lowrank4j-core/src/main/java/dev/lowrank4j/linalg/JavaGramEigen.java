package dev.lowrank4j.linalg;

import dev.lowrank4j.Lowrank4jException;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** The path without native code: Gram matrix by vectorised double dot products, eigenpairs by EJML (tridiagonal QR). */
final class JavaGramEigen implements GramEigen {
    @Override
    public double[] gram(float[] a, int rows, int cols, boolean wide) {
        int size = wide ? rows : cols, length = wide ? cols : rows;
        double[] lines = new double[size * length]; // the rows of A (wide) or of Aᵀ (tall), contiguous
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) lines[wide ? i * cols + j : j * rows + i] = a[i * cols + j];
        }
        double[] g = new double[size * size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j <= i; j++) {
                double dot = DoubleVectors.dot(lines, i * length, lines, j * length, length);
                g[i * size + j] = dot;
                g[j * size + i] = dot; // EJML reads both triangles
            }
        }
        return g;
    }

    @Override
    public Pairs largest(double[] g, int size, int count, String name) {
        var eig = DecompositionFactory_DDRM.eig(size, true, true);
        if (!eig.decompose(DMatrixRMaj.wrap(size, size, g))) {
            throw new Lowrank4jException("the eigen-decomposition of " + name + " (" + size + "x" + size + ") did not converge");
        }
        Integer[] order = IntStream.range(0, size).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> eig.getEigenvalue(i).real).reversed());
        double[] values = new double[count];
        float[] vectors = new float[count * size];
        for (int j = 0; j < count; j++) {
            values[j] = eig.getEigenvalue(order[j]).real;
            DMatrixRMaj v = eig.getEigenVector(order[j]);
            for (int i = 0; i < size; i++) vectors[j * size + i] = (float) v.data[i];
        }
        return new Pairs(values, vectors);
    }

    @Override
    public String describe() {
        return "Java: double Gram, EJML symmetric eigen";
    }
}
