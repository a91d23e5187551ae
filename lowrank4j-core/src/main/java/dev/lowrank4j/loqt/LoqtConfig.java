package dev.lowrank4j.loqt;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.quant.nf4.Nf4Options;

/**
 * LoQT's settings (ALGORITHMS §4; the authors' pretraining scripts give the defaults).
 *
 * @param rank               r of s·B·P
 * @param alpha              s, used directly (no /r): the authors' {@code lora_alpha}
 * @param schedule           when to merge and re-initialise
 * @param compensationIters  C, error-compensation iterations (0: B starts at zero)
 * @param quantize           W in NF4 (false: LoQT-nq, everything float32)
 * @param quantizeProjection P in NF4 too (only with {@code quantize})
 * @param resetAdapterState  zero B's Adam moments at each merge (the authors carry them over)
 * @param nf4                NF4 block size and double quantization
 */
public record LoqtConfig(int rank, double alpha, MergeSchedule schedule, int compensationIters, boolean quantize,
                         boolean quantizeProjection, boolean resetAdapterState, Nf4Options nf4) {
    /** The 60M script: s = 0.4, T = 100, ψ = 1.2, C = 5, W and P in NF4. */
    public static final double DEFAULT_ALPHA = 0.5;
    public static final long DEFAULT_GAP = 100;
    public static final double DEFAULT_INCREMENT = 1.2;
    public static final int DEFAULT_COMPENSATION = 5;

    public LoqtConfig {
        if (rank <= 0) throw new Lowrank4jException("--rank must be > 0, got " + rank);
        if (!(alpha > 0) || !Double.isFinite(alpha)) throw new Lowrank4jException("--lora-alpha must be > 0, got " + alpha);
        if (compensationIters < 0) throw new Lowrank4jException("--compensation-iters must be >= 0, got " + compensationIters);
        if (quantizeProjection && !quantize) {
            throw new Lowrank4jException("--quantize-projection needs quantized weights (loqt, not loqt-nq)");
        }
        if (schedule == null) schedule = new MergeSchedule(DEFAULT_GAP, DEFAULT_INCREMENT);
        if (nf4 == null) nf4 = Nf4Options.DEFAULT;
    }

    public static LoqtConfig quantized(int rank) {
        return new LoqtConfig(rank, DEFAULT_ALPHA, null, DEFAULT_COMPENSATION, true, true, false, null);
    }

    public static LoqtConfig notQuantized(int rank) {
        return new LoqtConfig(rank, DEFAULT_ALPHA, null, 0, false, false, false, null);
    }

    public LoqtConfig withAlpha(double a) {
        return new LoqtConfig(rank, a, schedule, compensationIters, quantize, quantizeProjection, resetAdapterState, nf4);
    }

    public LoqtConfig withSchedule(MergeSchedule s) {
        return new LoqtConfig(rank, alpha, s, compensationIters, quantize, quantizeProjection, resetAdapterState, nf4);
    }

    public LoqtConfig withCompensation(int c) {
        return new LoqtConfig(rank, alpha, schedule, c, quantize, quantizeProjection, resetAdapterState, nf4);
    }

    public LoqtConfig withQuantizedProjection(boolean q) {
        return new LoqtConfig(rank, alpha, schedule, compensationIters, quantize, q, resetAdapterState, nf4);
    }

    public LoqtConfig withResetAdapterState(boolean reset) {
        return new LoqtConfig(rank, alpha, schedule, compensationIters, quantize, quantizeProjection, reset, nf4);
    }
}
