package dev.lowrank4j.adapters.loldu;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.Rng;

import java.util.Locale;

/**
 * Starting values of LoLDU's z (ALGORITHMS §8b). Only {@link #LU} keeps the pretrained function
 * at init (W_res is always formed with D_r, so other inits change it); μ = mean(D_r).
 */
public enum LolduInit {
    /** z = D_r (the code's default): W_eff = W at init. */
    LU,
    /** z ~ U(−μ/2, μ/2): the paper's best average in its ViT ablation. */
    UNIFORM,
    /** z ~ N(μ, std(D_r)²); the spec names only "normal(μ, std)", taking D_r's own spread is our choice. */
    NORMAL,
    /** z = μ for every entry. */
    CONSTANT,
    ZEROS,
    ONES;

    void fill(float[] z, float[] dR, Rng rng) {
        double mean = 0, var = 0;
        for (float d : dR) mean += d;
        mean /= dR.length;
        for (float d : dR) var += (d - mean) * (d - mean);
        double std = Math.sqrt(var / dR.length);
        for (int i = 0; i < z.length; i++) {
            z[i] = switch (this) {
                case LU -> dR[i];
                case UNIFORM -> (float) ((rng.nextDouble() - 0.5) * mean);
                case NORMAL -> (float) (mean + std * rng.nextGaussian());
                case CONSTANT -> (float) mean;
                case ZEROS -> 0f;
                case ONES -> 1f;
            };
        }
    }

    public static LolduInit parse(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Lowrank4jException("unknown LoLDU init '" + text + "'; expected lu, uniform, normal, constant, zeros or ones");
        }
    }
}
