package dev.lowrank4j.optim;

import java.util.Locale;

/**
 * A memory estimate ready to print: element counts, their size in bf16 and fp32, and the papers'
 * per-matrix formulas beside them. Sizes are decimal GB (10⁹ bytes), the papers' unit.
 */
public record MemoryEstimate(String config, MemoryMethod method, int rank, long parameters,
                             OptimizerMemory.Counts counts) {
    public static final int BF16_BYTES = 2, FP32_BYTES = 4;
    private static final double GB = 1e9;

    public static double gigabytes(long elements, int bytesPerElement) {
        return elements * (double) bytesPerElement / GB;
    }

    /** A small aligned table (one row per category, plus the total). */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "LLaMA %s (%.2fM parameters), method %s%s%n", config, parameters / 1e6,
                method.key, method.usesRank() ? ", rank " + rank : ""));
        sb.append(String.format(Locale.ROOT, "  %-17s %15s %10s %10s   %s%n", "category", "elements", "bf16 GB", "fp32 GB",
                "per targeted m×n matrix (m ≤ n)"));
        row(sb, "weights", counts.weights(), method.weightsFormula);
        row(sb, "gradients", counts.gradients(), method.gradientsFormula);
        row(sb, "optimizer states", counts.optimizerStates(), method.optimizerFormula);
        row(sb, "total", counts.total(), "");
        sb.append("  embeddings, norms and lm_head: plain Adam (weights n, gradients n, states 2n)").append(System.lineSeparator());
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, long elements, String formula) {
        sb.append(String.format(Locale.ROOT, "  %-17s %,15d %10.3f %10.3f   %s%n", name, elements,
                gigabytes(elements, BF16_BYTES), gigabytes(elements, FP32_BYTES), formula));
    }
}
