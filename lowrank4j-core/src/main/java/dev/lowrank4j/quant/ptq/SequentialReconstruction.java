package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.nn.TransformerBlock;
import dev.lowrank4j.util.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * Quantizes a model block after block (ALGORITHMS §5(b)): block l is fitted on the inputs the
 * already-quantized blocks 0..l−1 produce, towards the outputs the full-precision block l gives on
 * full-precision inputs. So two streams of hidden states are carried through the model:
 * <pre>
 *   X_fp(l+1) = Block_fp(l)(X_fp(l))     (computed before block l is touched: also the target)
 *   X_q(l+1)  = Block_q(l)(X_q(l))       (after block l is quantized)
 * </pre>
 * RTN learns nothing, so it reads no calibration data and runs no block.
 *
 * <p>An optional held-out set travels through the model as a second pair of streams built the same
 * way; it is never fitted, only scored, so each block reports how much of the calibration gain
 * carries over to text the rounding did not see (the LRQ paper's claim, ALGORITHMS §5(h)).
 */
public final class SequentialReconstruction {
    /** Progress over the whole model: block {@code index} of {@code blocks}, and its iterations. */
    public interface Listener {
        void blockStarted(int index, int blocks, String path);

        void iteration(int index, int iteration, int iterations, double loss);

        void blockDone(int index, BlockReconstruction.Result result);
    }

    private SequentialReconstruction() {}

    /**
     * @param embedded the calibration samples as block 0 reads them (the model's embeddings); null for RTN
     */
    public static List<BlockReconstruction.Result> run(List<TransformerBlock> blocks, ModuleHost host,
                                                       CalibrationSet embedded, ReconstructionOptions o, Listener listener) {
        return run(blocks, host, embedded, null, o, listener);
    }

    /**
     * @param heldOut held-out samples as block 0 reads them, scored but never fitted; null for none
     *                (and ignored by RTN, which runs no block)
     */
    public static List<BlockReconstruction.Result> run(List<TransformerBlock> blocks, ModuleHost host, CalibrationSet embedded,
                                                       CalibrationSet heldOut, ReconstructionOptions o, Listener listener) {
        checkRanks(blocks, o);
        Rng rng = new Rng(o.seed());
        CalibrationSet xFp = embedded, xQ = embedded;
        boolean scoreHeldOut = heldOut != null && o.method().learns();
        CalibrationSet hFp = scoreHeldOut ? heldOut : null, hQ = hFp;
        List<BlockReconstruction.Result> results = new ArrayList<>();
        for (int l = 0; l < blocks.size(); l++) {
            TransformerBlock block = blocks.get(l);
            if (listener != null) listener.blockStarted(l, blocks.size(), block.path());
            CalibrationSet yFp = o.method().learns() ? xFp.through(block) : null;
            CalibrationSet hYFp = scoreHeldOut ? hFp.through(block) : null;
            int index = l;
            BlockReconstruction.Result r = BlockReconstruction.quantize(block, host, xQ, yFp, hQ, hYFp, o, rng,
                    listener == null ? null : (it, n, loss) -> listener.iteration(index, it, n, loss));
            results.add(r);
            if (listener != null) listener.blockDone(l, r);
            if (o.method().learns() && l + 1 < blocks.size()) {
                xQ = xQ.through(block);
                xFp = yFp;
                if (scoreHeldOut) {
                    hQ = hQ.through(block);
                    hFp = hYFp;
                }
            }
        }
        return results;
    }

    /** A rank no layer can take is reported before any block is changed. */
    private static void checkRanks(List<TransformerBlock> blocks, ReconstructionOptions o) {
        if (o.method() != PtqMethod.LRQ) return;
        for (TransformerBlock b : blocks) {
            b.linears().forEach((path, layer) -> o.rankFor(path, layer.outFeatures(), layer.inFeatures()));
        }
    }
}
