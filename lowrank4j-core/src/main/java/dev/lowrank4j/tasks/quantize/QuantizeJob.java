package dev.lowrank4j.tasks.quantize;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.data.Corpus;
import dev.lowrank4j.nn.TransformerBlock;
import dev.lowrank4j.quant.act.ActivationMode;
import dev.lowrank4j.quant.act.ActivationQuantizedLinear;
import dev.lowrank4j.quant.act.ActivationSchemes;
import dev.lowrank4j.quant.act.QuantScheme;
import dev.lowrank4j.quant.ptq.BlockReconstruction;
import dev.lowrank4j.quant.ptq.CalibrationSet;
import dev.lowrank4j.quant.ptq.GridInit;
import dev.lowrank4j.quant.ptq.PtqMethod;
import dev.lowrank4j.quant.ptq.ReconstructionOptions;
import dev.lowrank4j.quant.ptq.SequentialReconstruction;
import dev.lowrank4j.util.PhaseListener;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code lowrank4j quantize}: loads a float model, quantizes its block linears with RTN, FlexRound or
 * LRQ (block-wise reconstruction on calibration text), applies the activation scheme (calibrating
 * W8A8's static ranges) and writes a quantized model folder ({@link QuantizedFolder}).
 */
public final class QuantizeJob {
    /** Default tokens per calibration sample (capped at the model's context). */
    public static final int DEFAULT_SEQ = 128;

    /**
     * @param lr   null = the method's default ({@link PtqMethod#defaultLearningRate})
     * @param grid null = the authors' choice for the scheme: the L2.4 search for W3 and for A8 with
     *             4-bit weights, min/max otherwise (their Llama-2-7B LRQ scripts)
     * @param seq  0 = {@link #DEFAULT_SEQ}
     * @param heldOut null = none; else text whose first {@code heldOutSamples} blocks are scored (never
     *                fitted) before and after each block's reconstruction
     */
    public record Options(String model, PtqMethod method, int bits, int actBits, int rank, Path calib, int calibSamples,
                          int seq, int iterations, int batch, Double lr, GridInit grid, long seed, Path out,
                          Path heldOut, int heldOutSamples) {
        /** Without a held-out set. */
        public Options(String model, PtqMethod method, int bits, int actBits, int rank, Path calib, int calibSamples,
                       int seq, int iterations, int batch, Double lr, GridInit grid, long seed, Path out) {
            this(model, method, bits, actBits, rank, calib, calibSamples, seq, iterations, batch, lr, grid, seed, out, null, 0);
        }
    }

    public record Result(Path out, QuantScheme scheme, List<BlockReconstruction.Result> blocks, int samples, int seq) {}

    private QuantizeJob() {}

    public static GridInit defaultGrid(QuantScheme s) {
        return s.weightBits() <= 3 || (s.activationBits() < QuantScheme.FLOAT_ACTIVATIONS && s.weightBits() < 8)
                ? GridInit.LP_SEARCH : GridInit.MIN_MAX;
    }

    public static Result run(Options o, SequentialReconstruction.Listener listener) {
        return run(o, listener, PhaseListener.SILENT);
    }

    /** {@code blocks} hears the reconstruction block by block, {@code phases} the setup and the export around it. */
    public static Result run(Options o, SequentialReconstruction.Listener listener, PhaseListener phases) {
        QuantizedFolder.checkTarget(o.out());
        QuantScheme scheme = QuantScheme.of(o.bits(), o.actBits());
        GridInit grid = o.grid() != null ? o.grid() : defaultGrid(scheme);
        double lr = o.lr() != null ? o.lr() : o.method().defaultLearningRate();
        ReconstructionOptions ro = new ReconstructionOptions(o.method(), o.bits(), grid, o.rank(), o.iterations(), o.batch(), lr, o.seed());
        boolean needsCalibration = o.method().learns() || scheme.activation() == ActivationMode.PER_TENSOR_STATIC;
        if (needsCalibration && o.calib() == null) {
            throw new Lowrank4jException("--calib FILE is needed for " + o.method().id
                    + (o.method().learns() ? "" : " with " + scheme.name() + "'s static activation ranges"));
        }
        if (o.calib() != null && o.calibSamples() < 1) throw new Lowrank4jException("--calib-samples must be >= 1, got " + o.calibSamples());
        if (o.heldOut() != null && !o.method().learns()) {
            throw new Lowrank4jException("--heldout scores learned rounding; " + o.method().id + " learns nothing (use flexround or lrq)");
        }
        if (o.heldOut() != null && o.heldOutSamples() < 1) {
            throw new Lowrank4jException("--heldout-samples must be >= 1, got " + o.heldOutSamples());
        }
        ModelLoading.Loaded loaded = phases.during("loading " + o.model(), () -> ModelLoading.loadFloat(o.model()));
        PtqTarget target = loaded.target();
        int seq = o.seq() > 0 ? o.seq() : Math.min(DEFAULT_SEQ, target.maxSequence());
        if (seq > target.maxSequence()) {
            throw new Lowrank4jException("--seq " + seq + " is above the model's maximum of " + target.maxSequence() + " positions");
        }
        CalibrationSet embedded = null;
        int samples = 0;
        if (o.calib() != null) {
            List<int[]> ids = phases.during("tokenizing calibration text " + o.calib(),
                    () -> CalibrationText.samples(target, Corpus.read(o.calib()), o.calib().toString(), seq, o.calibSamples()));
            embedded = target.embed(ids, seq);
            samples = ids.size();
        }
        CalibrationSet heldOut = null;
        if (o.heldOut() != null) {
            List<int[]> ids = phases.during("tokenizing held-out text " + o.heldOut(),
                    () -> CalibrationText.samples(target, Corpus.read(o.heldOut()), o.heldOut().toString(), seq, o.heldOutSamples(), "--heldout-samples"));
            heldOut = target.embed(ids, seq);
        }
        List<String> modules = new ArrayList<>();
        for (TransformerBlock b : target.blocks()) modules.addAll(b.linears().keySet());
        List<BlockReconstruction.Result> blocks = SequentialReconstruction.run(target.blocks(), target.host(),
                o.method().learns() ? embedded : null, heldOut, ro, listener);
        Map<String, ActivationQuantizedLinear> wrappers = ActivationSchemes.apply(target.host(), modules, scheme);
        if (scheme.activation() == ActivationMode.PER_TENSOR_STATIC) {
            CalibrationSet calibration = embedded;
            phases.doing("static activation ranges over the calibration samples", () -> calibrateRanges(target, calibration, wrappers));
        }
        int sampleCount = samples;
        phases.doing("writing " + o.out(), () -> QuantizedFolder.write(o.out(), target, new QuantizationConfig(o.method().id, scheme,
                modules, provenance(o, loaded, ro, seq, sampleCount, blocks)), tokenizerFile(target)));
        return new Result(o.out(), scheme, blocks, samples, seq);
    }

    /** Per-tensor static ranges: min/max of every wrapped linear's input over the calibration samples, in the quantized model. */
    private static void calibrateRanges(PtqTarget target, CalibrationSet embedded, Map<String, ActivationQuantizedLinear> wrappers) {
        wrappers.values().forEach(w -> w.observe(true));
        CalibrationSet x = embedded;
        for (TransformerBlock b : target.blocks()) x = x.through(b);
        wrappers.values().forEach(w -> {
            w.observe(false);
            w.freeze();
        });
    }

    private static Path tokenizerFile(PtqTarget t) {
        return t instanceof LlamaTarget l ? l.tokenizerJson() : null;
    }

    private static Map<String, Object> provenance(Options o, ModelLoading.Loaded loaded, ReconstructionOptions ro, int seq,
                                                  int samples, List<BlockReconstruction.Result> blocks) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("base_model", loaded.dir() == null ? o.model() : loaded.dir().toAbsolutePath().toString());
        m.put("calibration", o.calib() == null ? null : o.calib().toAbsolutePath().toString());
        m.put("calib_samples", samples);
        if (o.heldOut() != null) {
            m.put("heldout", o.heldOut().toAbsolutePath().toString());
            m.put("heldout_samples", o.heldOutSamples());
        }
        m.put("seq", seq);
        m.put("grid", ro.grid().name().toLowerCase(java.util.Locale.ROOT));
        if (o.method().learns()) {
            m.put("iterations", ro.iterations());
            m.put("batch", ro.batch());
            m.put("lr", ro.lr());
            if (o.method() == PtqMethod.LRQ) m.put("rank", ro.rank() == 0 ? "min(" + ReconstructionOptions.DEFAULT_RANK + ", out, in)" : ro.rank());
            m.put("seed", ro.seed());
            List<Map<String, Object>> losses = new ArrayList<>();
            for (BlockReconstruction.Result r : blocks) {
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("block", r.block());
                b.put("loss_rtn", r.startLoss());
                b.put("loss_final", r.endLoss());
                if (r.hasHeldOut()) {
                    b.put("heldout_loss_rtn", r.heldOutStartLoss());
                    b.put("heldout_loss_final", r.heldOutEndLoss());
                }
                b.put("learnables", r.learnables());
                losses.add(b);
            }
            m.put("blocks", losses);
        }
        return m;
    }
}
