package dev.lowrank4j.tasks.quantize;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.models.llama.LlamaConfig;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.quant.act.ActivationMode;
import dev.lowrank4j.quant.act.ActivationQuantizedLinear;
import dev.lowrank4j.quant.ptq.GridInit;
import dev.lowrank4j.quant.ptq.PtqMethod;
import dev.lowrank4j.quant.ptq.RoundToNearest;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuantizeJobTest {
    static final LlamaConfig CONFIG = new LlamaConfig(256, 16, 24, 2, 2, 1, 8, 1e-5, 10000.0, false, 64, 0.02);
    static final String TEXT = "It is a way I have of driving off the spleen and regulating the circulation. ".repeat(12);

    @TempDir
    Path tmp;

    static Path floatModel(Path dir) {
        LlamaModel model = new LlamaModel(CONFIG, 1);
        SplittableRandom rng = new SplittableRandom(1);
        for (Parameter p : model.parameters()) {
            if (p.value().rank() == 1) GradCheck.fillRandom(p, rng, 1, 0.2);
            else GradCheck.fillRandom(p, rng, 0, 0.3);
        }
        HfCheckpoint.save(dir, CONFIG, model.stateDict());
        return dir;
    }

    private Path calib() throws IOException {
        return Files.writeString(tmp.resolve("calib.txt"), TEXT, StandardCharsets.UTF_8);
    }

    private QuantizeJob.Options options(PtqMethod m, int bits, int actBits, int rank, Path calib, Path out) {
        return new QuantizeJob.Options(floatModel(tmp.resolve("fp")).toString(), m, bits, actBits, rank, calib, 4, 16, 3, 2,
                null, null, 1, out);
    }

    @Test
    void rtnFolderLoadsBackAsTheRtnWeights() throws IOException {
        Path out = tmp.resolve("q");
        QuantizeJob.run(options(PtqMethod.RTN, 4, 16, 0, null, out), null);
        for (String f : new String[] {"config.json", "model.safetensors", "quantization_config.json"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        LlamaModel reference = ModelLoadingTestAccess.floatModel(tmp.resolve("fp"));
        for (var b : reference.blocks()) {
            for (var e : b.linears().entrySet()) {
                Tensor w = ((Linear) e.getValue()).weight().value();
                Tensor rtn = RoundToNearest.quantize(e.getKey(), w, GridInit.MIN_MAX.grid(e.getKey(), w, 4)).dequantize();
                System.arraycopy(rtn.data, 0, w.data, 0, w.data.length);
            }
        }
        LlamaModel loaded = ((LlamaTarget) ModelLoading.load(out.toString()).target()).model();
        loaded.blocks().forEach(b -> b.linears().forEach((path, layer) -> assertEquals("int4", ((Linear) layer).storage().kind(), path)));
        int[] ids = {72, 101, 108, 108, 111, 32, 119, 111};
        float[] expected = reference.forward(ids, 1, ids.length).data.clone();
        float[] got = loaded.forward(ids, 1, ids.length).data.clone();
        for (int i = 0; i < got.length; i++) assertEquals(expected[i], got[i], 1e-4, "logit " + i);
        // the KV-cached decode runs the packed weights too, and agrees with the full forward
        float[] last = loaded.decode(ids, loaded.newKvCaches(ids.length));
        for (int k = 0; k < last.length; k++) assertEquals(got[(ids.length - 1) * last.length + k], last[k], 2e-5);
        EvalJob.Result r = EvalJob.run(out.toString(), calib(), 16);
        assertTrue(r.perplexity() > 1 && Double.isFinite(r.perplexity()), r.toString());
        // in memory: every float tensor at 4 B, each block linear packed (ceil(in·4/8) code bytes, a
        // float scale and a byte zero point per row): no float copy of a packed weight is counted
        long expectedBytes = 0, blockLinearFloats = 0;
        for (var b : reference.blocks()) {
            for (LinearLayer l : b.linears().values()) {
                expectedBytes += (long) l.outFeatures() * ((l.inFeatures() * 4 + 7) / 8 + 5);
                blockLinearFloats += (long) l.outFeatures() * l.inFeatures();
            }
        }
        for (Parameter p : reference.parameters()) expectedBytes += 4L * p.value().size();
        expectedBytes -= 4 * blockLinearFloats;
        assertEquals(expectedBytes, r.weightBytes());
    }

    @Test
    void threeBitWeightsTakeThreeBitsAndFoldersWithNibbleCodesStillLoad() throws IOException {
        Path out = tmp.resolve("w3");
        QuantizeJob.run(options(PtqMethod.RTN, 3, 16, 0, null, out), null);
        assertTrue(Files.readString(out.resolve(QuantizationConfig.FILE)).contains("\"weight_storage_bits\" : 3"));
        int[] ids = {72, 101, 108, 108, 111};
        float[] packed3 = ((LlamaTarget) ModelLoading.load(out.toString()).target()).model().forward(ids, 1, ids.length).data.clone();

        // The layout of format version 1 before true 3-bit packing: the same codes, one per nibble.
        Path legacy = Files.createDirectories(tmp.resolve("w3-nibbles"));
        var w = new dev.lowrank4j.io.SafeTensorsWriter();
        try (var f = dev.lowrank4j.io.SafeTensors.open(out.resolve(HfCheckpoint.WEIGHTS_FILE))) {
            for (var e : f.entries()) {
                if (e.dtype() == dev.lowrank4j.io.SafeTensorsDtype.F32) {
                    w.putFloat(e.name(), f.readFloat(e.name()));
                } else if (e.name().endsWith(".weight")) {
                    String m = e.name().substring(0, e.name().length() - ".weight".length());
                    int[] shape = ((Linear) ModelLoadingTestAccess.floatModel(tmp.resolve("fp")).linears().get(m)).weight().value().shape();
                    int n = shape[0] * shape[1];
                    byte[] three = f.readBytes(e.name()), four = new byte[(n + 1) / 2];
                    assertEquals((n * 3 + 7) / 8, three.length, m);
                    for (int i = 0; i < n; i++) {
                        dev.lowrank4j.quant.intq.CodeStream.put(four, i, 4, dev.lowrank4j.quant.intq.CodeStream.get(three, i, 3));
                    }
                    w.putBytes(e.name(), four, four.length);
                } else {
                    byte[] b = f.readBytes(e.name());
                    w.putBytes(e.name(), b, b.length);
                }
            }
        }
        w.write(legacy.resolve(HfCheckpoint.WEIGHTS_FILE));
        Files.copy(out.resolve(HfCheckpoint.CONFIG_FILE), legacy.resolve(HfCheckpoint.CONFIG_FILE));
        Files.writeString(legacy.resolve(QuantizationConfig.FILE), Files.readString(out.resolve(QuantizationConfig.FILE))
                .replace("\"weight_storage_bits\" : 3", "\"weight_storage_bits\" : 4"));
        float[] nibbles = ((LlamaTarget) ModelLoading.load(legacy.toString()).target()).model().forward(ids, 1, ids.length).data;
        org.junit.jupiter.api.Assertions.assertArrayEquals(packed3, nibbles);

        Files.writeString(legacy.resolve(QuantizationConfig.FILE), Files.readString(out.resolve(QuantizationConfig.FILE))
                .replace("\"weight_storage_bits\" : 3", "\"weight_storage_bits\" : 5"));
        assertMessage("weight_storage_bits 5 does not fit weight_bits 3", () -> ModelLoading.load(legacy.toString()));
    }

    @Test
    void forwardRunsAQuantizedFolder() {
        Path out = tmp.resolve("q");
        QuantizeJob.run(options(PtqMethod.RTN, 3, 16, 0, null, out), null);
        Path ids = tmp.resolve("ids.safetensors"), logits = tmp.resolve("logits.safetensors");
        new dev.lowrank4j.io.SafeTensorsWriter().putLong("input_ids", new long[] {1, 2, 3, 4}, 1, 4).write(ids);
        dev.lowrank4j.tasks.ForwardJob.Result r = dev.lowrank4j.tasks.ForwardJob.run(out, ids, logits, true);
        assertEquals(256, r.vocab());
        assertTrue(Float.isFinite(r.loss()));
        LlamaModel loaded = ((LlamaTarget) ModelLoading.load(out.toString()).target()).model();
        try (var f = dev.lowrank4j.io.SafeTensors.open(logits)) {
            float[] expected = loaded.forward(new int[] {1, 2, 3, 4}, 1, 4).data;
            float[] got = f.readFloat("logits").data;
            for (int i = 0; i < got.length; i++) assertEquals(expected[i], got[i], 1e-5);
        }
    }

    @Test
    void lrqW4A8AndW8A8WrapActivationsAsTheirSchemesSay() throws IOException {
        Path a8 = tmp.resolve("w4a8"), w8 = tmp.resolve("w8a8");
        QuantizeJob.run(options(PtqMethod.LRQ, 4, 8, 2, calib(), a8), null);
        LlamaModel m = ((LlamaTarget) ModelLoading.load(a8.toString()).target()).model();
        LinearLayer k = m.linears().get("model.layers.0.self_attn.k_proj");
        assertEquals(ActivationMode.PER_TOKEN_DYNAMIC, assertInstanceOf(ActivationQuantizedLinear.class, k).mode());

        QuantizeJob.run(options(PtqMethod.FLEXROUND, 8, 8, 0, calib(), w8), null);
        LlamaModel s = ((LlamaTarget) ModelLoading.load(w8.toString()).target()).model();
        var q = (ActivationQuantizedLinear) s.linears().get("model.layers.1.mlp.down_proj");
        assertEquals(ActivationMode.PER_TENSOR_STATIC, q.mode());
        assertTrue(q.staticScale() > 0);
        assertTrue(Double.isFinite(EvalJob.run(w8.toString(), calib(), 16).loss()));
    }

    @Test
    void badInputGivesOneLineErrorsAndNoFolder() throws IOException {
        Path out = tmp.resolve("bad");
        Path tiny = Files.writeString(tmp.resolve("tiny.txt"), "too short");
        assertMessage("shorter than one calibration sample", () -> QuantizeJob.run(options(PtqMethod.LRQ, 4, 16, 0, tiny, out), null));
        assertMessage("between 2 and 8", () -> QuantizeJob.run(options(PtqMethod.LRQ, 9, 16, 0, calib(), out), null));
        assertMessage("between 2 and 8", () -> QuantizeJob.run(options(PtqMethod.RTN, 1, 16, 0, null, out), null));
        assertMessage("--rank 9 is above min(out, in) = 8", () -> QuantizeJob.run(options(PtqMethod.LRQ, 4, 16, 9, calib(), out), null));
        assertMessage("--calib FILE is needed", () -> QuantizeJob.run(options(PtqMethod.LRQ, 4, 16, 0, null, out), null));
        assertFalse(Files.exists(out));
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".partial")));
        }
    }

    @Test
    void aFolderWhoseConfigDoesNotMatchItsTensorsIsRefused() throws IOException {
        Path out = tmp.resolve("q");
        QuantizeJob.run(options(PtqMethod.RTN, 4, 16, 0, null, out), null);
        Path cfg = out.resolve(QuantizationConfig.FILE);
        String json = Files.readString(cfg);
        Files.writeString(cfg, json.replace("\"weight_bits\" : 4", "\"weight_bits\" : 8").replace("\"W4A16\"", "\"W8A16\"")
                .replace("\"weight_storage_bits\" : 4", "\"weight_storage_bits\" : 8"));
        assertMessage("does not match model.safetensors", () -> ModelLoading.load(out.toString()));
        Files.writeString(cfg, json.replace("\"weight_bits\" : 4", "\"weight_bits\" : 3").replace("\"W4A16\"", "\"W3A16\""));
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> ModelLoading.load(out.toString()));
        assertTrue(e.getMessage().contains("above the 3-bit maximum") || e.getMessage().contains("does not fit 3 bits"), e.getMessage());
    }

    @Test
    void anExistingOutputIsNeverOverwrittenAndAFailedWriteLeavesNothing() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("exists"));
        assertMessage("already exists", () -> QuantizeJob.run(options(PtqMethod.RTN, 4, 16, 0, null, out), null));
        Path target = tmp.resolve("never");
        var loaded = ModelLoading.loadFloat(floatModel(tmp.resolve("fp2")).toString());
        var cfg = new QuantizationConfig("rtn", dev.lowrank4j.quant.act.QuantScheme.of(4, 16), java.util.List.of(), java.util.Map.of());
        // a failure part-way (here: a tokenizer file that vanished) must leave neither the folder nor a partial one
        assertThrows(RuntimeException.class, () -> QuantizedFolder.write(target, loaded.target(), cfg, tmp.resolve("gone.json")));
        assertFalse(Files.exists(target));
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".partial")));
        }
    }

    @Test
    void aWriteRemovesThePartialFoldersOfKilledWritesOfTheSameOutput() throws IOException {
        // what a kill -9 inside QuantizedFolder.write leaves (its finally block never runs)
        Path killed = Files.createDirectories(tmp.resolve(".q.partial-0123abcd"));
        Files.writeString(killed.resolve("model.safetensors"), "half a model");
        Path otherOutput = Files.createDirectories(tmp.resolve(".q2.partial-0123abcd"));
        QuantizeJob.run(options(PtqMethod.RTN, 4, 16, 0, null, tmp.resolve("q")), null);
        assertTrue(Files.isRegularFile(tmp.resolve("q").resolve(QuantizationConfig.FILE)));
        assertFalse(Files.exists(killed), "the killed write's folder is removed");
        assertTrue(Files.exists(otherOutput), "another output's partial folder is not touched");
    }

    @Test
    void heldOutBlockLossesLandInTheProvenanceAndRtnRefusesAHeldOutSet() throws IOException {
        Path calib = calib(), held = Files.writeString(tmp.resolve("held.txt"), "Call me Ishmael. Some years ago, never mind how long. ".repeat(8));
        QuantizeJob.Options base = options(PtqMethod.LRQ, 3, 16, 0, calib, tmp.resolve("lrq"));
        QuantizeJob.Result r = QuantizeJob.run(new QuantizeJob.Options(base.model(), base.method(), base.bits(), base.actBits(), 0, calib,
                base.calibSamples(), base.seq(), base.iterations(), base.batch(), null, null, 1, base.out(), held, 3), null);
        for (var b : r.blocks()) assertTrue(b.hasHeldOut() && b.heldOutStartLoss() > 0 && Double.isFinite(b.heldOutEndLoss()), b.toString());
        String json = Files.readString(base.out().resolve(QuantizationConfig.FILE));
        assertTrue(json.contains("\"heldout_samples\" : 3") && json.contains("\"heldout_loss_rtn\"")
                && json.contains("\"heldout_loss_final\""), json);
        assertMessage("learns nothing", () -> QuantizeJob.run(new QuantizeJob.Options(base.model(), PtqMethod.RTN, 4, 16, 0, null,
                4, 16, 3, 2, null, null, 1, tmp.resolve("rtn"), held, 3), null));
        assertMessage("--heldout-samples asks for 10000", () -> QuantizeJob.run(new QuantizeJob.Options(base.model(), PtqMethod.LRQ, 4, 16, 0, calib,
                4, 16, 3, 2, null, null, 1, tmp.resolve("many"), held, 10_000), null));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable run) {
        Lowrank4jException e = assertThrows(Lowrank4jException.class, run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
