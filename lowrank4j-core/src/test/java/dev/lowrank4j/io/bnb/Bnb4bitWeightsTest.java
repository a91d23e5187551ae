package dev.lowrank4j.io.bnb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsDtype;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.quant.nf4.Nf4Options;
import dev.lowrank4j.quant.nf4.Nf4Scales;
import dev.lowrank4j.quant.nf4.Nf4Tensor;
import dev.lowrank4j.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Bnb4bitWeightsTest {
    private static final String W = "model.layers.0.mlp.down_proj.weight";

    @TempDir
    Path tmp;

    private static Nf4Tensor weight(boolean doubleQuant) {
        Random r = new Random(9);
        float[] x = new float[40 * 70]; // 2800 values: partial last block; 44 blocks
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian() * 0.02f;
        return Nf4Tensor.quantize(x, new int[] {40, 70}, new Nf4Options(64, doubleQuant));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void writesAndReadsBackBitwise(boolean doubleQuant) {
        Nf4Tensor t = weight(doubleQuant);
        Path file = tmp.resolve("model.safetensors");
        SafeTensorsWriter w = new SafeTensorsWriter();
        Bnb4bitWeights.put(w, W, t, "float32");
        w.write(file);
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            assertTrue(Bnb4bitWeights.isQuantized(f, W));
            assertFalse(Bnb4bitWeights.isQuantized(f, "model.layers.0.mlp.up_proj.weight"));
            assertArrayEquals(new int[] {1400, 1}, f.entry(W).shape());
            Nf4Tensor back = Bnb4bitWeights.read(f, W, 40, 70);
            assertArrayEquals(t.codes(), back.codes());
            assertArrayEquals(t.dequantize(), back.dequantize());
            assertEquals(t.options(), back.options());
            if (doubleQuant) {
                assertEquals(((Nf4Scales.DoubleQuantized) t.scales()).offset(), ((Nf4Scales.DoubleQuantized) back.scales()).offset());
            }
            Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> Bnb4bitWeights.read(f, W, 70, 40));
            assertTrue(e.getMessage().contains("quant state shape [40, 70] but the model expects [70, 40]"), e.getMessage());
        }
    }

    /** Writes the layout of {@link #weight} to bad.safetensors with tensor {@code skip} left out and {@code change} applied. */
    private Path rewrite(boolean doubleQuant, Consumer<SafeTensorsWriter> change, String skip) {
        SafeTensorsWriter good = new SafeTensorsWriter();
        Bnb4bitWeights.put(good, W, weight(doubleQuant), "float32");
        Path goodFile = tmp.resolve("good.safetensors"), bad = tmp.resolve("bad.safetensors");
        good.write(goodFile);
        SafeTensorsWriter w = new SafeTensorsWriter();
        try (SafeTensorsFile f = SafeTensors.open(goodFile)) {
            for (String name : f.names()) {
                if (name.equals(skip)) continue;
                if (f.entry(name).dtype() == SafeTensorsDtype.U8) w.putBytes(name, f.readBytes(name), f.entry(name).shape());
                else w.putFloat(name, f.readFloat(name));
            }
        }
        change.accept(w);
        w.write(bad);
        return bad;
    }

    /** The rewritten file must fail to read with a one-line error naming the file and weight. */
    private void assertRejected(boolean doubleQuant, Consumer<SafeTensorsWriter> corrupt, String skip, String message) {
        try (SafeTensorsFile f = SafeTensors.open(rewrite(doubleQuant, corrupt, skip))) {
            Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> Bnb4bitWeights.read(f, W));
            assertTrue(e.getMessage().contains(message), e.getMessage());
            assertTrue(e.getMessage().startsWith("bad.safetensors: " + W), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void packedSizeNotMatchingTheShape() {
        assertRejected(false, w -> w.putBytes(W, new byte[1399], 1399, 1), W,
                "quant state shape [40, 70] needs 1400 packed bytes, but the weight holds 1399");
    }

    @Test
    void quantStateGarbage() {
        byte[] garbage = json("{\"quant_type\": nf4");
        assertRejected(false, w -> w.putBytes(W + Bnb4bitWeights.QUANT_STATE, garbage, garbage.length),
                W + Bnb4bitWeights.QUANT_STATE, "is not valid JSON");
    }

    @Test
    void fp4IsNotSupported() {
        byte[] fp4 = json("{\"quant_type\": \"fp4\", \"blocksize\": 64, \"dtype\": \"float32\", \"shape\": [40, 70]}");
        assertRejected(false, w -> w.putBytes(W + ".quant_state.bitsandbytes__fp4", fp4, fp4.length),
                W + Bnb4bitWeights.QUANT_STATE, "quant type \"fp4\" is not supported (only nf4)");
    }

    @Test
    void absmaxCountNotMatchingTheBlocks() {
        assertRejected(false, w -> w.putFloat(W + Bnb4bitWeights.ABSMAX, Tensor.zeros(43)), W + Bnb4bitWeights.ABSMAX,
                W + ".absmax holds 43 values, expected 44");
    }

    @Test
    void absmaxWithNaN() {
        float[] a = new float[44];
        a[5] = Float.NaN;
        assertRejected(false, w -> w.putFloat(W + Bnb4bitWeights.ABSMAX, new Tensor(a, 44)), W + Bnb4bitWeights.ABSMAX,
                W + ".absmax element 5 is NaN");
    }

    @Test
    void quantMapThatIsNotNf4() {
        assertRejected(false, w -> w.putFloat(W + Bnb4bitWeights.QUANT_MAP, Tensor.zeros(16)), W + Bnb4bitWeights.QUANT_MAP,
                "is not the NF4 code (entry 0 is 0.0)");
    }

    @Test
    void nestedStateWithoutNestedTensors() {
        assertRejected(true, w -> { }, W + Bnb4bitWeights.NESTED_ABSMAX, "the quant state is nested but");
    }

    @Test
    void nestedAbsmaxStoredAsFloats() {
        assertRejected(true, w -> w.putFloat(W + Bnb4bitWeights.ABSMAX, Tensor.zeros(44)), W + Bnb4bitWeights.ABSMAX,
                W + ".absmax must be a 1-D U8 tensor, found F32[44]");
    }

    @Test
    void missingQuantState() {
        assertRejected(false, w -> { }, W + Bnb4bitWeights.QUANT_STATE, "not a bitsandbytes 4-bit weight");
    }

    /** bnb_4bit_quant_storage other than uint8 stores the same bytes as another dtype; only the bytes count. */
    @Test
    void packedCodesStoredAsAnotherDtypeAreReadByTheirBytes() {
        Nf4Tensor t = weight(false); // 1400 packed bytes = 175 little-endian int64 values
        ByteBuffer b = ByteBuffer.wrap(t.codes()).order(ByteOrder.LITTLE_ENDIAN);
        long[] asLongs = new long[175];
        for (int i = 0; i < asLongs.length; i++) asLongs[i] = b.getLong();
        try (SafeTensorsFile f = SafeTensors.open(rewrite(false, w -> w.putLong(W, asLongs, 175, 1), W))) {
            assertEquals(SafeTensorsDtype.I64, f.entry(W).dtype());
            assertArrayEquals(t.dequantize(), Bnb4bitWeights.read(f, W).dequantize());
        }
    }

    @Test
    void aFailedPutLeavesTheWriterUntouched() {
        SafeTensorsWriter w = new SafeTensorsWriter();
        assertThrows(IllegalArgumentException.class, () -> Bnb4bitWeights.put(w, W, weight(false), "int8"));
        Path file = tmp.resolve("empty.safetensors");
        w.write(file);
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            assertTrue(f.names().isEmpty());
        }
        assertTrue(Files.exists(file));
    }
}
