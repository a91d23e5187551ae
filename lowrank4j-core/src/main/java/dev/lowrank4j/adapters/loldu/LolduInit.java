package dev.lowrank4j.adapters.loldu;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.Rng;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Starting values of LoLDU's z (ALGORITHMS §8b), as the authors' {@code get_residual_matrix}
 * computes them; μ = mean(D_r). For {@link #LU}, {@link #UNIFORM}, {@link #NORMAL} and
 * {@link #CONSTANT} the authors' code aliases z to D_r and fills it in place, so the residual
 * W_res = W − σ0·P·L_r·diag(z)·U_r is formed with the new z and the layer keeps the pretrained
 * function at init ({@link #residualFromZ()}). {@link #ZEROS}, {@link #ONES}, {@link #S_UNIFORM} and
 * {@link #S_NORMAL} fill a separate tensor, so W_res is formed with D_r and W_eff ≠ W at init (the
 * paper's ablation scores zeros and ones far lower).
 */
public enum LolduInit {
    /** z = D_r (the code's default). */
    LU,
    /** z ~ U(−|μ|/2, |μ|/2): the paper's best average in its ViT ablation. */
    UNIFORM,
    /** z ~ N(μ, s²) with s the unbiased (n − 1) std of D_r, as torch's {@code std()}. */
    NORMAL,
    /** z = μ for every entry. */
    CONSTANT,
    ZEROS,
    ONES,
    /** z ~ U(−1, 1), independent of D_r. */
    S_UNIFORM,
    /** z ~ N(0, 1), independent of D_r. */
    S_NORMAL;

    /** True when W_res is built from the initial z (W_eff = W at init), false when from D_r. */
    public boolean residualFromZ() {
        return this == LU || this == UNIFORM || this == NORMAL || this == CONSTANT;
    }

    /** The name the CLI and run_config.json use ("s_uniform"). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    void fill(float[] z, float[] dR, Rng rng) {
        double mean = 0, var = 0;
        for (float d : dR) mean += d;
        mean /= dR.length;
        for (float d : dR) var += (d - mean) * (d - mean);
        // torch's unbiased std; a single entry has none (torch gives NaN), so r = 1 falls back to 0 spread
        double std = dR.length > 1 ? Math.sqrt(var / (dR.length - 1)) : 0.0;
        for (int i = 0; i < z.length; i++) {
            z[i] = switch (this) {
                case LU -> dR[i];
                case UNIFORM -> (float) ((rng.nextDouble() - 0.5) * Math.abs(mean));
                case NORMAL -> (float) (mean + std * rng.nextGaussian());
                case CONSTANT -> (float) mean;
                case ZEROS -> 0f;
                case ONES -> 1f;
                case S_UNIFORM -> (float) (2 * rng.nextDouble() - 1);
                case S_NORMAL -> (float) rng.nextGaussian();
            };
        }
    }

    public static LolduInit parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new Lowrank4jException("unknown LoLDU init '" + text + "'; expected "
                    + Arrays.stream(values()).map(LolduInit::id).collect(Collectors.joining(", ")));
        }
    }
}
