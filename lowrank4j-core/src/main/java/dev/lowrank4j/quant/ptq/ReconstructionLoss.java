package dev.lowrank4j.quant.ptq;

/**
 * The authors' {@code lp_loss(pred, tgt, p=2, reduction='none')} on a block output [B, T, D]:
 * {@code (pred − tgt)².sum(dim=1).mean()}, i.e. squared errors summed over the tokens and averaged
 * over the batch and the hidden features (ALGORITHMS §5(h)). Our hidden states are [B·T, D], so
 * that is Σ (pred − tgt)² / (B·D).
 */
public final class ReconstructionLoss {
    private ReconstructionLoss() {}

    /** The loss of {@code pred} against {@code target} (both [batch·seq·width]); dL/dpred goes to {@code grad} if non-null. */
    public static double lossAndGradient(float[] pred, float[] target, int batch, int width, float[] grad) {
        double sum = 0, norm = (double) batch * width;
        for (int i = 0; i < pred.length; i++) {
            double d = (double) pred[i] - target[i];
            sum += d * d;
            if (grad != null) grad[i] = (float) (2 * d / norm);
        }
        return sum / norm;
    }
}
