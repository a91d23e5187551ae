package dev.lowrank4j.spark;

import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.optim.GaLoreAdamW;
import dev.lowrank4j.optim.Optimizer;
import dev.lowrank4j.train.GradientExchange;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one replica exchanges, by method, over a {@link RingAllReduce}: the trainable parameters'
 * gradients (all weights for full and Fira; only the factors, embeddings, norms and head for
 * LoRA-style methods, whose base weights are frozen), except that under plain GaLore a projected
 * weight whose basis stays sends R = PᵀG (r·max(m, n) values) from inside the optimizer step
 * instead of G; at a projector refresh its full G is exchanged once so every replica computes
 * the same P. Gradients and the loss travel in one flat buffer: one ring pass per step.
 */
public final class RingExchange implements GradientExchange {
    public static final String BYTES_SENT = "exchange_bytes_sent", BYTES_FORMULA = "exchange_bytes_formula",
            VALUES = "exchange_values", SECONDS = "exchange_seconds";

    private final RingAllReduce ring;
    private final GaLoreAdamW galore;
    private long bytesAtReport, valuesSinceReport, nanosSinceReport;

    /** {@code optimizer}: plain GaLore gets the projected reduction; any other exchanges full gradients. */
    public RingExchange(RingAllReduce ring, Optimizer optimizer) {
        this.ring = ring;
        this.galore = optimizer instanceof GaLoreAdamW g && g.firaOptions() == null ? g : null;
        if (galore != null) galore.lowRankReducer(this::meanOfProjected);
    }

    @Override
    public double average(List<Parameter> trainable, double loss) {
        Set<Parameter> skip = Collections.newSetFromMap(new IdentityHashMap<>());
        if (galore != null) skip.addAll(galore.reducedInProjection());
        List<float[]> grads = trainable.stream().filter(p -> !skip.contains(p) && p.grad() != null).map(p -> p.grad().data).toList();
        // the loss as a float pair (hi + lo) keeps ~48 bits and costs two values
        float hi = (float) loss, lo = (float) (loss - hi);
        float[] flat = flatten(grads, 2);
        flat[flat.length - 2] = hi;
        flat[flat.length - 1] = lo;
        timedMean(flat);
        unflatten(flat, grads);
        return (double) flat[flat.length - 2] + flat[flat.length - 1];
    }

    private void meanOfProjected(List<float[]> projected) {
        if (projected.isEmpty()) return;
        float[] flat = flatten(projected, 0);
        timedMean(flat);
        unflatten(flat, projected);
    }

    /** Wall time in the ring, waiting for the slowest replica included. */
    private void timedMean(float[] flat) {
        long t0 = System.nanoTime();
        ring.meanInPlace(flat);
        nanosSinceReport += System.nanoTime() - t0;
    }

    private float[] flatten(List<float[]> arrays, int extra) {
        int n = extra;
        for (float[] a : arrays) n += a.length;
        float[] flat = new float[n];
        int k = 0;
        for (float[] a : arrays) {
            System.arraycopy(a, 0, flat, k, a.length);
            k += a.length;
        }
        valuesSinceReport += n;
        return flat;
    }

    private static void unflatten(float[] flat, List<float[]> arrays) {
        int k = 0;
        for (float[] a : arrays) {
            System.arraycopy(flat, k, a, 0, a.length);
            k += a.length;
        }
    }

    /**
     * Since the previous metrics line: the values averaged, the bytes this rank sent, the ring's
     * formula 2·(N−1)/N·4·values for them (equal to the bytes when N divides each exchange), and
     * the seconds spent in the ring (which include waiting for the slowest replica).
     */
    @Override
    public Map<String, Object> stepMetrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = ring.size();
        m.put(VALUES, valuesSinceReport);
        m.put(BYTES_SENT, ring.bytesSent() - bytesAtReport);
        m.put(BYTES_FORMULA, 2.0 * (n - 1) / n * 4.0 * valuesSinceReport);
        m.put(SECONDS, nanosSinceReport / 1e9);
        nanosSinceReport = 0;
        bytesAtReport = ring.bytesSent();
        valuesSinceReport = 0;
        return m;
    }
}
