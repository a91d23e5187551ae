package dev.lowrank4j.data;

import dev.lowrank4j.Lowrank4jException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The State of the Union corpus that {@code scripts/fetch-data.sh sotu} caches: 233 addresses
 * (1790-2021) as one text in year order, {@code sotu/sotu.txt} under the {@link DataCache} root.
 * Fine-tuning cuts it along the text, so its validation and test parts are the most recent addresses.
 */
public final class Sotu {
    public static final String DATASET = "sotu";
    public static final String CORPUS_FILE = "sotu.txt";
    /** What {@code finetune --text} accepts in place of a file name. */
    public static final String NAME = "sotu";

    private Sotu() {}

    public static Path corpusFile() {
        return DataCache.dataset(DATASET).resolve(CORPUS_FILE);
    }

    /**
     * {@code text} itself, or the cached corpus when {@code text} is the bare name {@value #NAME}
     * and no such file exists here; a one-line error when the corpus has not been fetched.
     */
    public static Path resolve(Path text) {
        if (!text.toString().equals(NAME) || Files.exists(text)) return text;
        Path f = corpusFile();
        if (!Files.isRegularFile(f)) {
            throw new Lowrank4jException("State of the Union corpus not found at " + f + "; run scripts/fetch-data.sh sotu first");
        }
        return f;
    }
}
