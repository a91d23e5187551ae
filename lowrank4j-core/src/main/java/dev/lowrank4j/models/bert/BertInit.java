package dev.lowrank4j.models.bert;

import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.util.Rng;

/**
 * transformers' BertPreTrainedModel._init_weights: N(0, initializer_range²) for linear weights and
 * embedding tables, zero biases, LayerNorm weight 1 and bias 0. Each parameter draws from its own
 * stream seeded by (seed, name), so values do not depend on creation order.
 */
final class BertInit {
    /** transformers' BertConfig.initializer_range default. */
    static final double INITIALIZER_RANGE = 0.02;

    private BertInit() {}

    static void initialize(Iterable<Parameter> parameters, long seed) {
        for (Parameter p : parameters) {
            float[] d = p.data();
            if (p.name().endsWith(".bias")) {
                java.util.Arrays.fill(d, 0f);
            } else if (p.name().endsWith("LayerNorm.weight")) {
                java.util.Arrays.fill(d, 1f);
            } else {
                normal(d, seed * 0x9E3779B97F4A7C15L + p.name().hashCode(), INITIALIZER_RANGE);
            }
        }
    }

    /** Box–Muller with StrictMath, reproducible bit for bit on every JVM. */
    static void normal(float[] d, long streamSeed, double std) {
        Rng rng = new Rng(streamSeed);
        for (int i = 0; i < d.length; i += 2) {
            double u1 = Math.max(rng.nextDouble(), Double.MIN_NORMAL), u2 = rng.nextDouble();
            double radius = Math.sqrt(-2.0 * StrictMath.log(u1)), angle = 2.0 * Math.PI * u2;
            d[i] = (float) (std * radius * StrictMath.cos(angle));
            if (i + 1 < d.length) d[i + 1] = (float) (std * radius * StrictMath.sin(angle));
        }
    }
}
