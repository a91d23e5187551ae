package dev.lowrank4j.train;

/**
 * The learning-rate multiplier of the GaLore/Fira/LoQT pretraining scripts: linear warmup from 0,
 * then cosine decay to a floor {@code minRatio} at the last step.
 */
public record CosineSchedule(long warmup, long total, double minRatio) {
    public CosineSchedule {
        if (total < 1) throw new IllegalArgumentException("total steps must be >= 1");
        if (warmup < 0 || warmup > total) throw new IllegalArgumentException("warmup must be in [0, total]");
        if (minRatio < 0 || minRatio > 1) throw new IllegalArgumentException("min ratio must be in [0, 1]");
    }

    /** Multiplier for 0-based step {@code step}. */
    public double multiplier(long step) {
        if (step < warmup) return (double) step / warmup;
        if (total == warmup) return 1.0;
        double progress = Math.min(1.0, (double) (step - warmup) / (total - warmup));
        return minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
