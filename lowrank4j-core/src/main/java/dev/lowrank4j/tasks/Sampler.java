package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.Rng;

import java.util.Arrays;

/**
 * Picks the next token from logits: temperature 0 is greedy (argmax); otherwise softmax(logits / T)
 * restricted to the {@code topK} most likely tokens (0 = all) and then to the smallest set whose
 * probability reaches {@code topP} (1 = all), renormalised and sampled.
 */
public final class Sampler {
    private final double temperature;
    private final int topK;
    private final double topP;
    private final Rng rng;

    public Sampler(double temperature, int topK, double topP, long seed) {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) throw new Lowrank4jException("--temperature must be >= 0, got " + temperature);
        if (topK < 0) throw new Lowrank4jException("--top-k must be >= 0 (0 = no limit), got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new Lowrank4jException("--top-p must be in (0, 1], got " + topP);
        this.temperature = temperature;
        this.topK = topK;
        this.topP = topP;
        this.rng = new Rng(seed);
    }

    public int next(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        if (temperature == 0) return best;
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        int keep = topK == 0 ? order.length : Math.min(topK, order.length);
        double[] p = new double[keep];
        double sum = 0;
        for (int r = 0; r < keep; r++) {
            p[r] = Math.exp((logits[order[r]] - logits[best]) / temperature);
            sum += p[r];
        }
        double mass = 0;
        int nucleus = keep;
        for (int r = 0; r < keep; r++) {
            mass += p[r] / sum;
            if (mass >= topP) {
                nucleus = r + 1;
                break;
            }
        }
        double total = 0;
        for (int r = 0; r < nucleus; r++) total += p[r];
        double u = rng.nextDouble() * total;
        for (int r = 0; r < nucleus; r++) {
            u -= p[r];
            if (u <= 0) return order[r];
        }
        return order[nucleus - 1];
    }
}
