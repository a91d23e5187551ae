package dev.lowrank4j.adapters.lora;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.TargetModules;

/**
 * One LoRA adapter's hyperparameters, with PEFT's meanings.
 *
 * @param r         rank of A [r, in] and B [out, r]
 * @param alpha     {@code lora_alpha}; the update is scaled by alpha/r (or alpha/√r with rsLoRA)
 * @param dropout   probability of zeroing an element of the adapter's input while training
 * @param useRslora rank-stabilised scaling alpha/√r
 * @param init      how A and B start
 * @param targets   which projections to adapt
 * @param seed      seeds the factor init and the dropout masks (each layer gets its own stream)
 */
public record LoraConfig(int r, double alpha, double dropout, boolean useRslora, LoraInit init,
                         TargetModules targets, long seed) {
    public LoraConfig {
        if (r <= 0) throw new Lowrank4jException("LoRA rank r must be positive, got " + r);
        if (!Double.isFinite(alpha)) throw new Lowrank4jException("lora_alpha must be a finite number, got " + alpha);
        if (!(dropout >= 0 && dropout < 1)) throw new Lowrank4jException("lora_dropout must be in [0, 1), got " + dropout);
        if (init == null) throw new IllegalArgumentException("init must not be null");
        if (targets == null) throw new IllegalArgumentException("targets must not be null");
    }

    /** PEFT's defaults (r = 8, alpha = 8, no dropout, kaiming/zero init) on the given targets. */
    public static LoraConfig defaults(TargetModules targets) {
        return new LoraConfig(8, 8, 0.0, false, LoraInit.KAIMING_UNIFORM, targets, 0L);
    }

    public double scaling() {
        return scaling(r, alpha, useRslora);
    }

    /** alpha/r, or alpha/√r for rsLoRA (PEFT's rule). */
    public static double scaling(int r, double alpha, boolean useRslora) {
        return useRslora ? alpha / Math.sqrt(r) : alpha / r;
    }

    public LoraConfig withRank(int newR) {
        return new LoraConfig(newR, alpha, dropout, useRslora, init, targets, seed);
    }

    public LoraConfig withInit(LoraInit newInit) {
        return new LoraConfig(r, alpha, dropout, useRslora, newInit, targets, seed);
    }

    public LoraConfig withSeed(long newSeed) {
        return new LoraConfig(r, alpha, dropout, useRslora, init, targets, newSeed);
    }

    public LoraConfig withDropout(double p) {
        return new LoraConfig(r, alpha, p, useRslora, init, targets, seed);
    }
}
