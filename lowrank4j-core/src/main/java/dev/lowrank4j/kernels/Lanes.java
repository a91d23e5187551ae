package dev.lowrank4j.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The project's one horizontal sum. {@code reduceLanes(ADD)} may add the lanes in any order, and
 * the order does change between the interpreter and compiled code, so the same run could round
 * differently before and after JIT warm-up, which breaks bit-exact resume. Here the lanes are
 * always added as a fixed halving tree: the vector is added to itself rotated by L/2, then by
 * L/4, ..., 1 lanes, which brings the total into lane 0 in the same order in every JIT tier, in
 * log2(L) vector adds.
 */
public final class Lanes {
    public static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    public static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;

    private static final VectorShuffle<Float>[] FLOAT_ROTATIONS = halvingRotations(FLOATS);
    private static final VectorShuffle<Double>[] DOUBLE_ROTATIONS = halvingRotations(DOUBLES);

    private Lanes() {}

    /** Σ of the lanes of a {@link #FLOATS} vector, always added in the same order. */
    public static float sum(FloatVector v) {
        for (VectorShuffle<Float> rotation : FLOAT_ROTATIONS) v = v.add(v.rearrange(rotation));
        return v.lane(0);
    }

    /** Σ of the lanes of a {@link #DOUBLES} vector, always added in the same order. */
    public static double sum(DoubleVector v) {
        for (VectorShuffle<Double> rotation : DOUBLE_ROTATIONS) v = v.add(v.rearrange(rotation));
        return v.lane(0);
    }

    @SuppressWarnings("unchecked")
    private static <E> VectorShuffle<E>[] halvingRotations(VectorSpecies<E> species) {
        int lanes = species.length(), steps = Integer.numberOfTrailingZeros(lanes);
        if (Integer.bitCount(lanes) != 1) throw new IllegalStateException("unexpected vector shape: " + species);
        VectorShuffle<E>[] out = new VectorShuffle[steps];
        for (int s = 0, shift = lanes / 2; s < steps; s++, shift /= 2) {
            int by = shift;
            out[s] = VectorShuffle.fromOp(species, i -> (i + by) % lanes);
        }
        return out;
    }
}
