package dev.lowrank4j.quant.nf4;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Locates the bitsandbytes-generated fixture and compares floats bit for bit. */
final class Nf4Fixture {
    static final Path DIR = resource("/nf4-reference");
    static final Path CASES = DIR.resolve("cases.safetensors");
    static final Path LAYOUT = DIR.resolve("bnb-layout.safetensors");

    private Nf4Fixture() {}

    static Path resource(String name) {
        URL url = Nf4Fixture.class.getResource(name);
        if (url == null) throw new AssertionError("test resource missing: " + name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    static void assertBitwise(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": element " + i + " expected " + expected[i] + " got " + actual[i]);
            }
        }
    }
}
