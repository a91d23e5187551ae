package dev.lowrank4j.cli.crash;

import dev.lowrank4j.data.Corpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The inputs every crash trial shares, in one work folder: a short text (the first bytes of the
 * embedded corpus) to pretrain, fine-tune and calibrate on, the committed 8x8 digits for DLRT, and
 * the uninterrupted reference run of each command, made once and reused by every trial.
 */
public record CrashFixture(Path work, Path digits) {
    /** Enough text for train, validation and test windows of 32 tokens, small enough for a run of seconds. */
    private static final int TEXT_BYTES = 8000;

    public CrashFixture {
        try {
            Files.createDirectories(work);
            Path text = work.resolve("text.txt");
            if (!Files.exists(text)) Files.write(text, Arrays.copyOf(Corpus.embedded(), TEXT_BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The digits folder as the test working directory (lowrank4j-cli) or the repository root sees it. */
    public static Path digitsFrom(Path repoRoot) {
        return repoRoot.resolve("lowrank4j-core/src/test/resources/digits-8x8").toAbsolutePath().normalize();
    }

    public Path text() {
        return work.resolve("text.txt");
    }

    public Path reference(CrashCommand c) {
        return work.resolve(c.id() + "-reference");
    }

    /** The pretrain reference: the base model that finetune tunes and quantize quantizes. */
    public Path base() {
        return reference(CrashCommand.PRETRAIN);
    }
}
