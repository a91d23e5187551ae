package dev.lowrank4j.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Rotary position embedding in transformers' rotate-half convention. For a head vector x of even
 * length d split into halves (x1, x2) and position p:
 * <pre>
 *   inv_freq[i] = 1 / theta^(2i/d),  angle[i] = p · inv_freq[i]   (i &lt; d/2, both halves share it)
 *   out1 = x1·cos − x2·sin,  out2 = x2·cos + x1·sin
 * </pre>
 * The map is a rotation, so its backward is the inverse rotation (the same with −sin).
 *
 * <p>Tables follow the reference's float32 arithmetic (inv_freq and p·inv_freq rounded to float)
 * and use StrictMath so they are bit-identical on every JDK.
 */
public final class RotaryEmbedding {
    private static final VectorSpecies<Float> SPECIES = VectorMath.SPECIES;
    private static final int LANES = SPECIES.length();

    private final int headDim;
    private final int half;
    private final float[] invFreq;
    private float[] cos = new float[0];
    private float[] sin = new float[0];
    private int positions;

    public RotaryEmbedding(int headDim, double theta) {
        if (headDim <= 0 || headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary head_dim must be even and positive, got " + headDim);
        }
        this.headDim = headDim;
        this.half = headDim / 2;
        this.invFreq = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / (float) headDim;
            invFreq[i] = 1f / (float) StrictMath.pow(theta, exponent);
        }
    }

    public int headDim() {
        return headDim;
    }

    /**
     * Makes the tables cover positions [0, count). Call before handing rotations to several threads:
     * growing is not thread-safe, reading is. Decoding asks for one more position per token, so
     * the tables grow to at least twice their size and only the new positions are computed (each
     * entry is the same StrictMath value however the table grew).
     */
    public void ensurePositions(int count) {
        if (count <= positions) return;
        int grown = (int) Math.min(Integer.MAX_VALUE / half, Math.max(count, 2L * positions));
        float[] c = java.util.Arrays.copyOf(cos, grown * half), s = java.util.Arrays.copyOf(sin, grown * half);
        for (int p = positions; p < grown; p++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) p * invFreq[i];
                c[p * half + i] = (float) StrictMath.cos(angle);
                s[p * half + i] = (float) StrictMath.sin(angle);
            }
        }
        cos = c;
        sin = s;
        positions = grown;
    }

    /** dst[dstOff ..+d) = rotation of src[srcOff ..+d) to position {@code pos}. */
    public void rotate(float[] src, int srcOff, float[] dst, int dstOff, int pos) {
        apply(src, srcOff, dst, dstOff, pos, 1f);
    }

    /** The inverse (= transposed) rotation: maps a gradient w.r.t. the output back to the input. */
    public void rotateBack(float[] src, int srcOff, float[] dst, int dstOff, int pos) {
        apply(src, srcOff, dst, dstOff, pos, -1f);
    }

    private void apply(float[] src, int srcOff, float[] dst, int dstOff, int pos, float sinSign) {
        if (pos >= positions) throw new IllegalStateException("rotary tables cover " + positions + " positions, need " + (pos + 1));
        float[] cosTable = cos, sinTable = sin;
        int t = pos * half, i = 0;
        // Same operations and rounding as the scalar tail (no fused multiply-add), in lanes.
        for (; i <= half - LANES; i += LANES) {
            FloatVector c = FloatVector.fromArray(SPECIES, cosTable, t + i);
            FloatVector s = FloatVector.fromArray(SPECIES, sinTable, t + i).mul(sinSign);
            FloatVector x1 = FloatVector.fromArray(SPECIES, src, srcOff + i);
            FloatVector x2 = FloatVector.fromArray(SPECIES, src, srcOff + half + i);
            x1.mul(c).sub(x2.mul(s)).intoArray(dst, dstOff + i);
            x2.mul(c).add(x1.mul(s)).intoArray(dst, dstOff + half + i);
        }
        for (; i < half; i++) {
            float c = cosTable[t + i], s = sinSign * sinTable[t + i];
            float x1 = src[srcOff + i], x2 = src[srcOff + half + i];
            dst[dstOff + i] = x1 * c - x2 * s;
            dst[dstOff + half + i] = x2 * c + x1 * s;
        }
    }

    public long tableBytes() {
        return 8L * cos.length;
    }
}
