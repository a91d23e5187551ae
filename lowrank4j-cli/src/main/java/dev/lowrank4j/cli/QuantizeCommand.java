package dev.lowrank4j.cli;

import dev.lowrank4j.quant.ptq.BlockReconstruction;
import dev.lowrank4j.quant.ptq.GridInit;
import dev.lowrank4j.quant.ptq.PtqMethod;
import dev.lowrank4j.quant.ptq.SequentialReconstruction;
import dev.lowrank4j.tasks.quantize.QuantizeJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "quantize", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Post-training quantization of a LLaMA or BERT (MiniLM) with RTN, FlexRound or LRQ; writes a quantized model folder.",
        footer = {"", "Examples:",
                "  lowrank4j quantize --model runs/x --method lrq --bits 4 --calib train.txt --calib-samples 32 --out runs/x-lrq-w4",
                "  lowrank4j quantize --model runs/x --method flexround --bits 3 --calib train.txt --calib-samples 8 --out q3",
                "  lowrank4j quantize --model runs/x --method lrq --bits 4 --act-bits 8 --rank 16 --calib t.txt --calib-samples 32 --out q48",
                "  lowrank4j quantize --model runs/x --method rtn --bits 8 --act-bits 8 --calib t.txt --calib-samples 8 --out w8a8",
                "  lowrank4j quantize --model runs/x --method lrq --bits 3 --calib train.txt --calib-samples 8 --heldout val.txt --out q3",
                "  lowrank4j quantize --model minilm --method lrq --bits 4 --calib sentences.txt --calib-samples 32 --out minilm-w4",
                "", "Schemes: --act-bits 16 (default) = weight-only W{b}A16; --act-bits 8 with --bits 8 = W8A8 with per-tensor",
                "static activation ranges from the calibration samples; --act-bits 8 with fewer weight bits = per-token dynamic",
                "8-bit activations and 8-bit K/V (W4A8). The folder holds config.json, model.safetensors (packed codes,",
                "per-row scale and zero point) and quantization_config.json; see docs/QUANTIZE.md. It appears only when complete.",
                "Then: lowrank4j eval --model DIR --text held-out.txt, lowrank4j generate --model DIR --prompt TEXT."})
