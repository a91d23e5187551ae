package dev.lowrank4j.models.llama;

import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our LLaMA against transformers 5.17 on the tiny checkpoint in test resources
 * (hf-tiny-llama/tinyllama, grouped-query attention, untied head, non-trivial norm weights):
 * logits, the causal-LM loss and the gradient of every parameter.
 *
 * <p>Error measure, per tensor: max|ours − reference| / max|reference| ("max relative error").
 * Normalising by the tensor's largest value rather than element by element keeps near-zero
 * entries from dominating while still catching any element that is off at the tensor's scale.
 */
class LlamaReferenceTest {
    /** float32 on both sides; the measured errors are ~1e-6, so this leaves a wide but meaningful margin. */
    private static final double MAX_RELATIVE_ERROR = 1e-4;

    private static LlamaModel model;
    private static SafeTensorsFile reference;
    private static int[] ids;
    private static int batch;
    private static int seq;

    @BeforeAll
    static void load() throws URISyntaxException {
        Path dir = Path.of(LlamaReferenceTest.class.getResource("/hf-tiny-llama/tinyllama/config.json").toURI()).getParent();
        HfCheckpoint.Loaded checkpoint = HfCheckpoint.load(dir);
        model = new LlamaModel(checkpoint.config(), 0);
        model.loadWeights(checkpoint.weights());
        reference = SafeTensors.open(dir.resolve("reference.safetensors"));
        int[] shape = reference.entry("input_ids").shape();
        batch = shape[0];
        seq = shape[1];
        long[] raw = reference.readLong("input_ids");
        ids = new int[raw.length];
        for (int i = 0; i < raw.length; i++) ids[i] = Math.toIntExact(raw[i]);
    }

    @AfterAll
    static void close() {
        if (reference != null) reference.close();
    }

    @Test
    void logitsLossAndEveryGradientMatchTransformers() {
        List<String> report = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        compare("logits", model.forward(ids, batch, seq).copy(), reference.readFloat("logits"), report, failures);

        model.zeroGrad();
        float loss = model.lossAndBackward(ids, CausalLmTargets.shifted(ids, batch, seq), batch, seq);
        compare("loss", new Tensor(new float[] {loss}, 1), reference.readFloat("loss"), report, failures);

        int gradients = 0;
        for (Parameter p : model.parameters()) {
            compare("grad." + p.name(), p.grad(), reference.readFloat("grad." + p.name()), report, failures);
            gradients++;
        }
        System.out.println("max relative error per tensor (max|ours-ref| / max|ref|):\n  " + String.join("\n  ", report));
        assertEquals(reference.names().stream().filter(n -> n.startsWith("grad.")).count(), gradients,
                "every reference gradient must have a parameter");
        assertTrue(failures.isEmpty(), "above " + MAX_RELATIVE_ERROR + ":\n  " + String.join("\n  ", failures)
                + "\nall tensors:\n  " + String.join("\n  ", report));
    }

    private static void compare(String name, Tensor ours, Tensor ref, List<String> report, List<String> failures) {
        assertEquals(ref.size(), ours.size(), name + ": element count");
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < ref.size(); i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) ours.data[i] - ref.data[i]));
            maxRef = Math.max(maxRef, Math.abs(ref.data[i]));
        }
        double err = maxDiff / maxRef;
        String line = String.format("%-55s %.3e", name, err);
        report.add(line);
        if (!(err <= MAX_RELATIVE_ERROR)) failures.add(line);
    }
}
