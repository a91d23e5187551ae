package dev.lowrank4j.spark;

import dev.lowrank4j.optim.LlamaPaperConfig;
import dev.lowrank4j.optim.WeightShape;

import java.util.List;
import java.util.Locale;

/**
 * Values each replica puts into the ring per step, by method, from the weights' shapes (targeted =
 * the attention and MLP projections), plus the two floats that carry the loss. Bytes sent per rank
 * are 2·(N−1)/N·4 per value ({@link RingAllReduce#bytesSentBy}).
 */
public final class ExchangeFormula {
    public static final int LOSS_VALUES = 2;

    private ExchangeFormula() {}

    /** Full training and Fira, and GaLore at a projector refresh: every gradient. */
    public static long full(List<WeightShape> weights) {
        return weights.stream().mapToLong(WeightShape::elements).sum() + LOSS_VALUES;
    }

    /** GaLore between refreshes: R = PᵀG (r·max(m, n)) for each projected matrix, G for the rest. */
    public static long galore(List<WeightShape> weights, int rank) {
        return weights.stream().mapToLong(w -> w.targeted() ? (long) Math.min(rank, w.smaller()) * w.larger() : w.elements())
                .sum() + LOSS_VALUES;
    }

    /** LoRA on the projections (frozen), with embeddings, norms and head training: A and B, r·(m + n). */
    public static long lora(List<WeightShape> weights, int rank) {
        return weights.stream().mapToLong(w -> w.targeted() ? (long) rank * (w.rows() + w.cols()) : w.elements()).sum()
                + LOSS_VALUES;
    }

    /** GaLore's average over a run with refresh period T: one full step per T. */
    public static double galoreMean(List<WeightShape> weights, int rank, long updateGap) {
        return (full(weights) + (updateGap - 1) * (double) galore(weights, rank)) / updateGap;
    }

    /** The table in docs/DISTRIBUTED.md: {@code java -cp ... dev.lowrank4j.spark.ExchangeFormula [workers]}. */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        double perValue = 2.0 * (n - 1) / n * 4;
        double tenGbE = 10e9 / 8;
        System.out.printf(Locale.ROOT, "| config | rank | full MB | GaLore MB (between refreshes) | LoRA MB | full / GaLore / LoRA ms at 10 GbE |%n");
        System.out.printf("|---|---|---|---|---|---|%n");
        for (String name : List.of("60m", "130m", "350m", "1b", "7b")) {
            LlamaPaperConfig c = LlamaPaperConfig.byName(name);
            int r = c.paperRank();
            List<WeightShape> w = c.weights();
            double f = full(w) * perValue, g = galore(w, r) * perValue, l = lora(w, r) * perValue;
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.0f / %.0f / %.0f |%n", name, r, f / 1e6, g / 1e6,
                    l / 1e6, f / tenGbE * 1e3, g / tenGbE * 1e3, l / tenGbE * 1e3);
        }
    }
}
