package dev.lowrank4j.io.bnb;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.SafeTensorsDtype;
import dev.lowrank4j.io.SafeTensorsEntry;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.quant.Shapes2d;
import dev.lowrank4j.quant.nf4.Nf4Code;
import dev.lowrank4j.quant.nf4.Nf4Options;
import dev.lowrank4j.quant.nf4.Nf4Scales;
import dev.lowrank4j.quant.nf4.Nf4Tensor;
import dev.lowrank4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One linear's NF4 weight in the safetensors layout transformers writes for bitsandbytes 4-bit
 * models (Linear4bit._save_to_state_dict: the weight, then QuantState.as_dict(packed=True) under
 * {@code <weight>.}), see docs/NF4-FORMAT.md:
 * <pre>
 * W                                     U8  [(n+1)/2, 1]  packed codes, first element in the high nibble
 * W.absmax                              F32 [blocks]      (U8 [blocks] when double-quantized)
 * W.quant_map                           F32 [16]          the NF4 code
 * W.nested_absmax                       F32 [ceil(blocks/256)]   double quantization only
 * W.nested_quant_map                    F32 [256]                double quantization only
 * W.quant_state.bitsandbytes__nf4       U8  [len]         JSON, see {@link BnbQuantState}
 * </pre>
 * where W is the weight's name, e.g. {@code model.layers.0.self_attn.q_proj.weight}.
 */
public final class Bnb4bitWeights {
    public static final String ABSMAX = ".absmax";
    public static final String QUANT_MAP = ".quant_map";
    public static final String NESTED_ABSMAX = ".nested_absmax";
    public static final String NESTED_QUANT_MAP = ".nested_quant_map";
    public static final String QUANT_STATE = "." + BnbQuantState.KEY_PREFIX + "nf4";
    /** quant_map values may differ from the NF4 table by this much (bitsandbytes' QuantState equality tolerance). */
    private static final float QUANT_MAP_TOLERANCE = 1e-6f;

    private Bnb4bitWeights() {}

    /** Names of the tensors one NF4 weight occupies, in the order they are written. */
    public static List<String> tensorNames(String weight, boolean doubleQuant) {
        List<String> out = new ArrayList<>(List.of(weight, weight + ABSMAX, weight + QUANT_MAP));
        if (doubleQuant) out.addAll(List.of(weight + NESTED_ABSMAX, weight + NESTED_QUANT_MAP));
        out.add(weight + QUANT_STATE);
        return out;
    }

    /** Whether the file stores {@code weight} as a bitsandbytes 4-bit weight (any quant type). */
    public static boolean isQuantized(SafeTensorsFile file, String weight) {
        String prefix = weight + "." + BnbQuantState.KEY_PREFIX;
        return file.names().stream().anyMatch(n -> n.startsWith(prefix));
    }

    /**
     * Adds the tensors of one NF4 weight to a writer (nothing reaches disk until the writer
     * writes, atomically).
     *
     * @param dtype the torch dtype recorded as the weight's original type ("float32", "bfloat16", "float16");
     *              bitsandbytes dequantizes to it
     */
    public static void put(SafeTensorsWriter out, String weight, Nf4Tensor t, String dtype) {
        if (!BnbQuantState.DTYPES.contains(dtype)) throw new IllegalArgumentException("dtype " + dtype + " not in " + BnbQuantState.DTYPES);
        BnbQuantState state;
        out.putBytes(weight, t.codes(), t.codes().length, 1);
        switch (t.scales()) {
            case Nf4Scales.Plain p -> {
                out.putFloat(weight + ABSMAX, new Tensor(p.absmax(), p.absmax().length));
                out.putFloat(weight + QUANT_MAP, new Tensor(Nf4Code.values(), 16));
                state = new BnbQuantState("nf4", t.blocksize(), dtype, t.shape(), 0, 0);
            }
            case Nf4Scales.DoubleQuantized d -> {
                out.putBytes(weight + ABSMAX, d.codes(), d.codes().length);
                out.putFloat(weight + QUANT_MAP, new Tensor(Nf4Code.values(), 16));
                out.putFloat(weight + NESTED_ABSMAX, new Tensor(d.nestedAbsmax(), d.nestedAbsmax().length));
                out.putFloat(weight + NESTED_QUANT_MAP, new Tensor(d.nestedCode().clone(), d.nestedCode().length));
                state = new BnbQuantState("nf4", t.blocksize(), dtype, t.shape(), d.nestedBlocksize(), d.offset());
            }
        }
        byte[] json = state.toJson();
        out.putBytes(weight + QUANT_STATE, json, json.length);
    }

