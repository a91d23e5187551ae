package dev.lowrank4j.fuzz;

import com.google.protobuf.CodedOutputStream;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the valid starting inputs of the committed seed corpus (src/test/resources/dev/lowrank4j/
 * fuzz/&lt;Target&gt;Inputs/&lt;method&gt;/seed-*). Not a test; run by hand when a format changes:
 * {@code java -cp <test classpath> dev.lowrank4j.fuzz.FuzzSeeds lowrank4j-core/src/test/resources}.
 * Crashing inputs the fuzzer found sit next to these seeds under their own names.
 */
public final class FuzzSeeds {
    private FuzzSeeds() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]).resolve("dev/lowrank4j/fuzz");
        Path tmp = Files.createTempDirectory("seeds");

        byte[] st = safetensors(tmp, new SafeTensorsWriter()
                .putFloat("a", new Tensor(new float[] {1, -2, 3, 0.5f}, 2, 2))
                .putLong("ids", new long[] {0, 1, 2}, 3)
                .putBytes("raw", new byte[] {1, 2, 3}, 3)
                .metadata("note", "seed"));
        write(root, "SafeTensorsFuzzTestInputs/openAndRead/seed-mixed", st);
        write(root, "SafeTensorsFuzzTestInputs/openAndRead/seed-scalar",
                safetensors(tmp, new SafeTensorsWriter().putFloat("s", new Tensor(new float[] {7}))));

        // quantized folder for the two linears of QuantizedFolderFuzzTest: l0 [2,3], l1 [3,2], 8-bit codes
        String qcfg = "{\"format\":\"lowrank4j-ptq\",\"version\":1,\"quant_method\":\"rtn\",\"weight_bits\":8,"
                + "\"activation_bits\":16,\"activation\":\"none\",\"kv_bits\":0,\"modules\":[\"l0\",\"l1\"]}";
        byte[] qst = safetensors(tmp, new SafeTensorsWriter()
                .putBytes("l0.weight", new byte[] {1, 2, 3, 4, 5, 6}, 6)
                .putBytes("l0.weight_zero_point", new byte[] {0, 1}, 2)
                .putFloat("l0.weight_scale", new Tensor(new float[] {0.5f, 0.25f}, 2))
                .putBytes("l1.weight", new byte[] {6, 5, 4, 3, 2, 1}, 6)
                .putBytes("l1.weight_zero_point", new byte[] {0, 1, 2}, 3)
                .putFloat("l1.weight_scale", new Tensor(new float[] {1, 2, 3}, 3))
                .putFloat("l0.bias", new Tensor(new float[] {0, 0}, 2)));
        write(root, "QuantizedFolderFuzzTestInputs/folder/seed-int8", concat(qcfg, qst));

        String state = "{\"format_version\":2,\"step\":3,\"data_position\":{\"cursor\":5},\"units_seen\":96,"
                + "\"train_seconds\":1.5,\"last_metrics\":{\"val_loss\":2.0},\"primary_metric\":\"val_loss\","
                + "\"recent_losses\":[2.5,2.25],\"peak_activation_bytes\":1024}";
        String stateV1 = "{\"step\":3,\"rng_state\":42,\"tokens_seen\":96,\"train_seconds\":1.5,\"last_val_loss\":2.0}";
        byte[] opt = safetensors(tmp, new SafeTensorsWriter()
                .putFloat("w.exp_avg", new Tensor(new float[] {0.1f, 0.2f}, 2))
                .putFloat("w.exp_avg_sq", new Tensor(new float[] {0.01f, 0.02f}, 2))
                .metadata("optimizer_steps", "3"));
        write(root, "CheckpointFuzzTestInputs/trainerStateAndOptimizer/seed-v2", concat(state, opt));
        write(root, "CheckpointFuzzTestInputs/trainerStateAndOptimizer/seed-v1", concat(stateV1, opt));

        write(root, "OnnxFuzzTestInputs/model/seed-relu", tinyOnnx());

        byte[] idx = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8};
        write(root, "IdxFuzzTestInputs/imagesAndLabels/seed-images", idx);
        write(root, "IdxFuzzTestInputs/imagesAndLabels/seed-labels", new byte[] {0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 9});
    }

    /** ModelProto{ir_version, opset_import, graph{node Relu x->y, input x, output y, initializer w}} in wire format. */
    private static byte[] tinyOnnx() throws IOException {
        byte[] node = message(o -> {
            o.writeString(1, "x");
            o.writeString(2, "y");
            o.writeString(3, "relu0");
            o.writeString(4, "Relu");
        });
        byte[] init = message(o -> {
            o.writeInt64(1, 2);
            o.writeInt32(2, 1);
            o.writeString(8, "w");
            o.writeByteArray(9, new byte[8]);
        });
        byte[] in = message(o -> o.writeString(1, "x"));
        byte[] out = message(o -> o.writeString(1, "y"));
        byte[] graph = message(o -> {
            o.writeByteArray(1, node);
            o.writeString(2, "g");
            o.writeByteArray(5, init);
            o.writeByteArray(11, in);
            o.writeByteArray(12, out);
        });
        byte[] opset = message(o -> o.writeInt64(2, 14));
        return message(o -> {
            o.writeInt64(1, 8);
            o.writeByteArray(8, opset);
            o.writeByteArray(7, graph);
        });
    }

    private interface Body {
        void write(CodedOutputStream o) throws IOException;
    }

    private static byte[] message(Body body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(bytes);
        body.write(o);
        o.flush();
        return bytes.toByteArray();
    }

    private static byte[] safetensors(Path tmp, SafeTensorsWriter w) throws IOException {
        Path f = tmp.resolve("t.safetensors");
        w.write(f);
        return Files.readAllBytes(f);
    }

    private static byte[] concat(String json, byte[] binary) {
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[j.length + 1 + binary.length];
        System.arraycopy(j, 0, out, 0, j.length);
        System.arraycopy(binary, 0, out, j.length + 1, binary.length);
        return out;
    }

    private static void write(Path root, String rel, byte[] bytes) throws IOException {
        Path f = root.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.write(f, bytes);
    }
}
