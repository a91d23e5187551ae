package dev.lowrank4j.adapters.loldu;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.TargetModules;

/**
 * LoLDU hyperparameters.
 *
 * @param r          number of leading LDU components whose diagonal is trained
 * @param alpha      σ0 = alpha / r. The paper's tables use alpha = r (σ = 1); the code's
 *                   {@code from_linear} default alpha = 1 gives σ = 1/r
 * @param init       starting z
 * @param trainSigma also train σ (the paper counts r + 1 parameters; the code trains z only)
 * @param targets    which projections to adapt
 * @param seed       for the random z inits
 */
public record LolduConfig(int r, double alpha, LolduInit init, boolean trainSigma, TargetModules targets, long seed) {
    public LolduConfig {
        if (r <= 0) throw new Lowrank4jException("LoLDU rank r must be positive, got " + r);
        if (!Double.isFinite(alpha) || alpha == 0) throw new Lowrank4jException("LoLDU alpha must be finite and non-zero, got " + alpha);
        if (init == null || targets == null) throw new IllegalArgumentException("init and targets must not be null");
    }

    /** The paper's setting: alpha = r (σ = 1), z = D_r, z trained alone. */
    public static LolduConfig paperDefaults(int r, TargetModules targets) {
        return new LolduConfig(r, r, LolduInit.LU, false, targets, 0L);
    }

    public double sigma0() {
        return alpha / r;
    }
}
