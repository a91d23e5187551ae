package dev.lowrank4j.adapters.plora;

import dev.lowrank4j.adapters.lora.LoraAdapters;
import dev.lowrank4j.adapters.lora.LoraInitializer;
import dev.lowrank4j.adapters.lora.LoraLinear;
import dev.lowrank4j.adapters.lora.LoraSeeds;
import dev.lowrank4j.nn.Parameter;

import java.util.List;

/**
 * PeriodicLoRA (Meng et al., arXiv 2402.16141; ALGORITHMS §7): LoRA trained in stages. At the end
 * of each stage every adapter is unloaded into its base weight (W ← W + s·B·A), A is drawn afresh
 * and B set to 0, so the model's function is unchanged while the adapter starts over. The sum of
 * the stages' updates can reach rank k·r after k stages at LoRA's memory cost.
 *
 * <p>How a trainer drives it, after each optimizer step {@code step} (counted from 1):
 * <pre>
 *   StepOutcome o = plora.afterStep(step);
 *   for (Parameter p : o.resetOptimizerState()) optimizer.resetState(p);   // Adam moments → 0, per-parameter t → 0
 *   if (o.restartSchedule()) scheduleOrigin = step;                        // lr(t) = schedule(t − scheduleOrigin)
 * </pre>
 * or call {@link #atStageEnd}, {@link #momentumDue}, {@link #unloadAndReset} and {@link #momentumUnload}
 * directly. The adapters must not be merged while PeriodicLoRA runs.
 */
public final class PeriodicLora {
    /** What the trainer must do after a step. */
    public record StepOutcome(List<Parameter> resetOptimizerState, boolean restartSchedule) {
        public static final StepOutcome NOTHING = new StepOutcome(List.of(), false);
    }

    private final LoraAdapters adapters;
    private final PloraConfig config;
    private int stagesCompleted;
    private long stageStartStep;

    public PeriodicLora(LoraAdapters adapters, PloraConfig config) {
        this.adapters = adapters;
        this.config = config;
    }

    public PloraConfig config() {
        return config;
    }

    public int stagesCompleted() {
        return stagesCompleted;
    }

    /** The step after which the current stage began (0 for the first): the LR schedule's origin. */
    public long stageStartStep() {
        return stageStartStep;
    }

    /**
     * Restores the stage bookkeeping for a run resumed after {@code step} completed steps (the
     * adapter weights themselves come from the checkpoint). The stage count seeds each stage's
     * re-initialisation, so a resumed run draws the same A's as an uninterrupted one.
     */
    public void resumeAt(long step) {
        stagesCompleted = Math.toIntExact(step / config.stageLength());
        stageStartStep = stagesCompleted * config.stageLength();
    }

    /** True when {@code step} (optimizer steps done, from 1) closes a stage. */
    public boolean atStageEnd(long step) {
        return step > 0 && step % config.stageLength() == 0;
    }

    /** True when partial (momentum) unloading is on and due after {@code step}. */
    public boolean momentumDue(long step) {
        return config.momentum() != MomentumUnloading.OFF && step > 0 && step % config.momentumInterval() == 0;
    }

    /** Applies whatever is due after {@code step}; a stage end takes precedence over momentum. */
    public StepOutcome afterStep(long step) {
        if (atStageEnd(step)) {
            List<Parameter> reset = unloadAndReset();
            stageStartStep = step;
            return new StepOutcome(reset, true);
        }
        if (momentumDue(step)) momentumUnload();
        return StepOutcome.NOTHING;
    }

    /**
     * Ends the stage now: W ← W + s·B·A exactly, a fresh A, B = 0 and zeroed gradients for every
     * layer. Returns the parameters (every A and B) whose optimizer state must restart from zero,
     * since moments estimated for the old factors mean nothing for the new ones.
     */
    public List<Parameter> unloadAndReset() {
        stagesCompleted++;
        for (LoraLinear l : adapters.layers()) {
            l.unloadFraction(1.0);
            LoraInitializer.reinitialize(l, config.reinit(), LoraSeeds.init(config.seed(), l.modulePath(), stagesCompleted));
            l.loraA().zeroGrad();
            l.loraB().zeroGrad();
        }
        return adapters.layers().stream().flatMap(l -> l.adapterParameters().stream()).toList();
    }

    /** One partial unloading with the configured mode and fraction m (see {@link MomentumUnloading}). */
    public void momentumUnload() {
        if (config.momentum() == MomentumUnloading.OFF) return;
        float keep = (float) (1 - config.momentumFraction());
        for (LoraLinear l : adapters.layers()) {
            l.unloadFraction(config.momentumFraction());
            scale(l.loraB().data(), keep);
            if (config.momentum() == MomentumUnloading.SCALE_BOTH) scale(l.loraA().data(), keep);
        }
    }

    private static void scale(float[] a, float f) {
        for (int i = 0; i < a.length; i++) a[i] *= f;
    }
}
