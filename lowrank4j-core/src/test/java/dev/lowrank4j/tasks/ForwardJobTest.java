package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code forward} command's library path end to end: the files it writes must reproduce the
 * transformers/PEFT reference vectors (max relative error per tensor = max|ours−ref| / max|ref|).
 */
class ForwardJobTest {
    private static final double MAX_REL_ERR = 1e-4;

    private static Path fixture(String name) {
        try {
            return Path.of(ForwardJobTest.class.getResource("/hf-tiny-llama/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double relErr(Tensor ours, Tensor ref) {
        double diff = 0, scale = 0;
        for (int i = 0; i < ref.size(); i++) {
            diff = Math.max(diff, Math.abs(ours.data[i] - ref.data[i]));
            scale = Math.max(scale, Math.abs(ref.data[i]));
        }
        return diff / scale;
    }

    @Test
    void logitsLossAndEveryGradientMatchTransformers(@TempDir Path tmp) {
        Path ref = fixture("tinyllama/reference.safetensors"), out = tmp.resolve("ours.safetensors");
        ForwardJob.run(fixture("tinyllama"), ref, out, true);
        int compared = 0;
        try (SafeTensorsFile r = SafeTensors.open(ref); SafeTensorsFile o = SafeTensors.open(out)) {
            for (String name : r.names()) {
                if (name.equals("input_ids")) continue;
                assertTrue(o.contains(name), "missing " + name);
                double e = relErr(o.readFloat(name), r.readFloat(name));
                assertTrue(e <= MAX_REL_ERR, name + " max relative error " + e);
                compared++;
            }
        }
        assertEquals(2 + 21, compared, "logits, loss and 21 parameter gradients");
    }

    @Test
    void peftAdapterUnmergedAndMergedMatchPeft(@TempDir Path tmp) {
        Path ref = fixture("adapter/reference.safetensors");
        Path lora = tmp.resolve("lora.safetensors"), merged = tmp.resolve("merged.safetensors");
        ForwardJob.run(fixture("tinyllama"), fixture("adapter"), false, ref, lora, false);
        ForwardJob.run(fixture("tinyllama"), fixture("adapter"), true, ref, merged, false);
        try (SafeTensorsFile r = SafeTensors.open(ref); SafeTensorsFile a = SafeTensors.open(lora);
             SafeTensorsFile b = SafeTensors.open(merged)) {
            double e1 = relErr(a.readFloat("logits"), r.readFloat("logits_lora"));
            double e2 = relErr(b.readFloat("logits"), r.readFloat("logits_merged"));
            assertTrue(e1 <= MAX_REL_ERR, "logits_lora error " + e1);
            assertTrue(e2 <= MAX_REL_ERR, "logits_merged error " + e2);
        }
    }

    @Test
    void tokenIdsOutsideTheVocabularyAreAOneLineError(@TempDir Path tmp) {
        Path ids = tmp.resolve("ids.safetensors");
        new SafeTensorsWriter().putLong("input_ids", new long[] {1, 2, 999}, 1, 3).write(ids);
        Lowrank4jException e = assertThrows(Lowrank4jException.class,
                () -> ForwardJob.run(fixture("tinyllama"), ids, tmp.resolve("o.safetensors"), false));
        assertTrue(e.getMessage().contains("token id 999"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void missingInputIdsIsAClearError(@TempDir Path tmp) {
        Path ids = tmp.resolve("ids.safetensors");
        new SafeTensorsWriter().putLong("tokens", new long[] {1, 2}, 1, 2).write(ids);
        Lowrank4jException e = assertThrows(Lowrank4jException.class,
                () -> ForwardJob.run(fixture("tinyllama"), ids, tmp.resolve("o.safetensors"), false));
        assertTrue(e.getMessage().contains("input_ids"), e.getMessage());
    }
}
