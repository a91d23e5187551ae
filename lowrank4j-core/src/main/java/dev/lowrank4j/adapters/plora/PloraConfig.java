package dev.lowrank4j.adapters.plora;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.lora.LoraInit;

/**
 * PeriodicLoRA's schedule. The paper's stage length, momentum and interval are not published
 * (ALGORITHMS §7e); the defaults below are the third-party implementation's momentum (0.1, every
 * step) and otherwise conservative.
 *
 * @param stageLength      optimizer steps per stage; the adapter is fully unloaded after each
 * @param reinit           init drawn for A at every stage start (B is always 0); kaiming or gaussian
 * @param momentum         how partial unloading works between stage ends
 * @param momentumFraction m in the unloading formulas, in (0, 1)
 * @param momentumInterval apply partial unloading every this many steps
 * @param seed             seeds the per-stage re-initialisations
 */
public record PloraConfig(long stageLength, LoraInit reinit, MomentumUnloading momentum, double momentumFraction,
                          long momentumInterval, long seed) {
    public static final double DEFAULT_MOMENTUM = 0.1;

    public PloraConfig {
        if (stageLength <= 0) throw new Lowrank4jException("PeriodicLoRA stage length must be positive, got " + stageLength);
        if (reinit != LoraInit.KAIMING_UNIFORM && reinit != LoraInit.GAUSSIAN) {
            throw new Lowrank4jException("PeriodicLoRA re-initialises A with kaiming or gaussian (B = 0), not " + reinit);
        }
        if (momentum != MomentumUnloading.OFF) {
            if (!(momentumFraction > 0 && momentumFraction < 1)) {
                throw new Lowrank4jException("PeriodicLoRA momentum must be in (0, 1), got " + momentumFraction);
            }
            if (momentumInterval <= 0) throw new Lowrank4jException("momentum interval must be positive, got " + momentumInterval);
        }
    }

    /** Full unloading every {@code stageLength} steps, kaiming re-init, no momentum. */
    public static PloraConfig everySteps(long stageLength, long seed) {
        return new PloraConfig(stageLength, LoraInit.KAIMING_UNIFORM, MomentumUnloading.OFF, DEFAULT_MOMENTUM, 1, seed);
    }

    public PloraConfig withMomentum(MomentumUnloading mode, double fraction, long interval) {
        return new PloraConfig(stageLength, reinit, mode, fraction, interval, seed);
    }
}