final class QuantizeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "minilm, a Hugging Face LLaMA/BERT folder, or a run folder (its model/ or newest checkpoint).")
    String model;
    @Option(names = "--method", required = true, description = "rtn, flexround or lrq.")
    String method;
    @Option(names = "--bits", defaultValue = "4", description = "Weight bits, 2-8 (default: ${DEFAULT-VALUE}).")
    int bits;
    @Option(names = "--act-bits", defaultValue = "16", description = "Activation bits: 16 = float, or 2-8 (default: ${DEFAULT-VALUE}).")
    int actBits;
    @Option(names = "--rank", defaultValue = "0", description = "LRQ rank of L·U; 0 = min(8, out, in) per layer (default: ${DEFAULT-VALUE}).")
    int rank;
    @Option(names = "--calib", paramLabel = "FILE", description = "Calibration text (needed by flexround, lrq and W8A8); its first --calib-samples blocks of --seq tokens are used.")
    Path calib;
    @Option(names = "--calib-samples", defaultValue = "32", paramLabel = "N", description = "Calibration samples (default: ${DEFAULT-VALUE}; the authors use 512).")
    int calibSamples;
    @Option(names = "--heldout", paramLabel = "FILE", description = "Held-out text scored (never fitted) before and after each block's reconstruction: does the learned rounding carry over?")
    Path heldOut;
    @Option(names = "--heldout-samples", defaultValue = "32", paramLabel = "N", description = "Held-out samples, the first N blocks of --seq tokens of --heldout (default: ${DEFAULT-VALUE}).")
    int heldOutSamples;
    @Option(names = "--seq", defaultValue = "0", description = "Tokens per calibration sample; 0 = min(128, the model's context) (default: ${DEFAULT-VALUE}).")
    int seq;
    @Option(names = "--iters", defaultValue = "500", description = "Adam iterations per block (default: ${DEFAULT-VALUE}; the authors run 5000).")
    int iters;
    @Option(names = "--batch", defaultValue = "2", description = "Calibration samples per iteration (default: ${DEFAULT-VALUE}, as the authors).")
    int batch;
    @Option(names = "--lr", description = "Adam learning rate, cosine-annealed to 0 (default: lrq 9e-4, flexround 3e-3: the authors' Llama-2-7B W4A16 rates).")
    Double lr;
    @Option(names = "--grid", description = "Starting grid: minmax or lp (the L2.4 search) (default: lp for W3 and W4A8, minmax otherwise).")
    String grid;
    @Option(names = "--seed", defaultValue = "0", description = "Seed for LRQ's U and the order samples are drawn (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The quantized model folder to create (must not exist).")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PtqMethod m = PtqMethod.parse(method);
        Applicability.onlyWhen(spec, m == PtqMethod.LRQ, "--method " + m.id, "LRQ's rank", "--rank");
        Applicability.onlyWhen(spec, m.learns(), "--method rtn", "RTN learns nothing", "--iters", "--batch", "--lr", "--seed",
                "--heldout", "--heldout-samples");
        GridInit g = grid == null ? null : switch (grid.toLowerCase(Locale.ROOT)) {
            case "minmax" -> GridInit.MIN_MAX;
            case "lp" -> GridInit.LP_SEARCH;
            default -> throw new dev.lowrank4j.Lowrank4jException("unknown --grid '" + grid + "'; choose minmax or lp");
        };
        PhaseProgress phases = PhaseProgress.onStdout(100);
        QuantizeJob.Result r = QuantizeJob.run(new QuantizeJob.Options(model, m, bits, actBits, rank, calib, calibSamples, seq,
                iters, batch, lr, g, seed, out, heldOut, heldOutSamples), new BlockProgress(phases, m.learns() ? iters : 0), phases);
        System.out.printf(Locale.ROOT, "wrote %s: %s %s, %s%n", r.out(), m.id, r.scheme().name(),
                r.samples() == 0 ? "no calibration data" : r.samples() + " calibration samples of " + r.seq() + " tokens");
        return 0;
    }

    /**
     * Each block is one phase of the shared renderer, its iterations the units (a line every 100 in a
     * log); the closing line adds the block's losses and the ETA for the whole model.
     */
    private static final class BlockProgress implements SequentialReconstruction.Listener {
        private final PhaseProgress phases;
        private final int iterations;
        private final long started = System.nanoTime();
        private int blocks;

        BlockProgress(PhaseProgress phases, int iterations) {
            this.phases = phases;
            this.iterations = iterations;
        }

        @Override
        public void blockStarted(int index, int blocks, String path) {
            this.blocks = blocks;
            phases.begin(String.format(Locale.ROOT, "block %d/%d %s", index + 1, blocks, path), iterations, "iterations");
        }

        @Override
        public void iteration(int index, int iteration, int iterations, double loss) {
            phases.advance(iteration);
        }

        @Override
        public void blockDone(int index, BlockReconstruction.Result r) {
            String losses = Double.isNaN(r.startLoss()) ? "rounded to nearest"
                    : String.format(Locale.ROOT, "block loss %.5f (RTN) -> %.5f%s, %,d learnables", r.startLoss(), r.endLoss(),
                    r.hasHeldOut() ? String.format(Locale.ROOT, ", held-out %.5f -> %.5f", r.heldOutStartLoss(), r.heldOutEndLoss()) : "",
                    r.learnables());
            double elapsed = (System.nanoTime() - started) / 1e9;
            phases.finish(losses + ", model eta " + ProgressFormat.eta(elapsed, index + 1, blocks));
        }
    }
}
