package dev.lowrank4j.adapters;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.quant.PackedWeights;
import dev.lowrank4j.quant.nf4.Nf4Options;
import dev.lowrank4j.quant.nf4.Nf4Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * QLoRA's base: the targeted projections of a loaded model stored in NF4 (bitsandbytes' layout,
 * blocks of 64) before an adapter wraps them, so the frozen base costs half a byte per weight and
 * the fused kernels multiply by it without a float copy. Every layer is encoded before any is
 * swapped: a NaN or infinite weight is a one-line error that leaves the model as it was.
 */
public final class QuantizedBase {
    /** The values {@code --quantize} accepts. */
    public static final List<String> TYPES = List.of("none", "nf4");

    private QuantizedBase() {}

    /** "none" or "nf4" (case-insensitive; null means none); anything else is a one-line error. */
    public static String parse(String type) {
        String t = type == null ? "none" : type.strip().toLowerCase(Locale.ROOT);
        if (!TYPES.contains(t)) {
            throw new Lowrank4jException("unknown quantization type '" + type + "' for --quantize; valid: " + String.join(", ", TYPES));
        }
        return t;
    }

    /** Re-encodes the weight of every targeted float {@link Linear} as NF4; returns the paths changed. */
    public static List<String> quantize(ModuleHost host, TargetModules targets, String type) {
        if (parse(type).equals("none")) return List.of();
        Map<String, LinearLayer> linears = host.linears();
        Map<Linear, PackedWeights> packed = new LinkedHashMap<>();
        Map<String, Linear> byPath = new LinkedHashMap<>();
        for (String path : Targets.select(targets, linears.keySet())) {
            if (!(linears.get(path) instanceof Linear l)) {
                throw new Lowrank4jException(path + ": cannot quantize a layer that already carries an adapter");
            }
            Parameter w = l.storage().parameter();
            if (w == null) continue; // already packed (a pre-quantized folder)
            packed.put(l, new PackedWeights(Nf4Tensor.quantize(w.name(), w.value(), Nf4Options.DEFAULT)));
            byPath.put(path, l);
        }
        packed.forEach(Linear::setStorage);
        return List.copyOf(byPath.keySet());
    }
}