    /** Reads one NF4 weight, checking every tensor against the quant state. */
    public static Nf4Tensor read(SafeTensorsFile file, String weight) {
        String label = file.path().getFileName() + ": " + weight;
        if (!file.contains(weight + QUANT_STATE)) {
            String prefix = weight + "." + BnbQuantState.KEY_PREFIX;
            String other = file.names().stream().filter(n -> n.startsWith(prefix)).findFirst().orElse(null);
            if (other != null) {
                throw new Lowrank4jException(label + ": quant type \"" + other.substring(prefix.length())
                        + "\" is not supported (only nf4)");
            }
            throw new Lowrank4jException(label + ": not a bitsandbytes 4-bit weight (no " + weight + QUANT_STATE + ")");
        }
        BnbQuantState state = BnbQuantState.parse(bytesOf(file, weight + QUANT_STATE, SafeTensorsDtype.U8, label),
                label + QUANT_STATE);
        int numel;
        try {
            numel = Shapes2d.numel(state.shape());
        } catch (IllegalArgumentException e) {
            throw new Lowrank4jException(label + ": quant state shape " + Arrays.toString(state.shape()) + " is too large");
        }
        // The packed codes may be stored as any dtype (bnb_4bit_quant_storage); only their bytes count.
        SafeTensorsEntry packed = file.entry(weight);
        if (packed.byteLength() != Nf4Tensor.packedBytes(numel)) {
            throw new Lowrank4jException(label + ": quant state shape " + Arrays.toString(state.shape()) + " needs "
                    + Nf4Tensor.packedBytes(numel) + " packed bytes, but the weight holds " + packed.byteLength());
        }
        int blocks = (int) (((long) numel + state.blocksize() - 1) / state.blocksize());
        checkQuantMap(file, weight + QUANT_MAP, label);
        if (!state.nested() && file.contains(weight + NESTED_ABSMAX)) {
            throw new Lowrank4jException(label + ": has " + weight + NESTED_ABSMAX + " but its quant state is not nested");
        }
        Nf4Scales scales = state.nested() ? nestedScales(file, weight, state, blocks, label)
                : new Nf4Scales.Plain(finite(floats(file, weight + ABSMAX, blocks, label), weight + ABSMAX, label));
        return new Nf4Tensor(state.shape(), state.blocksize(), file.readBytes(weight), scales);
    }

    /** As {@link #read(SafeTensorsFile, String)}, and the weight must have the given shape. */
    public static Nf4Tensor read(SafeTensorsFile file, String weight, int... expectedShape) {
        Nf4Tensor t = read(file, weight);
        if (!Arrays.equals(t.shape(), expectedShape)) {
            throw new Lowrank4jException(file.path().getFileName() + ": " + weight + ": quant state shape "
                    + Arrays.toString(t.shape()) + " but the model expects " + Arrays.toString(expectedShape));
        }
        return t;
    }

    private static Nf4Scales nestedScales(SafeTensorsFile file, String weight, BnbQuantState state, int blocks, String label) {
        if (!file.contains(weight + NESTED_ABSMAX) || !file.contains(weight + NESTED_QUANT_MAP)) {
            throw new Lowrank4jException(label + ": the quant state is nested but " + weight + NESTED_ABSMAX + " or "
                    + weight + NESTED_QUANT_MAP + " is missing");
        }
        byte[] codes = bytesOf(file, weight + ABSMAX, SafeTensorsDtype.U8, label);
        if (codes.length != blocks) {
            throw new Lowrank4jException(label + ": " + weight + ABSMAX + " holds " + codes.length + " codes, the shape "
                    + Arrays.toString(state.shape()) + " in blocks of " + state.blocksize() + " needs " + blocks);
        }
        int nestedBlocks = (int) (((long) blocks + state.nestedBlocksize() - 1) / state.nestedBlocksize());
        float[] nested = finite(floats(file, weight + NESTED_ABSMAX, nestedBlocks, label), weight + NESTED_ABSMAX, label);
        float[] map = finite(floats(file, weight + NESTED_QUANT_MAP, 256, label), weight + NESTED_QUANT_MAP, label);
        return new Nf4Scales.DoubleQuantized(codes, nested, (float) state.nestedOffset(), map, state.nestedBlocksize());
    }

    private static void checkQuantMap(SafeTensorsFile file, String name, String label) {
        float[] map = floats(file, name, 16, label);
        float[] nf4 = Nf4Code.values();
        for (int i = 0; i < 16; i++) {
            if (!(Math.abs(map[i] - nf4[i]) <= QUANT_MAP_TOLERANCE)) {
                throw new Lowrank4jException(label + ": " + name + " is not the NF4 code (entry " + i + " is " + map[i] + ")");
            }
        }
    }

    private static byte[] bytesOf(SafeTensorsFile file, String name, SafeTensorsDtype dtype, String label) {
        SafeTensorsEntry e = entryOf(file, name, label);
        if (e.dtype() != dtype || e.rank() != 1) {
            throw new Lowrank4jException(label + ": " + name + " must be a 1-D " + dtype + " tensor, found " + e.dtype()
                    + Arrays.toString(e.shape()));
        }
        return file.readBytes(name);
    }

    /** A float tensor (any float dtype) of exactly {@code count} values. */
    private static float[] floats(SafeTensorsFile file, String name, int count, String label) {
        SafeTensorsEntry e = entryOf(file, name, label);
        if (e.dtype() != SafeTensorsDtype.F32 && e.dtype() != SafeTensorsDtype.F16 && e.dtype() != SafeTensorsDtype.BF16) {
            throw new Lowrank4jException(label + ": " + name + " must be a float tensor, found " + e.dtype());
        }
        if (e.numel() != count) {
            throw new Lowrank4jException(label + ": " + name + " holds " + e.numel() + " values, expected " + count);
        }
        return file.readFloat(name).data;
    }

    private static SafeTensorsEntry entryOf(SafeTensorsFile file, String name, String label) {
        if (!file.contains(name)) throw new Lowrank4jException(label + ": missing " + name);
        return file.entry(name);
    }

    private static float[] finite(float[] x, String name, String label) {
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) throw new Lowrank4jException(label + ": " + name + " element " + i + " is " + x[i]);
        }
        return x;
    }
}
