package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.nn.storage.DenseWeights;
import dev.lowrank4j.nn.storage.WeightStorage;
import dev.lowrank4j.quant.PackedWeights;
import dev.lowrank4j.quant.act.ActivationQuantizedLinear;
import dev.lowrank4j.quant.nf4.Nf4Options;
import dev.lowrank4j.quant.nf4.Nf4Tensor;
import dev.lowrank4j.quant.ptq.IntPacking;
import dev.lowrank4j.quant.ptq.QuantGrid;
import dev.lowrank4j.quant.ptq.RoundToNearest;
import dev.lowrank4j.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One model's linear weights in several storage formats made from the same float32 values, to be
 * swapped in and out of the model's layers (so {@code bench decode} runs every format on one
 * model): {@code fp32} (dense), {@code nf4} (bitsandbytes NF4, block 64, as LoQT exports it) and
 * {@code int2} … {@code int8} (PTQ's per-row asymmetric min/max grid, round-to-nearest, packed as
 * {@code quantize --method rtn} stores it). The LM head keeps float32 unless asked, as it does in
 * bitsandbytes' and the PTQ models.
 */
public final class DecodeWeights {
    /** The accepted format names, for messages. */
    public static final String NAMES = "fp32, nf4, int2 … int8";
    private static final String LM_HEAD = "lm_head";

    private final Map<String, Linear> layers = new LinkedHashMap<>();
    private final Map<String, Tensor> floats = new LinkedHashMap<>();
    private final boolean quantizeHead;

    /**
     * Takes the float values of every linear of {@code linears} (dequantized when a loaded folder
     * holds them packed; an activation wrapper is looked through and stays in place).
     */
    public DecodeWeights(Map<String, LinearLayer> linears, boolean quantizeHead) {
        this.quantizeHead = quantizeHead;
        linears.forEach((path, l) -> {
            Linear lin = unwrap(path, l);
            layers.put(path, lin);
            // a float layer's own values, not a copy (a 130M model's weights are half a gigabyte)
            floats.put(path, lin.storage() instanceof DenseWeights d ? d.parameter().value() : lin.storage().dequantize());
        });
    }

    private static Linear unwrap(String path, LinearLayer l) {
        if (l instanceof ActivationQuantizedLinear a) l = a.inner();
        if (l instanceof Linear lin) return lin;
        throw new Lowrank4jException(path + " is a " + l.getClass().getSimpleName() + ", not a plain linear layer; bench decode needs one");
    }

    /** Checks a format name early (before minutes of model building); a one-line error otherwise. */
    public static void check(String format) {
        if (!format.equals("fp32") && !format.equals("nf4") && intBits(format) < 0) {
            throw new Lowrank4jException("unknown weight format '" + format + "'; known: " + NAMES);
        }
    }

    private static int intBits(String format) {
        if (!format.matches("int[2-8]")) return -1;
        return format.charAt(3) - '0';
    }

    /** Every layer's storage in {@code format} (the layers themselves are not changed). */
    public Map<String, WeightStorage> build(String format) {
        check(format);
        Map<String, WeightStorage> out = new LinkedHashMap<>();
        floats.forEach((path, w) -> out.put(path, storage(path, w, path.equals(LM_HEAD) && !quantizeHead ? "fp32" : format)));
        return out;
    }

    private static WeightStorage storage(String path, Tensor w, String format) {
        if (format.equals("fp32")) return new DenseWeights(Parameter.frozen(path + ".weight", w));
        if (format.equals("nf4")) return new PackedWeights(Nf4Tensor.quantize(path, w, Nf4Options.DEFAULT));
        int bits = intBits(format);
        return new PackedWeights(IntPacking.pack(RoundToNearest.quantize(path, w, QuantGrid.minMax(path, w, bits))));
    }

    /** Puts {@code storages} (from {@link #build}) into the layers. */
    public void install(Map<String, WeightStorage> storages) {
        storages.forEach((path, s) -> layers.get(path).setStorage(s));
    }

    /** Bytes of the linear weights as stored (codes and scales; what one decoded token reads). */
    public static long bytes(Map<String, WeightStorage> storages) {
        long sum = 0;
        for (WeightStorage s : storages.values()) {
            if (s instanceof PackedWeights p) sum += p.tensor().bytes();
            else sum += 4L * s.inFeatures() * s.outFeatures();
        }
        return sum;
    }

    public List<String> paths() {
        return List.copyOf(layers.keySet());
    }
}
