package dev.lowrank4j.loqt;

import dev.lowrank4j.linalg.MatrixChecks;
import dev.lowrank4j.optim.LlamaPaperConfig;
import dev.lowrank4j.optim.WeightShape;
import dev.lowrank4j.quant.nf4.Nf4Options;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * LoQT's memory for a paper-scale LLaMA in bytes, beside the paper's Table 3 formulas (per
 * targeted m×n weight, m ≤ n: weights mn + mr + nr with mn and mr in NF4, gradients nr,
 * optimizer states 2nr). The trainable factor B lies along the longer side (l·r), P along the
 * shorter one (s·r). NF4 tensors cost exactly what this library's {@code Nf4Tensor} holds: half a
 * byte per value plus a float32 absmax per block of 64 (double quantization: one byte per block
 * plus a float per 256 blocks and one offset). Float tensors are counted in bf16 (the paper) and
 * in fp32 (what this implementation holds). Embeddings, norms and lm_head train with plain Adam.
 *
 * @param quantizedBytes     NF4 W and (when quantized) P
 * @param floatWeights       float elements of weights: B, non-targeted weights, P when not quantized
 * @param trainable          elements that have a gradient and two Adam moments
 * @param updateExtraFp32    what an update step adds when layers merge one at a time (one pass per
 *                           step: bench step, pretrain without --accum or --spark): the largest
 *                           targeted layer's float32 W and gradient (compensation temporaries aside)
 * @param updateExtraAllAtOnceFp32 the same when every layer holds its float32 W and gradient until the
 *                           step's gradients are final (micro-batches summed, replicas averaged)
 * @param fullAdamElements   full AdamW for the same model: weights, gradients and moments, in elements
 */
public record LoqtMemory(String config, int rank, boolean quantizeProjection, boolean doubleQuant, long parameters,
                         long quantizedBytes, long floatWeights, long trainable, long updateExtraFp32,
                         long updateExtraAllAtOnceFp32, long fullAdamElements) {
    public static final String WEIGHTS_FORMULA = "mn + mr + nr (mn and mr in NF4)";
    public static final String GRADIENTS_FORMULA = "nr";
    public static final String OPTIMIZER_FORMULA = "2nr";

    public static LoqtMemory estimate(LlamaPaperConfig cfg, int rank, boolean quantizeProjection, boolean doubleQuant) {
        Nf4Options nf4 = new Nf4Options(Nf4Options.DEFAULT.blocksize(), doubleQuant);
        long quantized = 0, floats = 0, trainable = 0, extra = 0, extraAllAtOnce = 0, full = 0;
        for (WeightShape w : cfg.weights()) {
            long n = w.elements();
            full += 4 * n;
            if (!w.targeted()) {
                floats += n;
                trainable += n;
                continue;
            }
            MatrixChecks.requireRank(rank, w.rows(), w.cols(), w.name());
            long b = (long) w.larger() * rank, p = (long) w.smaller() * rank;
            quantized += nf4Bytes(n, nf4);
            if (quantizeProjection) quantized += nf4Bytes(p, nf4);
            else floats += p;
            floats += b;
            trainable += b;
            extra = Math.max(extra, 2 * 4 * n);
            extraAllAtOnce += 2 * 4 * n;
        }
        return new LoqtMemory(cfg.name(), rank, quantizeProjection, doubleQuant, cfg.parameterCount(), quantized, floats,
                trainable, extra, extraAllAtOnce, full);
    }

    /** Bytes of an NF4 tensor of {@code n} values: packed codes plus its scales. */
    public static long nf4Bytes(long n, Nf4Options o) {
        long blocks = (n + o.blocksize() - 1) / o.blocksize();
        long codes = (n + 1) / 2;
        if (!o.doubleQuant()) return codes + 4 * blocks;
        long nested = (blocks + Nf4Options.NESTED_BLOCKSIZE - 1) / Nf4Options.NESTED_BLOCKSIZE;
        return codes + blocks + 4 * nested + 4;
    }

    /** Category → bytes with float tensors of {@code floatBytes} each (2: bf16, 4: fp32); Adam keeps two moments. */
    public Map<String, Long> bytes(int floatBytes) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("weights", floatWeights * floatBytes);
        m.put("quantized_weights", quantizedBytes);
        m.put("gradients", trainable * floatBytes);
        m.put("optimizer_states", 2 * trainable * floatBytes);
        m.put("total", floatWeights * floatBytes + quantizedBytes + 3 * trainable * floatBytes);
        return m;
    }

    /** Full AdamW's total for the same model. */
    public long fullAdamBytes(int floatBytes) {
        return fullAdamElements * floatBytes;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("config", config);
        o.put("method", "loqt");
        o.put("rank", rank);
        o.put("parameters", parameters);
        o.put("quantize_projection", quantizeProjection);
        o.put("double_quant", doubleQuant);
        o.put("bf16_bytes", bytes(2));
        o.put("fp32_bytes", bytes(4));
        o.put("update_step_extra_fp32_bytes", updateExtraFp32);
        o.put("update_step_extra_all_at_once_fp32_bytes", updateExtraAllAtOnceFp32);
        o.put("full_adamw_bf16_bytes", fullAdamBytes(2));
        o.put("full_adamw_fp32_bytes", fullAdamBytes(4));
        o.put("formulas", Map.of("weights", WEIGHTS_FORMULA, "gradients", GRADIENTS_FORMULA, "optimizer_states", OPTIMIZER_FORMULA));
        return o;
    }

    public String format() {
        StringBuilder sb = new StringBuilder();
        Map<String, Long> bf = bytes(2), fp = bytes(4);
        sb.append(String.format(Locale.ROOT, "LLaMA %s (%.2fM parameters), method loqt, rank %d, P in %s%s%n", config,
                parameters / 1e6, rank, quantizeProjection ? "NF4" : "float", doubleQuant ? ", double quantization" : ""));
        sb.append(String.format(Locale.ROOT, "  %-18s %16s %16s   %s%n", "category", "bytes (bf16)", "bytes (fp32)",
                "per targeted m×n matrix (m ≤ n), paper Table 3"));
        row(sb, "weights", bf, fp, "mr + nr float part (P here only when not NF4), plus embeddings, norms, head");
        row(sb, "quantized_weights", bf, fp, "mn (and mr) in NF4: 0.5 B + absmax per 64 values");
        row(sb, "gradients", bf, fp, GRADIENTS_FORMULA);
        row(sb, "optimizer_states", bf, fp, OPTIMIZER_FORMULA);
        row(sb, "total", bf, fp, "");
        sb.append(String.format(Locale.ROOT, "  full AdamW, same model: %,d bytes (bf16), %,d (fp32); LoQT/full = %.3f (bf16), %.3f (fp32)%n",
                fullAdamBytes(2), fullAdamBytes(4), bf.get("total") / (double) fullAdamBytes(2), fp.get("total") / (double) fullAdamBytes(4)));
        sb.append(String.format(Locale.ROOT, "  an update step adds %,d bytes (fp32): the largest layer's float W and full gradient, merged one layer at a time%n",
                updateExtraFp32));
        sb.append(String.format(Locale.ROOT, "  (%,d bytes with --accum > 1 or --spark: every layer's float W and gradient at once)%n",
                updateExtraAllAtOnceFp32));
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, Map<String, Long> bf, Map<String, Long> fp, String formula) {
        sb.append(String.format(Locale.ROOT, "  %-18s %,16d %,16d   %s%n", name, bf.get(name), fp.get(name), formula));
    }
}
