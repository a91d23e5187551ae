package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.models.bert.BertEncoder;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.nn.TransformerBlock;
import dev.lowrank4j.quant.PackedWeights;
import dev.lowrank4j.quant.intq.IntTensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockReconstructionTest {
    private static final int SAMPLES = 6;

    private static List<BlockReconstruction.Result> quantize(LlamaModel model, ReconstructionOptions o) {
        CalibrationSet x = ReconstructionFixtures.embedded(model, ReconstructionFixtures.ids(3, SAMPLES, 37));
        return SequentialReconstruction.run(model.blocks(), model, x, o, null);
    }

    private static IntTensor packed(LinearLayer layer) {
        return (IntTensor) ((PackedWeights) ((Linear) layer).storage()).tensor();
    }

    @Test
    void lrqWithoutIterationsGivesTheRtnCodes() {
        LlamaModel lrq = ReconstructionFixtures.llama(1), rtn = ReconstructionFixtures.llama(1);
        quantize(lrq, ReconstructionFixtures.options(PtqMethod.LRQ, 4, 0));
        quantize(rtn, ReconstructionFixtures.options(PtqMethod.RTN, 4, 0));
        for (Map.Entry<String, LinearLayer> e : rtn.linears().entrySet()) {
            if (e.getKey().equals("lm_head")) continue;
            IntTensor a = packed(lrq.linears().get(e.getKey())), b = packed(e.getValue());
            for (int i = 0; i < a.numel(); i++) assertEquals(b.code(i), a.code(i), e.getKey() + " code " + i);
            for (int r = 0; r < a.rows(); r++) assertEquals(b.scale(r, 0), a.scale(r, 0), 1e-6 * b.scale(r, 0));
        }
    }

    @Test
    void learnedRoundingLowersEveryBlockLossForBothMethods() {
        for (PtqMethod m : new PtqMethod[] {PtqMethod.LRQ, PtqMethod.FLEXROUND}) {
            List<BlockReconstruction.Result> results = quantize(ReconstructionFixtures.llama(2),
                    ReconstructionFixtures.options(m, 3, 60));
            assertEquals(2, results.size());
            for (BlockReconstruction.Result r : results) {
                assertTrue(r.endLoss() < 0.9 * r.startLoss(), m + " " + r);
            }
        }
    }

    /**
     * Block 1 must start from RTN on the quantized model's running input against the full-precision
     * block's output on the full-precision input: recompute that loss on a full-precision twin and
     * check that the other pairings give other numbers (so the test can tell them apart).
     */
    @Test
    void targetsComeFromTheFullPrecisionModelAndInputsFromTheQuantizedOne() {
        LlamaModel quantized = ReconstructionFixtures.llama(4), fp = ReconstructionFixtures.llama(4);
        int[][] ids = ReconstructionFixtures.ids(3, SAMPLES, 37);
        CalibrationSet x0 = ReconstructionFixtures.embedded(fp, ids);
        List<BlockReconstruction.Result> results = SequentialReconstruction.run(quantized.blocks(), quantized, x0,
                ReconstructionFixtures.options(PtqMethod.LRQ, 3, 0), null);
        TransformerBlock q0 = quantized.blocks().get(0), q1 = quantized.blocks().get(1);
        TransformerBlock f0 = fp.blocks().get(0), f1 = fp.blocks().get(1);
        CalibrationSet xFp1 = x0.through(f0), yFp1 = xFp1.through(f1);
        CalibrationSet xQ1 = x0.through(q0);
        double expected = loss(xQ1.through(q1), yFp1);
        double reported = results.get(1).startLoss();
        assertEquals(expected, reported, 1e-4 * expected);
        double fpInputs = loss(xFp1.through(q1), yFp1);
        double quantizedTargets = loss(xQ1.through(q1), xQ1.through(f1));
        assertTrue(Math.abs(fpInputs - expected) > 1e-2 * expected, fpInputs + " vs " + expected);
        assertTrue(Math.abs(quantizedTargets - expected) > 1e-2 * expected, quantizedTargets + " vs " + expected);
    }

    /**
     * The held-out streams pair like the calibration ones (block 1's RTN loss recomputed on a twin),
     * are scored after the learned rounding too, and are never fitted: the codes match a run without them.
     */
    @Test
    void heldOutSamplesAreScoredOnTheSameStreamsButNeverFitted() {
        LlamaModel quantized = ReconstructionFixtures.llama(4), fp = ReconstructionFixtures.llama(4),
                blind = ReconstructionFixtures.llama(4);
        CalibrationSet x0 = ReconstructionFixtures.embedded(fp, ReconstructionFixtures.ids(3, SAMPLES, 37));
        CalibrationSet h0 = ReconstructionFixtures.embedded(fp, ReconstructionFixtures.ids(11, 4, 37));
        ReconstructionOptions o = ReconstructionFixtures.options(PtqMethod.FLEXROUND, 3, 20);
        List<BlockReconstruction.Result> results = SequentialReconstruction.run(quantized.blocks(), quantized, x0, h0, o, null);
        SequentialReconstruction.run(blind.blocks(), blind, x0, o, null);
        quantized.linears().forEach((path, layer) -> {
            if (path.equals("lm_head")) return;
            IntTensor a = packed(layer), b = packed(blind.linears().get(path));
            for (int i = 0; i < a.numel(); i++) assertEquals(b.code(i), a.code(i), path + " code " + i);
        });
        for (BlockReconstruction.Result r : results) {
            assertTrue(r.hasHeldOut() && Double.isFinite(r.heldOutEndLoss()) && r.heldOutEndLoss() > 0, r.toString());
            assertTrue(Math.abs(r.heldOutStartLoss() - r.startLoss()) > 1e-3 * r.startLoss(), "a different set, a different loss: " + r);
        }
        // block 1's held-out RTN loss: RTN twin blocks on the held-out inputs against the float blocks
        LlamaModel rtn = ReconstructionFixtures.llama(4);
        SequentialReconstruction.run(rtn.blocks(), rtn, null, ReconstructionFixtures.options(PtqMethod.RTN, 3, 0), null);
        CalibrationSet hFp1 = h0.through(fp.blocks().get(0)), hYFp1 = hFp1.through(fp.blocks().get(1));
        CalibrationSet hQ1 = h0.through(quantized.blocks().get(0));
        double expected = loss(hQ1.through(rtn.blocks().get(1)), hYFp1);
        assertEquals(expected, results.get(1).heldOutStartLoss(), 1e-4 * expected);
        double end = loss(hQ1.through(quantized.blocks().get(1)), hYFp1);
        assertEquals(end, results.get(1).heldOutEndLoss(), 1e-4 * end);
    }

    private static double loss(CalibrationSet pred, CalibrationSet target) {
        double s = 0;
        for (int i = 0; i < pred.size(); i++) {
            s += ReconstructionLoss.lossAndGradient(pred.samples().get(i), target.samples().get(i), 1, pred.width(), null);
        }
        return s / pred.size();
    }

    @Test
    void learnablesAreDiscardedAndWeightsStayPacked() {
        LlamaModel model = ReconstructionFixtures.llama(5);
        List<BlockReconstruction.Result> results = quantize(model, ReconstructionFixtures.options(PtqMethod.LRQ, 4, 5));
        int d = 16, ff = 24, kv = 8, rank = 8;
        long perBlock = 0;
        for (int[] s : new int[][] {{d, d}, {kv, d}, {kv, d}, {d, d}, {ff, d}, {ff, d}, {d, ff}}) {
            int out = s[0], in = s[1], r = Math.min(rank, Math.min(out, in));
            perBlock += out + (long) r * (out + in) + out + in;
        }
        assertEquals(perBlock, results.get(0).learnables());
        for (Parameter p : model.parameters()) {
            assertFalse(p.name().contains(".lrq.") || p.name().contains("flexround"), p.name());
            assertFalse(p.name().startsWith("model.layers.") && p.name().endsWith("_proj.weight"), p.name());
        }
        model.linears().forEach((path, layer) -> {
            if (!path.equals("lm_head")) assertEquals("int4", ((Linear) layer).storage().kind(), path);
        });
        assertTrue(Float.isFinite(model.loss(ReconstructionFixtures.ids(9, 1, 37)[0],
                new int[] {1, 2, 3, 4, 5, -1}, 1, ReconstructionFixtures.SEQ)));
    }

    @Test
    void bertEncoderLayersAreReconstructed() {
        BertEncoder encoder = ReconstructionFixtures.bert(6);
        CalibrationSet x = ReconstructionFixtures.embedded(encoder, ReconstructionFixtures.ids(8, SAMPLES, 23));
        for (BlockReconstruction.Result r : SequentialReconstruction.run(encoder.blocks(), encoder, x,
                ReconstructionFixtures.options(PtqMethod.LRQ, 3, 60), null)) {
            assertTrue(r.endLoss() < 0.9 * r.startLoss(), r.toString());
        }
        encoder.linears().forEach((path, layer) -> assertEquals("int3", ((Linear) layer).storage().kind(), path));
        for (Parameter p : encoder.parameters()) assertFalse(p.name().contains(".lrq."), p.name());
    }

    @Test
    void eightBitWeightsArePackedOnePerByte() {
        LlamaModel model = ReconstructionFixtures.llama(7);
        quantize(model, ReconstructionFixtures.options(PtqMethod.FLEXROUND, 8, 3));
        assertEquals("int8", ((Linear) model.linears().get("model.layers.1.mlp.down_proj")).storage().kind());
    }

    @Test
    void aRankNoLayerCanTakeIsAnErrorBeforeAnythingChanges() {
        LlamaModel model = ReconstructionFixtures.llama(8);
        ReconstructionOptions o = new ReconstructionOptions(PtqMethod.LRQ, 4, GridInit.MIN_MAX, 9, 1, 2, 1e-3, 1);
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> quantize(model, o));
        assertTrue(e.getMessage().contains("--rank 9 is above min(out, in) = 8"), e.getMessage());
        model.linears().forEach((path, layer) -> assertEquals("fp32", ((Linear) layer).storage().kind(), path));
    }
}
