package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.bnb.Bnb4bitCheckpoint;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.quant.PackedWeights;
import dev.lowrank4j.quant.nf4.Nf4Options;
import dev.lowrank4j.quant.nf4.Nf4Tensor;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bitsandbytes 4-bit LLaMA folder loads with its linears packed and computes what its dequantized weights compute. */
class LlamaFolderTest {
    private static final int[] IDS = {1, 5, 9, 2, 7, 3, 4, 8};

    private static Path tinyLlama() throws Exception {
        return Path.of(LlamaFolderTest.class.getResource("/hf-tiny-llama/tinyllama").toURI());
    }

    /** Every decoder-layer projection's weight name (the head and embeddings stay float, as transformers leaves them). */
    private static Set<String> blockWeights(LlamaModel m) {
        return m.linears().keySet().stream().filter(p -> p.contains(".layers.")).map(p -> p + ".weight").collect(Collectors.toSet());
    }

    @Test
    void nf4FolderLoadsPackedAndMatchesItsDequantizedWeights(@TempDir Path tmp) throws Exception {
        HfCheckpoint.Loaded ck = HfCheckpoint.load(tinyLlama());
        LlamaModel reference = LlamaFolder.load(tinyLlama(), 0);
        Set<String> quantized = blockWeights(reference);
        for (Nf4Options nf4 : new Nf4Options[] {Nf4Options.DEFAULT, new Nf4Options(32, true)}) {
            Path dir = tmp.resolve("nf4-" + nf4.blocksize() + "-" + nf4.doubleQuant());
            Bnb4bitCheckpoint.write(dir, ck.config(), ck.weights(), quantized, nf4);
            assertTrue(LlamaFolder.isNf4(dir));
            LlamaModel packed = LlamaFolder.load(dir, 0);
            // the float twin: the same weights, each quantized one replaced by its dequantized NF4 values
            Map<String, Tensor> dequantized = new LinkedHashMap<>(ck.weights());
            for (String name : quantized) {
                Tensor w = ck.weights().get(name);
                dequantized.put(name, new Tensor(Nf4Tensor.quantize(name, w, nf4).dequantize(), w.shape()));
            }
            LlamaModel twin = new LlamaModel(ck.config(), 0);
            twin.loadWeights(dequantized);
            for (String name : quantized) {
                Linear l = (Linear) packed.linears().get(name.substring(0, name.length() - ".weight".length()));
                assertInstanceOf(PackedWeights.class, l.storage(), name + " stays packed");
            }
            float[] got = packed.forward(IDS, 1, IDS.length).data, want = twin.forward(IDS, 1, IDS.length).data;
            float[] plain = reference.forward(IDS, 1, IDS.length).data;
            double maxErr = 0, maxQuantEffect = 0;
            for (int i = 0; i < got.length; i++) {
                maxErr = Math.max(maxErr, Math.abs(got[i] - want[i]));
                maxQuantEffect = Math.max(maxQuantEffect, Math.abs(want[i] - plain[i]));
            }
            assertTrue(maxErr < 1e-4, "fused NF4 forward vs dequantized float forward: " + maxErr);
            // and the check could fail: quantization moves the logits far more than the tolerance
            assertTrue(maxQuantEffect > 1e-3, "NF4 changed the logits by only " + maxQuantEffect);
        }
    }

    @Test
    void floatFolderLoadsAsBefore() throws Exception {
        HfCheckpoint.Loaded ck = HfCheckpoint.load(tinyLlama());
        LlamaModel direct = new LlamaModel(ck.config(), 0);
        direct.loadWeights(ck.weights());
        assertArrayEquals(direct.forward(IDS, 1, IDS.length).data, LlamaFolder.load(tinyLlama(), 0).forward(IDS, 1, IDS.length).data);
    }

    @Test
    void fourBitTensorsTheModelCannotTakeAreOneLineErrors(@TempDir Path tmp) throws Exception {
        HfCheckpoint.Loaded ck = HfCheckpoint.load(tinyLlama());
        LlamaModel m = LlamaFolder.load(tinyLlama(), 0);
        Path none = tmp.resolve("declared-but-float");
        Bnb4bitCheckpoint.write(none, ck.config(), ck.weights(), Set.of(), Nf4Options.DEFAULT);
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> LlamaFolder.load(none, 0));
        assertTrue(e.getMessage().contains("no weight in it is stored in 4 bits"), e.getMessage());

        Map<String, Tensor> extra = new LinkedHashMap<>(ck.weights());
        String stray = "model.layers.0.mlp.extra_proj.weight";
        extra.put(stray, ck.weights().get("model.layers.0.mlp.up_proj.weight"));
        Path unknown = tmp.resolve("unknown-module");
        Bnb4bitCheckpoint.write(unknown, ck.config(), extra, Set.of(stray), Nf4Options.DEFAULT);
        e = assertThrows(Lowrank4jException.class, () -> LlamaFolder.load(unknown, 0));
        assertTrue(e.getMessage().contains(stray + " is stored in 4 bits, but the model has no linear layer"), e.getMessage());

        // a config that names another quantization method is refused, not read as float
        Path other = tmp.resolve("gptq");
        Bnb4bitCheckpoint.write(other, ck.config(), ck.weights(), blockWeights(m), Nf4Options.DEFAULT);
        Path cfg = other.resolve(HfCheckpoint.CONFIG_FILE);
        Files.writeString(cfg, Files.readString(cfg).replace("\"bitsandbytes\"", "\"gptq\""));
        e = assertThrows(Lowrank4jException.class, () -> LlamaFolder.load(other, 0));
        assertTrue(e.getMessage().contains("\"gptq\" is not supported"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }
}
