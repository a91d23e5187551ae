package dev.lowrank4j.io.bnb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsEntry;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.quant.nf4.Nf4Tensor;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Against tensors bitsandbytes itself saved (Linear4bit._save_to_state_dict naming,
 * QuantState.as_dict(packed=True) contents; fixture from scripts/reference/nf4_reference.py): we
 * read them to bitsandbytes' own dequantization, and writing what we read gives back the same
 * names, dtypes, shapes and bytes, the quant state JSON included.
 */
class BnbLayoutReferenceTest {
    @TempDir
    Path tmp;

    static Path fixture() {
        try {
            return Path.of(BnbLayoutReferenceTest.class.getResource("/nf4-reference/bnb-layout.safetensors").toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** float32 → bfloat16 → float32 bits, rounding to nearest even (torch's .to(torch.bfloat16)); no NaNs here. */
    private static int toBfloat16(float v) {
        int bits = Float.floatToRawIntBits(v);
        return (bits + 0x7FFF + ((bits >>> 16) & 1)) & 0xFFFF0000;
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "nested"})
    void readsBitsandbytesFilesAndWritesThemBackIdentically(String layer) {
        String weight = layer + ".weight";
        Path copy = tmp.resolve("copy.safetensors");
        try (SafeTensorsFile ref = SafeTensors.open(fixture())) {
            assertTrue(Bnb4bitWeights.isQuantized(ref, weight));
            Nf4Tensor t = Bnb4bitWeights.read(ref, weight);
            // bitsandbytes dequantizes in float32 and then rounds to the weight's dtype, here bfloat16.
            float[] expected = ref.readFloat(layer + ".reference_dequantized").data;
            float[] actual = t.dequantize();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), toBfloat16(actual[i]), weight + " element " + i);
            }
            assertArrayEquals(ref.readFloat(layer + ".reference_dequantized").shape(), t.shape());

            SafeTensorsWriter w = new SafeTensorsWriter();
            Bnb4bitWeights.put(w, weight, t, "bfloat16");
            w.write(copy);
            List<String> names = Bnb4bitWeights.tensorNames(weight, layer.equals("nested"));
            List<String> refNames = ref.names().stream().filter(n -> n.startsWith(weight)).toList();
            assertEquals(refNames, names, "tensor names and their order");
            try (SafeTensorsFile ours = SafeTensors.open(copy)) {
                assertEquals(names, List.copyOf(ours.names()));
                for (String name : names) {
                    SafeTensorsEntry a = ref.entry(name), b = ours.entry(name);
                    assertEquals(a.dtype(), b.dtype(), name);
                    assertArrayEquals(a.shape(), b.shape(), name);
                    assertArrayEquals(ref.readBytes(name), ours.readBytes(name), name);
                }
            }
        }
    }
}
